"""Friendships and invite codes (SQLAlchemy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    FriendInviteRow,
    FriendshipRow,
    GuestbookNoteRow,
    UserRow,
)
from core.adapters.db.sql import dialect_insert
from core.adapters.db.users import display_name_of
from core.domain.values import UserId
from core.products.friends.domain import MAX_FRIENDS, Friend, InviteOutcome


class SqlAlchemyFriends:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create_invite(self, *, inviter: UserId, code: str, now: datetime, expires_at: datetime) -> None:
        self._session.add(FriendInviteRow(code=code, inviter_id=inviter, created_at=now, expires_at=expires_at))
        await self._session.flush()

    async def invites_made(self, inviter: UserId) -> list[dict[str, str | None]]:
        """The invite codes a person made, for their export: when, until when, when used (never the code)."""
        rows = await self._session.scalars(
            select(FriendInviteRow).where(FriendInviteRow.inviter_id == inviter).order_by(FriendInviteRow.id)
        )
        return [
            {
                "made_at": r.created_at.isoformat(),
                "expires_at": r.expires_at.isoformat(),
                "used_at": r.used_at.isoformat() if r.used_at else None,
            }
            for r in rows
        ]

    async def invites_since(self, inviter: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(FriendInviteRow)
            .where(FriendInviteRow.inviter_id == inviter, FriendInviteRow.created_at >= since)
        )
        return int(count or 0)

    async def redeem(self, code: str, *, user: UserId, now: datetime) -> tuple[InviteOutcome, UserId | None]:
        """Use a one-time code: one conditional UPDATE, so two people racing for one code cannot both win. Both
        people's rows are locked first, in id order, so two who accept each other's codes at the same moment
        take turns (no deadlock) and the second finds them friends already."""
        invite = await self._session.scalar(select(FriendInviteRow).where(FriendInviteRow.code == code))
        if invite is None or invite.used_at is not None or invite.expires_at <= now:
            return InviteOutcome.UNKNOWN, None
        inviter = UserId(invite.inviter_id)
        if inviter == user:
            return InviteOutcome.SELF, inviter
        await self._session.execute(
            select(UserRow.id).where(UserRow.id.in_(sorted((user, inviter)))).order_by(UserRow.id).with_for_update()
        )
        if await self.are_friends(user, inviter):
            return InviteOutcome.ALREADY, inviter
        if len(await self.ids(user)) >= MAX_FRIENDS or len(await self.ids(inviter)) >= MAX_FRIENDS:
            return InviteOutcome.FULL, inviter
        taken = await self._session.execute(
            update(FriendInviteRow)
            .where(
                FriendInviteRow.id == invite.id,
                FriendInviteRow.used_at.is_(None),
                FriendInviteRow.expires_at > now,
            )
            .values(used_at=now, used_by=user)
        )
        if not taken.rowcount:  # type: ignore[attr-defined]
            return InviteOutcome.UNKNOWN, None
        await self._session.execute(
            dialect_insert(self._session, FriendshipRow)
            .values(
                [
                    {"user_id": a, "friend_id": b, "created_at": now}
                    for a, b in sorted(((user, inviter), (inviter, user)))
                ]
            )
            .on_conflict_do_nothing(index_elements=["user_id", "friend_id"])
        )
        return InviteOutcome.ACCEPTED, inviter

    async def are_friends(self, a: UserId, b: UserId) -> bool:
        found = await self._session.scalar(
            select(FriendshipRow.user_id).where(FriendshipRow.user_id == a, FriendshipRow.friend_id == b)
        )
        return found is not None

    async def ids(self, user: UserId) -> list[UserId]:
        rows = await self._session.scalars(select(FriendshipRow.friend_id).where(FriendshipRow.user_id == user))
        return [UserId(r) for r in rows]

    async def list(self, user: UserId) -> list[Friend]:
        """In the order they became friends, so the numbers /friend list shows stay put."""
        rows = await self._session.execute(
            select(FriendshipRow.friend_id, display_name_of(FriendshipRow.friend_id), FriendshipRow.created_at)  # type: ignore[call-overload]
            .where(FriendshipRow.user_id == user)
            .order_by(FriendshipRow.created_at, FriendshipRow.friend_id)
        )
        return [Friend(user_id=UserId(fid), name=name or "?", since=since) for fid, name, since in rows]

    async def remove(self, a: UserId, b: UserId) -> bool:
        result = await self._session.execute(
            delete(FriendshipRow).where(
                ((FriendshipRow.user_id == a) & (FriendshipRow.friend_id == b))
                | ((FriendshipRow.user_id == b) & (FriendshipRow.friend_id == a))
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_user(self, user_id: UserId) -> None:
        """Friendships both ways, invites made (and the mark on invites used), guestbook notes both ways."""
        await self._session.execute(
            delete(GuestbookNoteRow).where(
                or_(GuestbookNoteRow.owner_id == user_id, GuestbookNoteRow.author_id == user_id)
            )
        )
        await self._session.execute(
            delete(FriendshipRow).where(or_(FriendshipRow.user_id == user_id, FriendshipRow.friend_id == user_id))
        )
        await self._session.execute(
            update(FriendInviteRow).where(FriendInviteRow.used_by == user_id).values(used_by=None)
        )
        await self._session.execute(delete(FriendInviteRow).where(FriendInviteRow.inviter_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins before it has friends (/link refuses otherwise); its open invites go."""
        await self._session.execute(delete(FriendInviteRow).where(FriendInviteRow.inviter_id == source))
