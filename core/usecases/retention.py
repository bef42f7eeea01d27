"""Retention: what was delivered or handled does not stay forever (a clock step)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from core.ports import Clock, UnitOfWorkFactory

logger = logging.getLogger(__name__)

BATCH = 500  # rows per transaction: a first run over a large backlog never holds one long lock


@dataclass(frozen=True, kw_only=True)
class RetentionReport:
    blanked_pushes: int
    purged_updates: int


class RetentionService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, keep: timedelta) -> None:
        self._uow = uow
        self._clock = clock
        self._keep = keep

    async def sweep(self) -> RetentionReport:
        """Blank the texts of pushes finished longer ago than RETENTION_DAYS and delete inbox rows handled
        that long ago."""
        now = self._clock.now()
        before = now - self._keep
        blanked = purged = 0
        while True:
            async with self._uow() as uow:
                done = await uow.outbox.blank_finished(before=before, now=now, limit=BATCH)
                await uow.commit()
            blanked += done
            if done < BATCH:
                break
        while True:
            async with self._uow() as uow:
                done = await uow.inbox.purge_processed(before=before, limit=BATCH)
                await uow.commit()
            purged += done
            if done < BATCH:
                break
        if blanked or purged:
            logger.info("retention: blanked %d pushes, purged %d inbox rows", blanked, purged)
        return RetentionReport(blanked_pushes=blanked, purged_updates=purged)
