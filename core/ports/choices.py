"""Texts that buttons stand for: a question back to the person ("일기로 남길까요?") whose answers carry more than
a button can (Telegram's callback data is 64 bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.domain.values import UserId


@dataclass(frozen=True, kw_only=True)
class HeldChoice:
    id: int
    verb: str
    text: str
    created_at: datetime


class HeldChoices(Protocol):
    async def hold(self, user_id: UserId, *, verb: str, text: str, now: datetime) -> int: ...

    async def take(self, user_id: UserId, choice_id: int, *, since: datetime) -> HeldChoice | None:
        """The choice if it is this person's and held since `since`; every choice they hold is let go either way
        (a question is answered once)."""
        ...

    async def drop_all(self, user_id: UserId) -> None: ...

    async def of_user(self, user_id: UserId) -> list[HeldChoice]: ...

    async def fold(self, source: UserId, target: UserId) -> None: ...

    async def purge(self, *, before: datetime) -> int: ...
