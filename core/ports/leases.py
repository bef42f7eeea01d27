"""Named leases in the database: one holder at a time (the clock process that works holds `clock`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Leases(Protocol):
    async def acquire(self, name: str, *, holder: str, now: datetime, ttl: timedelta) -> bool: ...

    async def release(self, name: str, *, holder: str) -> None: ...
