"""The inbox: platform updates, kept before the platform is answered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain.inbox import DeadUpdate, DueUpdate, TakenUpdate


class Inbox(Protocol):
    """Platform updates, kept before the platform is answered (core.domain.inbox for states and retries)."""

    async def accept(
        self, *, platform: str, event_id: str, payload: str, now: datetime, due_at: datetime | None = None
    ) -> int | None: ...

    async def claim(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> TakenUpdate | None: ...

    async def take(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> tuple[str, str] | None: ...

    async def renew(self, inbox_id: int, *, attempt: int, lease_until: datetime) -> bool: ...

    async def record_replies(self, inbox_id: int, *, attempt: int, replies: Sequence[str]) -> bool: ...

    async def done(self, inbox_id: int, *, now: datetime, attempt: int | None = None) -> bool: ...

    async def retry_later(self, inbox_id: int, *, attempt: int, at: datetime, error: str) -> bool: ...

    async def bury(self, inbox_id: int, *, attempt: int, now: datetime, error: str) -> bool: ...

    async def due(
        self, *, platform: str, now: datetime, fresh_too: bool = False, limit: int = 100
    ) -> list[DueUpdate]: ...

    async def unfinished(self, *, platform: str, received_before: datetime, limit: int = 100) -> list[int]: ...

    async def purge_processed(self, *, before: datetime, limit: int) -> int:
        """Delete up to `limit` rows handled (or given up on) before `before`; returns how many."""
        ...

    async def dead_updates(self, *, limit: int) -> list[DeadUpdate]: ...

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        """Dead updates (these, or all when None) go back to pending with fresh attempts; returns how many."""
        ...
