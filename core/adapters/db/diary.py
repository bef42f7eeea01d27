"""The emotion diary, friends and recurring schedules (SQLAlchemy). Texts are stored through the Cipher."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    DiaryCommentRow,
    DiaryEntryRow,
    FriendInviteRow,
    FriendshipRow,
    GuestbookNoteRow,
    IdentityRow,
    PendingDiaryRow,
    ScheduleRow,
    UserRow,
)
from core.adapters.db.repositories import dialect_insert
from core.domain.emotion import Emotion
from core.domain.records import Note
from core.domain.schedules import DueSchedule, ScheduleKind
from core.domain.values import UserId
from core.ports import Cipher
from core.products.diary.domain import DiaryEntry, Visibility
from core.products.friends.domain import MAX_FRIENDS, Friend, InviteOutcome


def _name_of(user_column: object) -> object:
    """The user's display name: their first identity's."""
    return (
        select(IdentityRow.display_name)
        .where(IdentityRow.user_id == user_column)
        .order_by(IdentityRow.id)
        .limit(1)
        .scalar_subquery()
    )


class SqlAlchemyDiary:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def _entry(self, row: DiaryEntryRow) -> DiaryEntry:
        return DiaryEntry(
            id=row.id,
            user_id=UserId(row.user_id),
            text=self._cipher.decrypt(row.text) if row.text else "",
            emotion=Emotion(row.emotion),
            intensity=row.intensity,
            visibility=Visibility(row.visibility),
            comment=self._cipher.decrypt(row.comment) if row.comment else None,
            local_date=row.local_date,
            created_at=row.created_at,
        )

    async def add(
        self,
        *,
        user_id: UserId,
        text: str,
        emotion: Emotion,
        intensity: int,
        visibility: Visibility,
        local_date: date,
        now: datetime,
    ) -> DiaryEntry:
        row = DiaryEntryRow(
            user_id=user_id,
            text=self._cipher.encrypt(text),
            emotion=emotion.value,
            intensity=intensity,
            visibility=visibility.value,
            comment=None,
            crisis=False,
            local_date=local_date,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return self._entry(row)

    async def set_comment(self, entry_id: int, comment: str) -> None:
        await self._session.execute(
            update(DiaryEntryRow).where(DiaryEntryRow.id == entry_id).values(comment=self._cipher.encrypt(comment))
        )

    async def get(self, entry_id: int) -> DiaryEntry | None:
        row = await self._session.scalar(
            select(DiaryEntryRow).where(DiaryEntryRow.id == entry_id, DiaryEntryRow.deleted_at.is_(None))
        )
        return self._entry(row) if row is not None else None

    async def set_visibility(self, entry_id: int, *, owner: UserId, visibility: Visibility) -> bool:
        result = await self._session.execute(
            update(DiaryEntryRow)
            .where(DiaryEntryRow.id == entry_id, DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
            .values(visibility=visibility.value)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, entry_id: int, *, owner: UserId, now: datetime) -> bool:
        """The text and comment go at once; the row stays (emotion and day) so stats and points stay true."""
        result = await self._session.execute(
            update(DiaryEntryRow)
            .where(DiaryEntryRow.id == entry_id, DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
            .values(deleted_at=now, text="", comment=None, visibility=Visibility.PRIVATE.value)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(delete(DiaryCommentRow).where(DiaryCommentRow.entry_id == entry_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def page(
        self, owners: list[UserId], *, before_id: int | None, limit: int, friends_only: bool = False
    ) -> list[DiaryEntry]:
        """Newest first, keyset by id: the entries of `owners` (only friends-visible ones when `friends_only`)."""
        if not owners:
            return []
        query = select(DiaryEntryRow).where(DiaryEntryRow.user_id.in_(owners), DiaryEntryRow.deleted_at.is_(None))
        if friends_only:
            query = query.where(DiaryEntryRow.visibility == Visibility.FRIENDS.value)
        if before_id is not None:
            query = query.where(DiaryEntryRow.id < before_id)
        rows = await self._session.scalars(query.order_by(DiaryEntryRow.id.desc()).limit(limit))
        return [self._entry(row) for row in rows]

    async def count_on(self, user_id: UserId, day: date) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(DiaryEntryRow)
            .where(DiaryEntryRow.user_id == user_id, DiaryEntryRow.local_date == day)
        )
        return int(count or 0)

    async def days(self, user_id: UserId, *, since: date) -> set[date]:
        rows = await self._session.scalars(
            select(DiaryEntryRow.local_date)
            .where(DiaryEntryRow.user_id == user_id, DiaryEntryRow.local_date >= since)
            .distinct()
        )
        return set(rows)

    async def moods_between(self, user_id: UserId, first: date, last: date) -> list[tuple[date, Emotion, int]]:
        """(day, emotion, intensity) of every entry written from `first` to `last`, deleted ones included: a
        deleted text does not undo how the day felt."""
        rows = await self._session.execute(
            select(DiaryEntryRow.local_date, DiaryEntryRow.emotion, DiaryEntryRow.intensity)
            .where(
                DiaryEntryRow.user_id == user_id,
                DiaryEntryRow.local_date >= first,
                DiaryEntryRow.local_date <= last,
            )
            .order_by(DiaryEntryRow.id)
        )
        return [(day, Emotion(emotion), intensity) for day, emotion, intensity in rows]

    async def add_comment(self, *, entry_id: int, author_id: UserId, text: str, now: datetime) -> int:
        row = DiaryCommentRow(entry_id=entry_id, author_id=author_id, text=self._cipher.encrypt(text), created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def comments(self, entry_id: int, *, limit: int = 20) -> list[Note]:
        """The latest `limit` comments, oldest of them first."""
        rows = await self._session.execute(
            select(DiaryCommentRow, _name_of(DiaryCommentRow.author_id))  # type: ignore[call-overload]
            .where(DiaryCommentRow.entry_id == entry_id)
            .order_by(DiaryCommentRow.id.desc())
            .limit(limit)
        )
        return [self._note(row, name) for row, name in reversed(rows.all())]

    async def add_guestbook_note(self, *, owner_id: UserId, author_id: UserId, text: str, now: datetime) -> int:
        row = GuestbookNoteRow(owner_id=owner_id, author_id=author_id, text=self._cipher.encrypt(text), created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def guestbook(self, owner_id: UserId, *, limit: int = 10) -> list[Note]:
        rows = await self._session.execute(
            select(GuestbookNoteRow, _name_of(GuestbookNoteRow.author_id))  # type: ignore[call-overload]
            .where(GuestbookNoteRow.owner_id == owner_id)
            .order_by(GuestbookNoteRow.id.desc())
            .limit(limit)
        )
        return [self._note(row, name) for row, name in rows]

    async def written_by(self, author_id: UserId) -> tuple[list[Note], list[Note]]:
        """What `author_id` wrote to others: (comments on entries, guestbook notes), oldest first."""
        comments = await self._session.scalars(
            select(DiaryCommentRow).where(DiaryCommentRow.author_id == author_id).order_by(DiaryCommentRow.id)
        )
        notes = await self._session.scalars(
            select(GuestbookNoteRow).where(GuestbookNoteRow.author_id == author_id).order_by(GuestbookNoteRow.id)
        )
        return [self._note(row, None) for row in comments], [self._note(row, None) for row in notes]

    def _note(self, row: DiaryCommentRow | GuestbookNoteRow, name: str | None) -> Note:
        return Note(
            id=row.id,
            author_id=UserId(row.author_id),
            author_name=name or "?",
            text=self._cipher.decrypt(row.text),
            created_at=row.created_at,
        )

    async def hold_pending(self, *, user_id: UserId, text: str, now: datetime) -> int:
        self._session.add(PendingDiaryRow(user_id=user_id, text=self._cipher.encrypt(text), created_at=now))
        await self._session.flush()
        count = await self._session.scalar(
            select(func.count()).select_from(PendingDiaryRow).where(PendingDiaryRow.user_id == user_id)
        )
        return int(count or 0)

    async def take_pending(self, user_id: UserId, *, since: datetime) -> list[str]:
        rows = (
            await self._session.scalars(
                select(PendingDiaryRow).where(PendingDiaryRow.user_id == user_id).order_by(PendingDiaryRow.id)
            )
        ).all()
        await self._session.execute(delete(PendingDiaryRow).where(PendingDiaryRow.user_id == user_id))
        return [self._cipher.decrypt(row.text) for row in rows if row.created_at >= since]

    async def pending_of(self, user_id: UserId) -> list[tuple[str, datetime]]:
        rows = await self._session.scalars(
            select(PendingDiaryRow).where(PendingDiaryRow.user_id == user_id).order_by(PendingDiaryRow.id)
        )
        return [(self._cipher.decrypt(row.text), row.created_at) for row in rows]

    async def purge_pending(self, *, before: datetime) -> int:
        result = await self._session.execute(delete(PendingDiaryRow).where(PendingDiaryRow.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def entries_of(self, user_id: UserId) -> list[DiaryEntry]:
        """Every entry, oldest first (for /export)."""
        rows = await self._session.scalars(
            select(DiaryEntryRow)
            .where(DiaryEntryRow.user_id == user_id, DiaryEntryRow.deleted_at.is_(None))
            .order_by(DiaryEntryRow.id)
        )
        return [self._entry(row) for row in rows]

    async def forget_user(self, user_id: UserId) -> None:
        """A person's entries (with every comment on them), the comments they wrote, entries held for consent."""
        mine = select(DiaryEntryRow.id).where(DiaryEntryRow.user_id == user_id)
        await self._session.execute(
            delete(DiaryCommentRow).where(or_(DiaryCommentRow.author_id == user_id, DiaryCommentRow.entry_id.in_(mine)))
        )
        await self._session.execute(delete(DiaryEntryRow).where(DiaryEntryRow.user_id == user_id))
        await self._session.execute(delete(PendingDiaryRow).where(PendingDiaryRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins before it wrote entries (/link refuses otherwise): only entries held for consent move."""
        await self._session.execute(
            update(PendingDiaryRow).where(PendingDiaryRow.user_id == source).values(user_id=target)
        )


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
            select(FriendshipRow.friend_id, _name_of(FriendshipRow.friend_id), FriendshipRow.created_at)  # type: ignore[call-overload]
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


class SqlAlchemySchedules:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime) -> None:
        await self._session.execute(
            dialect_insert(self._session, ScheduleRow)
            .values(user_id=user_id, kind=kind, cron=cron, next_at=next_at, created_at=now)
            .on_conflict_do_update(index_elements=["user_id", "kind"], set_={"cron": cron, "next_at": next_at})
        )

    async def ensure(self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime) -> None:
        """Create the schedule unless the user has one of this kind (theirs is kept as it is)."""
        await self._session.execute(
            dialect_insert(self._session, ScheduleRow)
            .values(user_id=user_id, kind=kind, cron=cron, next_at=next_at, created_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "kind"])
        )

    async def remove(self, *, user_id: UserId, kind: ScheduleKind) -> bool:
        result = await self._session.execute(
            delete(ScheduleRow).where(ScheduleRow.user_id == user_id, ScheduleRow.kind == kind)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, *, user_id: UserId, kind: ScheduleKind) -> tuple[str, datetime] | None:
        row = await self._session.execute(
            select(ScheduleRow.cron, ScheduleRow.next_at).where(
                ScheduleRow.user_id == user_id, ScheduleRow.kind == kind
            )
        )
        found = row.first()
        return (found[0], found[1]) if found is not None else None

    async def due(self, *, now: datetime, limit: int) -> list[DueSchedule]:
        rows = await self._session.execute(
            select(ScheduleRow, UserRow.timezone)
            .join(UserRow, UserRow.id == ScheduleRow.user_id)
            .where(ScheduleRow.next_at <= now)
            .order_by(ScheduleRow.next_at)
            .limit(limit)
        )
        return [
            DueSchedule(
                id=row.id,
                user_id=UserId(row.user_id),
                kind=ScheduleKind(row.kind),
                cron=row.cron,
                next_at=row.next_at,
                timezone=tz,
            )
            for row, tz in rows
        ]

    async def advance(self, schedule_id: int, *, from_: datetime, to: datetime) -> bool:
        """Move `next_at` on, only if nobody else did already."""
        result = await self._session.execute(
            update(ScheduleRow)
            .where(and_(ScheduleRow.id == schedule_id, ScheduleRow.next_at == from_))
            .values(next_at=to)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(delete(ScheduleRow).where(ScheduleRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """The joining account's schedules go: the account it joins keeps its own."""
        await self._session.execute(delete(ScheduleRow).where(ScheduleRow.user_id == source))
