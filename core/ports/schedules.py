"""Recurring pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.schedules import DueSchedule, ScheduleKind
from core.domain.values import UserId


class Schedules(Protocol):
    """Recurring pushes (one per user and kind)."""

    async def put(
        self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime
    ) -> None: ...

    async def ensure(
        self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime
    ) -> None: ...

    async def remove(self, *, user_id: UserId, kind: ScheduleKind) -> bool: ...

    async def get(self, *, user_id: UserId, kind: ScheduleKind) -> tuple[str, datetime] | None: ...

    async def due(self, *, now: datetime, limit: int) -> list[DueSchedule]: ...

    async def advance(self, schedule_id: int, *, from_: datetime, to: datetime) -> bool: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...
