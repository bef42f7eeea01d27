"""The outbox: pushes written in a use case's transaction, delivered later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain.outbox import DeadLetter, NewPush, PushItem, PushOutcome, PushState
from core.domain.values import UserId


class Outbox(Protocol):
    async def add(self, push: NewPush, *, now: datetime, revive_withdrawn: bool = False) -> bool: ...

    async def claim_due(self, *, now: datetime, limit: int, job_id: str) -> list[tuple[int, str | None]]: ...

    async def set_job(self, ids: list[int], job_id: str) -> None: ...

    async def queued_jobs(self, *, queued_before: datetime) -> dict[str, list[int]]: ...

    async def touch_job(self, job_id: str, *, now: datetime) -> None: ...

    async def release(self, ids: list[int], *, now: datetime) -> int: ...

    async def release_expired_leases(self, *, now: datetime) -> int: ...

    async def take_for_sending(self, push_id: int, *, now: datetime, lease_until: datetime) -> PushItem | None: ...

    async def take_batch(self, ids: Sequence[int], *, now: datetime, lease_until: datetime) -> list[PushItem]:
        """Take the rows of `ids` that are due and free under one lease (one statement); others are left out."""
        ...

    async def extend_leases(self, ids: Sequence[int], *, lease_until: datetime) -> None: ...

    async def record(self, outcomes: Sequence[PushOutcome]) -> None:
        """What became of many sends, in this unit of work."""
        ...

    async def finish(
        self, push_id: int, state: PushState, *, now: datetime, message_id: str | None = None, error: str | None = None
    ) -> None: ...

    async def retry_at(self, push_id: int, at: datetime, *, error: str, count_attempt: bool = True) -> None: ...

    async def release_held(self, user_id: UserId, *, now: datetime) -> int:
        """Pushes held for the person's quiet hours are due now (the hours were switched off or changed: delivery
        reads the new ones); how many."""
        ...

    async def pending_of(self, user_id: UserId, kind: str) -> list[PushItem]: ...

    async def all_of(self, user_id: UserId, kind: str) -> list[PushItem]:
        """Every push of this kind to the user, whatever its state (for their export)."""
        ...

    async def cancel(self, push_id: int) -> bool: ...

    async def withdraw(self, key_prefix: str) -> int:
        """Cancel unsent pushes whose dedupe key starts with `key_prefix` and blank the text of all of them."""
        ...

    async def count_by_state(self) -> dict[str, int]: ...

    async def dead_letters(self, *, limit: int) -> list[DeadLetter]: ...

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        """Dead letters (these, or all when None) go back to pending with fresh attempts; returns how many."""
        ...

    async def blank_finished(self, *, before: datetime, now: datetime, limit: int) -> int:
        """Blank the documents of up to `limit` finished pushes (sent, dead, unreachable, cancelled) that finished
        before `before`; returns how many. Blanked dead letters are not sent again."""
        ...
