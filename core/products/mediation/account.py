"""Mediation's part of a person's account: the couples they are in (with the child's name) and the sessions they
took part in (their side while it is held, whether they allowed quoting, the child's post).

/forget takes the person's couples and every session they took part in with it — a couple is two people, and the
posts summarise both sides — and withdraws what those sessions still had to send. /link moves their places."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.ports import UnitOfWork
from core.products.mediation.domain import session_key
from core.registration import AccountPart


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "mediation_couples": [
            {
                "platform": couple.platform,
                "partner": couple.second_name if couple.first_id == user.id else couple.first_name,
                "child_name": couple.child_name,
            }
            for couple in await uow.mediations.couples_of(user.id)
        ],
        "mediations": [
            {
                "platform": session.platform,
                "chat": session.chat_title,
                "opened_at": session.opened_at.isoformat(),
                "state": session.state.value,
                "closed_at": session.closed_at.isoformat() if session.closed_at else None,
                "my_side": {
                    "text": side.text,  # held only while the session is open
                    "given_at": side.given_at.isoformat() if side.given_at else None,
                    "quoting_allowed": side.quote_ok,
                    "paused": side.paused_at is not None,
                },
                "child_post": session.post.text if session.post is not None else None,
            }
            for session, side in await uow.mediations.sessions_of(user.id)
        ],
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    for session_id in await uow.mediations.forget_user(user_id):
        await uow.outbox.withdraw(session_key(session_id))


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.mediations.fold_user(source, target)


ACCOUNT = AccountPart(
    tables=("mediation_couples", "mediation_sessions", "mediation_sides"),
    export=export,
    forget=forget,
    fold=fold,
)
