"""The operator's view of pushes that failed every attempt: list them, and send them again."""

from __future__ import annotations

from core.domain.outbox import DeadLetter
from core.ports import Clock, UnitOfWorkFactory


class DeadLettersService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def letters(self, *, limit: int = 200) -> list[DeadLetter]:
        async with self._uow() as uow:
            return await uow.outbox.dead_letters(limit=limit)

    async def retry(self, ids: list[int] | None) -> int:
        """Back to pending with fresh attempts (the clock hands them out again); None retries them all."""
        async with self._uow() as uow:
            revived = await uow.outbox.revive(ids, now=self._clock.now())
            await uow.commit()
        return revived
