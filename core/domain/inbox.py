"""Inbox rules: the life of a received platform update, its retry backoff, and what a taken update carries.

An update is `pending` when received (or waiting for its next attempt), `processing` while a process holds it
under a short lease that a heartbeat renews, `done` once handled, and `dead` after its last attempt failed (the
operator is told, as for dead pushes). `failed` is the final state rows had before retries existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class UpdateState(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    DEAD = "dead"
    FAILED = "failed"  # legacy: failed once and never retried (rows from before retries); nothing makes it now


RETRY_CAP = timedelta(minutes=10)


def retry_delay(attempts: int, *, first: timedelta) -> timedelta:
    """Exponential backoff after a failed attempt: first, 2×first, 4×first … capped at 10 minutes."""
    delay: timedelta = first * 2 ** max(attempts - 1, 0)
    return min(delay, RETRY_CAP)


def update_key(platform: str, event_id: str) -> str:
    """The name of one platform update (`telegram:500000001`), which the effects of handling it are keyed by."""
    return f"{platform}:{event_id}"


@dataclass(frozen=True, kw_only=True)
class TakenUpdate:
    """An update a process now holds. `attempt` (the row's attempt count after taking it) fences the holder:
    renewing, recording replies and finishing only take effect while the row is still this attempt's.
    `replies` are the messages earlier attempts sent for it, in order (platform message refs)."""

    id: int
    platform: str
    event_id: str
    payload: str
    attempt: int
    replies: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return update_key(self.platform, self.event_id)


@dataclass(frozen=True, kw_only=True)
class DueUpdate:
    id: int
    attempts: int
    processing: bool  # left by a holder whose lease ran out (a crash), rather than waiting for a retry


@dataclass(frozen=True, kw_only=True)
class DeadUpdate:
    """An update every attempt failed for, as the operator sees it (ids and codes; the payload stays in the row)."""

    id: int
    platform: str
    event_id: str
    attempts: int
    received_at: datetime
    last_error: str | None
