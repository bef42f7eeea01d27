"""The outbox relay: moves due pushes to delivery jobs and recovers what a dead worker or a lost Redis left
behind (the "message relay" of the transactional-outbox pattern).

Only the holder of the `clock` lease relays; a second clock process waits as a standby, so nothing is ever
claimed twice by two clocks.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from core.domain.outbox import QUEUE_GRACE, SEND_LEASE
from core.ports import Clock, JobQueue, UnitOfWorkFactory

logger = logging.getLogger(__name__)

LEASE_NAME = "clock"  # the name stored in `leases`: kept, so a running clock of the previous release is seen
LEASE_TTL = timedelta(seconds=15)


class OutboxRelay:
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

    async def relay_due(self) -> int:
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
