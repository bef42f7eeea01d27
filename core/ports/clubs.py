"""Book-club rooms, their members, and each person's taste quiz."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import UserId
from core.products.bookclub.quiz import Progress
from core.products.bookclub.rooms import Member, Room


class Clubs(Protocol):
    async def room_in(self, platform: str, chat_id: str) -> Room | None:
        """The room this group chat is, if it is one."""
        ...

    async def create(
        self, *, platform: str, chat_id: str, name: str, timezone: str, leader: UserId, now: datetime
    ) -> Room | None:
        """A new room with its leader as first member; None when the chat is a room already (a race)."""
        ...

    async def members(self, room_id: int) -> list[Member]:
        """Oldest member first."""
        ...

    async def join(self, room_id: int, user_id: UserId, *, now: datetime) -> bool:
        """False when already a member."""
        ...

    async def leave(self, room_id: int, user_id: UserId) -> bool: ...

    async def set_leader(self, room_id: int, user_id: UserId) -> None: ...

    async def close(self, room_id: int) -> None:
        """Delete the room and everything of it (its last member left)."""
        ...

    async def rooms_of(self, user_id: UserId) -> list[tuple[Room, Member]]: ...

    async def add_pick(
        self, *, room_id: int | None, user_id: UserId | None, book_id: int, reason: str, now: datetime
    ) -> bool:
        """Store a recommended book; False when the room had it already (a room never gets a book twice)."""
        ...

    async def picks(
        self, *, room_id: int | None = None, user_id: UserId | None = None
    ) -> list[tuple[int, str, datetime]]:
        """(book id, reason, when) of a room's picks, or of a person's own, newest first."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """/forget: leave every room (leaders hand over to the longest-standing member; empty rooms close) and
        delete the person's own picks."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """/link: `source`'s memberships become `target`'s (a room both are in keeps the earlier join)."""
        ...


class Quizzes(Protocol):
    """Each person's taste quiz (one per person, whatever the platform)."""

    async def get(self, user_id: UserId) -> Progress | None: ...

    async def save(self, user_id: UserId, progress: Progress, *, now: datetime) -> None: ...

    async def forget_user(self, user_id: UserId) -> None: ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """/link: the joining account's quiz is kept only when the account it joins has none."""
        ...
