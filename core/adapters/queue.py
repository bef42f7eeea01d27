"""Job queues for delivery batches: RQ on Redis, or asyncio tasks in this process (no Redis)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

logger = logging.getLogger(__name__)

QUEUE_NAME = "maeum"
OPS_QUEUE_NAME = "maeum-ops"  # ops alerts: workers read it before QUEUE_NAME
DELIVERY_JOB = "jobs.delivery.deliver_batch"
JOB_TIMEOUT_SECONDS = 900
_GONE = {"failed", "stopped", "canceled", "finished"}


class RqJobQueue:
    """RQ on REDIS_URL. Job ids are unique: enqueueing the same id twice is refused by RQ itself."""

    def __init__(self, redis_url: str, *, queue_name: str = QUEUE_NAME) -> None:
        from redis import Redis

        self._redis = Redis.from_url(redis_url)
        self._queue_name = queue_name

    def _queue(self) -> Any:
        from rq import Queue

        return Queue(self._queue_name, connection=self._redis)

    async def enqueue_delivery(self, ids: Sequence[int], *, job_id: str) -> bool:
        from rq.exceptions import DuplicateJobError

        def enqueue() -> bool:
            try:
                self._queue().enqueue_call(
                    DELIVERY_JOB,
                    args=(list(ids), job_id),
                    job_id=job_id,
                    unique=True,
                    timeout=JOB_TIMEOUT_SECONDS,
                    result_ttl=300,
                    failure_ttl=86_400,
                )
            except DuplicateJobError:
                return False
            return True

        return await asyncio.to_thread(enqueue)

    async def statuses(self, job_ids: Sequence[str]) -> dict[str, str]:
        from rq.job import Job

        def check() -> dict[str, str]:
            jobs = Job.fetch_many(list(job_ids), connection=self._redis)
            found = {}
            for job_id, job in zip(job_ids, jobs, strict=True):
                status = job.get_status(refresh=False) if job is not None else None
                if status is None or status in _GONE:
                    found[job_id] = "gone"
                else:
                    found[job_id] = "running" if status == "started" else "waiting"
            return found

        return await asyncio.to_thread(check)

    def depth(self) -> int:
        return int(self._queue().count)

    def close(self) -> None:
        self._redis.close()


class InProcessJobQueue:
    """No Redis: the batch runs as a task of this event loop, through the same delivery code."""

    def __init__(self, deliver: Callable[[Sequence[int], str], Awaitable[object]]) -> None:
        self._deliver = deliver
        self._running: dict[str, asyncio.Task[object]] = {}

    async def enqueue_delivery(self, ids: Sequence[int], *, job_id: str) -> bool:
        if job_id in self._running:
            return False
        task: asyncio.Task[object] = asyncio.create_task(self._run(job_id, list(ids)), name=job_id)
        self._running[job_id] = task
        return True

    async def _run(self, job_id: str, ids: list[int]) -> object:
        try:
            return await self._deliver(ids, job_id)
        except Exception:
            logger.exception("in-process delivery job %s failed", job_id)
            return None
        finally:
            self._running.pop(job_id, None)

    async def statuses(self, job_ids: Sequence[str]) -> dict[str, str]:
        return {job_id: "running" if job_id in self._running else "gone" for job_id in job_ids}

    async def drain(self) -> None:
        """Wait for running batches (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def depth(self) -> int:
        return len(self._running)
