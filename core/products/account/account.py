"""The account's own part: the person, their platform accounts, link codes and code tries, quiet hours, the
pushes addressed to them (the outbox, which every product writes to) and the texts held for a question the bot asked
back (core/usecases/choices.py, which any verb may ask). Forgotten and folded last."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.ports import UnitOfWork
from core.registration import AccountPart


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "user": {
            "id": user.id,
            "language": user.locale.value,
            "timezone": user.timezone,
            "created_at": user.created_at.isoformat(),
            "consented_at": user.consented_at.isoformat() if user.consented_at else None,
        },
        "identities": [
            {
                "platform": i.platform,
                "external_id": i.external_id,
                "name": i.display_name,
                "linked_at": i.created_at.isoformat(),
            }
            for i in await uow.users.identities(user.id)
        ],
        "link_codes": [  # codes made with /link (not the codes themselves)
            {
                "made_at": c.made_at.isoformat(),
                "expires_at": c.expires_at.isoformat(),
                "used_at": c.used_at.isoformat() if c.used_at else None,
            }
            for c in await uow.users.link_codes_of(user.id)
        ],
        "wrong_code_tries": [{"kind": t.kind, "at": t.at.isoformat()} for t in await uow.code_tries.of_user(user.id)],
        "quiet_hours": user.quiet_hours.shown() if user.quiet_hours else None,
        # a question the bot asked back and is still waiting on ("일기로 남길까요?"): the text each answer stands for
        "open_questions": [
            {"answer": c.verb, "text": c.text, "asked_at": c.created_at.isoformat()}
            for c in await uow.choices.of_user(user.id)
        ],
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    await uow.choices.drop_all(user_id)
    await uow.users.delete_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.choices.fold(source, target)
    await uow.users.fold_into(source, target)


ACCOUNT = AccountPart(
    tables=("users", "identities", "link_codes", "code_tries", "outbox", "held_choices"),
    export=export,
    forget=forget,
    fold=fold,
)
