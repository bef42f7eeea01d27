"""The point ledger and balances."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import UserId
from core.products.points.domain import PointEntry


class Points(Protocol):
    """The point ledger (the source of truth) and each user's balance, kept in step in one transaction."""

    async def balance(self, user_id: UserId) -> int: ...

    async def earn(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """Add `amount` (> 0); None when this (reason, ref) was already awarded: an award is never doubled."""
        ...

    async def spend(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """Take `amount` (> 0) atomically if the balance covers it; None when it does not. Concurrent spends never
        take more than the balance. The same (reason, ref) again returns the first entry and takes nothing."""
        ...

    async def spent(self, user_id: UserId, *, reason: str, ref: str) -> PointEntry | None:
        """The spend recorded for (reason, ref), if any."""
        ...

    async def log(self, user_id: UserId, *, before_id: int | None = None, limit: int = 10) -> list[PointEntry]:
        """Newest first, entries with id < `before_id` (keyset paging: as fast on page 1,000 as on page 1)."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...
