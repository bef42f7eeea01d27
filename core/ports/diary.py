"""Diary entries, their comments and guestbook notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from core.domain.emotion import Emotion
from core.domain.values import UserId
from core.products.diary.domain import DiaryEntry, Note, Visibility


class Diary(Protocol):
    """Diary entries, their comments and guestbook notes. Deleted entries are never returned."""

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
        """Save an entry as the writer's next number (one more than their last, a deleted one included)."""
        ...

    async def set_comment(self, entry_id: int, comment: str) -> None: ...

    async def numbered(self, owner: UserId, number: int) -> DiaryEntry | None:
        """The entry `owner` knows as `number`, unless deleted."""
        ...

    async def set_visibility(self, entry_id: int, *, owner: UserId, visibility: Visibility) -> bool: ...

    async def set_mood(self, entry_id: int, *, owner: UserId, emotion: Emotion, intensity: int) -> bool:
        """The writer's own reading of an entry's feeling replaces the one it was saved with (stats follow)."""
        ...

    async def delete(self, entry_id: int, *, owner: UserId, now: datetime) -> bool: ...

    async def page(self, owner: UserId, *, before_number: int | None, limit: int) -> list[DiaryEntry]:
        """A person's entries, newest first, those numbered below `before_number` when it is given."""
        ...

    async def feed(self, owners: list[UserId], *, before_id: int | None, limit: int) -> list[DiaryEntry]:
        """The friends-visible entries of `owners`, newest first (keyset by row id, which orders them in time)."""
        ...

    async def count_on(self, user_id: UserId, day: date) -> int: ...

    async def days(self, user_id: UserId, *, since: date, kept_only: bool = False) -> set[date]:
        """The days with an entry (with `kept_only`, one the writer has not deleted)."""
        ...

    async def moods_between(self, user_id: UserId, first: date, last: date) -> list[tuple[date, Emotion, int]]:
        """(day, emotion, intensity) of each entry kept (not deleted) from `first` to `last`, oldest first."""
        ...

    async def add_comment(self, *, entry_id: int, author_id: UserId, text: str, now: datetime) -> int: ...

    async def comments(self, entry_id: int, *, limit: int = 20) -> list[Note]: ...

    async def add_guestbook_note(self, *, owner_id: UserId, author_id: UserId, text: str, now: datetime) -> int: ...

    async def guestbook(self, owner_id: UserId, *, limit: int = 10) -> list[Note]: ...

    async def entries_of(self, user_id: UserId) -> list[DiaryEntry]: ...

    async def hold_pending(self, *, user_id: UserId, text: str, now: datetime) -> int:
        """Hold an entry written before consent; returns how many the person has held now."""
        ...

    async def take_pending(self, user_id: UserId, *, since: datetime) -> list[str]:
        """Remove every held entry of a person; the texts of those held since `since`, oldest first."""
        ...

    async def pending_of(self, user_id: UserId) -> list[tuple[str, datetime]]: ...

    async def purge_pending(self, *, before: datetime) -> int: ...

    async def written_by(self, author_id: UserId) -> tuple[list[Note], list[Note]]: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...
