"""The clock: moves due pushes to jobs, recovers what a dead worker or a lost Redis left behind.

Only the holder of the `clock` lease works; a second clock process waits as a standby, so nothing is
ever claimed twice by two clocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from core.domain.outbox import QUEUE_GRACE, SEND_LEASE
from core.ports import Clock, JobQueue, UnitOfWorkFactory

logger = logging.getLogger(__name__)

LEASE_NAME = "clock"
LEASE_TTL = timedelta(seconds=15)


class ClockService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        queue: JobQueue,
        holder: str,
        batch_size: int = 100,
        lease: timedelta = SEND_LEASE,
        queue_grace: timedelta = QUEUE_GRACE,
    ) -> None:
        self._lease = lease
        self._queue_grace = queue_grace
        self._uow = uow
        self._clock = clock
        self._queue = queue
        self._holder = holder
        self._batch_size = batch_size
        self.leading = False

    async def hold_lease(self) -> bool:
        async with self._uow() as uow:
            held = await uow.leases.acquire(LEASE_NAME, holder=self._holder, now=self._clock.now(), ttl=LEASE_TTL)
            await uow.commit()
        if held != self.leading:
            logger.info("clock %s is now %s", self._holder, "leading" if held else "standing by")
        self.leading = held
        return held

    async def step_down(self) -> None:
        async with self._uow() as uow:
            await uow.leases.release(LEASE_NAME, holder=self._holder)
            await uow.commit()
        self.leading = False

    async def dispatch_due(self) -> int:
        """Claim due rows in batches and enqueue one delivery job per batch; returns rows enqueued."""
        if not self.leading:
            return 0
        total = 0
        while True:
            job_id = f"outbox-{secrets.token_hex(6)}"
            async with self._uow() as uow:
                claimed = await uow.outbox.claim_due(now=self._clock.now(), limit=self._batch_size, job_id=job_id)
                await uow.commit()
            if not claimed:
                return total
            ids = [push_id for push_id, _ in claimed]
            job_id = f"outbox-{ids[0]}-{len(ids)}-{job_id.removeprefix('outbox-')}"
            async with self._uow() as uow:
                await uow.outbox.set_job(ids, job_id)
                await uow.commit()
            await self._queue.enqueue_delivery(ids, job_id=job_id)
            total += len(ids)
            if len(claimed) < self._batch_size:
                return total

    async def recover(self) -> int:
        """Give back rows a dead worker held: rows it was sending (lease over), rows of its batch not yet
        reached (its job is running but stopped saying it is alive), and rows whose job the queue lost
        (Redis flushed or restarted)."""
        if not self.leading:
            return 0
        now = self._clock.now()
        async with self._uow() as uow:
            released = await uow.outbox.release_expired_leases(now=now)
            jobs = await uow.outbox.queued_jobs(queued_before=now - self._queue_grace)
            stale = await uow.outbox.queued_jobs(queued_before=now - self._lease)
            await uow.commit()
        if jobs:
            statuses = await self._queue.statuses([job for job in jobs if job])
            async with self._uow() as uow:
                for job_id, ids in jobs.items():
                    status = statuses.get(job_id, "gone")
                    if status == "gone" or (status == "running" and job_id in stale):
                        released += await uow.outbox.release(ids, now=now)
                await uow.commit()
        if released:
            logger.warning("clock recovered %s pushes (dead worker or lost queue)", released)
        return released


def outage_backoff(failures: int, *, tick_seconds: float, max_seconds: float) -> float:
    """How long the clock waits after `failures` ticks in a row failed: doubling from one tick, capped, so an
    outage is not hammered four times a second."""
    if failures <= 0:
        return tick_seconds
    return min(max_seconds, tick_seconds * 2.0 ** min(failures, 32))


class _Outage:
    """Ticks failing in a row: logged once (with the trace) when it begins and once, summed up, when it ends."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.failures = 0
        self._began = 0.0
        self._last = ""

    def failed(self, error: Exception) -> None:
        if self.failures == 0:
            self._began = self._loop.time()
            logger.error("clock tick failed; backing off until it works again", exc_info=error)
        self.failures += 1
        self._last = f"{type(error).__name__}: {error}"[:300]

    def worked(self) -> None:
        if self.failures:
            logger.warning(
                "clock working again after %d failed ticks over %.1f s (last error: %s)",
                self.failures,
                self._loop.time() - self._began,
                self._last,
            )
        self.failures = 0


async def run_clock(
    service: ClockService,
    *,
    stop: asyncio.Event,
    tick_seconds: float = 0.25,
    recover_seconds: float = 5.0,
    max_backoff_seconds: float = 30.0,
    periodic: Sequence[Callable[[], Awaitable[object]]] = (),
) -> None:
    """The clock loop: renew the lease, recover at start and every few seconds (with the `periodic` steps,
    such as folding alert counts and checking thresholds), and dispatch what is due. While ticks fail (the
    database is down) it backs off and logs the outage once, then once more when it is over."""
    loop = asyncio.get_running_loop()
    next_recovery = 0.0
    outage = _Outage(loop)
    try:
        while not stop.is_set():
            try:
                if await service.hold_lease():
                    if loop.time() >= next_recovery:
                        await service.recover()
                        for step in periodic:
                            await step()
                        next_recovery = loop.time() + recover_seconds
                    await service.dispatch_due()
            except Exception as error:  # noqa: BLE001 — any failure: the next tick tries again
                outage.failed(error)
            else:
                outage.worked()
            wait = outage_backoff(outage.failures, tick_seconds=tick_seconds, max_seconds=max_backoff_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    finally:
        with contextlib.suppress(Exception):
            await service.step_down()
