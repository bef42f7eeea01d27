"""The emotion diary (SQLAlchemy): entries, their comments, guestbook notes, entries held for consent. Texts are
stored through the Cipher."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    DiaryCommentRow,
    DiaryEntryRow,
    GuestbookNoteRow,
    PendingDiaryRow,
    UserRow,
)
from core.adapters.db.users import display_name_of
from core.domain.emotion import Emotion
from core.domain.values import UserId
from core.ports import Cipher
from core.products.diary.domain import DiaryEntry, Note, Visibility


class SqlAlchemyDiary:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def _entry(self, row: DiaryEntryRow) -> DiaryEntry:
        return DiaryEntry(
            id=row.id,
            user_id=UserId(row.user_id),
            number=row.number,
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
        """A new entry, numbered after the writer's last (a deleted one included). The writer's row is locked
        first (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock), so two entries written at once
        take turns for the next number rather than collide on it."""
        await self._session.execute(select(UserRow.id).where(UserRow.id == user_id).with_for_update())
        last = await self._session.scalar(
            select(func.max(DiaryEntryRow.number)).where(DiaryEntryRow.user_id == user_id)
        )
        row = DiaryEntryRow(
            user_id=user_id,
            number=(last or 0) + 1,
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

    async def numbered(self, owner: UserId, number: int) -> DiaryEntry | None:
        row = await self._session.scalar(
            select(DiaryEntryRow).where(
                DiaryEntryRow.user_id == owner, DiaryEntryRow.number == number, DiaryEntryRow.deleted_at.is_(None)
            )
        )
        return self._entry(row) if row is not None else None

    async def set_visibility(self, entry_id: int, *, owner: UserId, visibility: Visibility) -> bool:
        result = await self._session.execute(
            update(DiaryEntryRow)
            .where(DiaryEntryRow.id == entry_id, DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
            .values(visibility=visibility.value)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_mood(self, entry_id: int, *, owner: UserId, emotion: Emotion, intensity: int) -> bool:
        result = await self._session.execute(
            update(DiaryEntryRow)
            .where(DiaryEntryRow.id == entry_id, DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
            .values(emotion=emotion.value, intensity=intensity)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, entry_id: int, *, owner: UserId, now: datetime) -> bool:
        """The text and comment go at once; the row stays, so its number is never given to another entry and the
        day still counts toward the streak its points were earned for (the weekly stats leave it out)."""
        result = await self._session.execute(
            update(DiaryEntryRow)
            .where(DiaryEntryRow.id == entry_id, DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
            .values(deleted_at=now, text="", comment=None, visibility=Visibility.PRIVATE.value)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(delete(DiaryCommentRow).where(DiaryCommentRow.entry_id == entry_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def page(self, owner: UserId, *, before_number: int | None, limit: int) -> list[DiaryEntry]:
        """A person's entries, newest first, keyset by their number (the unique (user_id, number) index)."""
        query = select(DiaryEntryRow).where(DiaryEntryRow.user_id == owner, DiaryEntryRow.deleted_at.is_(None))
        if before_number is not None:
            query = query.where(DiaryEntryRow.number < before_number)
        rows = await self._session.scalars(query.order_by(DiaryEntryRow.number.desc()).limit(limit))
        return [self._entry(row) for row in rows]

    async def feed(self, owners: list[UserId], *, before_id: int | None, limit: int) -> list[DiaryEntry]:
        """The friends-visible entries of `owners`, newest first across them all, keyset by row id."""
        if not owners:
            return []
        query = select(DiaryEntryRow).where(
            DiaryEntryRow.user_id.in_(owners),
            DiaryEntryRow.deleted_at.is_(None),
            DiaryEntryRow.visibility == Visibility.FRIENDS.value,
        )
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

    async def days(self, user_id: UserId, *, since: date, kept_only: bool = False) -> set[date]:
        """The days with an entry; with `kept_only`, an entry the writer deleted does not count."""
        query = select(DiaryEntryRow.local_date).where(
            DiaryEntryRow.user_id == user_id, DiaryEntryRow.local_date >= since
        )
        if kept_only:
            query = query.where(DiaryEntryRow.deleted_at.is_(None))
        return set(await self._session.scalars(query.distinct()))

    async def moods_between(self, user_id: UserId, first: date, last: date) -> list[tuple[date, Emotion, int]]:
        """(day, emotion, intensity) of every entry kept from `first` to `last`: one the writer deleted is left
        out of what they look back on."""
        rows = await self._session.execute(
            select(DiaryEntryRow.local_date, DiaryEntryRow.emotion, DiaryEntryRow.intensity)
            .where(
                DiaryEntryRow.user_id == user_id,
                DiaryEntryRow.local_date >= first,
                DiaryEntryRow.local_date <= last,
                DiaryEntryRow.deleted_at.is_(None),
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
            select(DiaryCommentRow, display_name_of(DiaryCommentRow.author_id))  # type: ignore[call-overload]
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
            select(GuestbookNoteRow, display_name_of(GuestbookNoteRow.author_id))  # type: ignore[call-overload]
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
