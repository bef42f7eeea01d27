"""Friends' part of a person's account: friendships, invite codes and guestbook notes (theirs and written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.ports import UnitOfWork
from core.products.friends.domain import pushes_written_by
from core.registration import AccountPart


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    _, notes_written = await uow.diary.written_by(user.id)
    return {
        "guestbook": [
            {"by": n.author_name, "text": n.text, "at": n.created_at.isoformat()}
            for n in await uow.diary.guestbook(user.id, limit=10_000)
        ],
        "friends": [{"name": f.name, "since": f.since.isoformat()} for f in await uow.friends.list(user.id)],
        "guestbook_notes_written": [{"text": n.text, "at": n.created_at.isoformat()} for n in notes_written],
        "friend_invites_made": await uow.friends.invites_made(user.id),
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    for prefix in pushes_written_by(user_id):  # copies of what they wrote, in friends' notices
        await uow.outbox.withdraw(prefix)
    await uow.friends.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.friends.fold_user(source, target)


ACCOUNT = AccountPart(
    tables=("friendships", "friend_invites", "guestbook_notes"),
    export=export,
    forget=forget,
    fold=fold,
)
