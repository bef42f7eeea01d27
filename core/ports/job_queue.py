"""The queue that hands batches of due pushes to workers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class JobQueue(Protocol):
    """Hands batches of due pushes to workers: RQ when REDIS_URL is set, else tasks in this process."""

    async def enqueue_delivery(self, ids: Sequence[int], *, job_id: str) -> bool:
        """False when a job with this id already exists (nothing is enqueued twice). The job runs
        `DeliveryService.deliver(ids, job_id=job_id)`."""
        ...

    async def statuses(self, job_ids: Sequence[str]) -> dict[str, str]:
        """Each job's state: "waiting", "running", or "gone" (lost with Redis, failed, or finished)."""
        ...

    def depth(self) -> int:
        """Jobs waiting (for the backlog alert and /metrics)."""
        ...
