"""Who is here: short-lived marks of presence in a place (a book club's live meeting), gone when their time ends."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Presence(Protocol):
    async def mark(self, place: str, who: int, *, until: datetime) -> None:
        """`who` is in `place` until `until` (marking again moves the end)."""
        ...

    async def here(self, place: str, *, now: datetime) -> frozenset[int]:
        """Everyone whose mark in `place` has not ended by `now`."""
        ...

    async def clear(self, place: str) -> None:
        """Forget everyone in `place` (a room closed, a person forgotten with it)."""
        ...
