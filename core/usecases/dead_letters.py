"""The operator's view of what failed every attempt — pushes, and platform updates the inbox could not handle:
list them, and try them again."""

from __future__ import annotations

from core.domain.inbox import DeadUpdate
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

    async def updates(self, *, limit: int = 200) -> list[DeadUpdate]:
        async with self._uow() as uow:
            return await uow.inbox.dead_updates(limit=limit)

    async def retry_updates(self, ids: list[int] | None) -> int:
        """Back to pending with fresh attempts (the platform's process takes them up again); None: all of them."""
        async with self._uow() as uow:
            revived = await uow.inbox.revive(ids, now=self._clock.now())
            await uow.commit()
        return revived
