"""The durable inbox as every platform adapter uses it: record an update (once), then handle it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from core.bootstrap import App

logger = logging.getLogger(__name__)

PROCESS_LEASE = timedelta(minutes=5)  # longer than the slowest answer; after it a crashed update is retried


class InboxIntake:
    """`accept` before answering the platform; `process` after. `recover` handles what a crash left."""

    def __init__(self, app: App, platform: str, handle: Callable[[str], Awaitable[None]]) -> None:
        self._app = app
        self._platform = platform
        self._handle = handle

    async def accept(self, event_id: str, payload: str) -> int | None:
        """The inbox row id, or None when this update was received before (a retry or a repeat)."""
        async with self._app.uow() as uow:
            inbox_id = await uow.inbox.accept(
                platform=self._platform, event_id=event_id, payload=payload, now=self._app.clock.now()
            )
            await uow.commit()
        return inbox_id

    async def process(self, inbox_id: int) -> None:
        now = self._app.clock.now()
        async with self._app.uow() as uow:
            taken = await uow.inbox.take(inbox_id, now=now, lease_until=now + PROCESS_LEASE)
            await uow.commit()
        if taken is None:
            return
        failed = False
        try:
            await self._handle(taken[1])
        except Exception:
            failed = True
            logger.exception("%s update %s could not be handled", self._platform, inbox_id)
        async with self._app.uow() as uow:
            await uow.inbox.done(inbox_id, now=self._app.clock.now(), failed=failed)
            await uow.commit()

    async def receive(self, event_id: str, payload: str) -> None:
        inbox_id = await self.accept(event_id, payload)
        if inbox_id is not None:
            await self.process(inbox_id)

    async def recover(self, *, older_than: timedelta = timedelta(minutes=1)) -> int:
        async with self._app.uow() as uow:
            ids = await uow.inbox.unfinished(
                platform=self._platform, received_before=self._app.clock.now() - older_than
            )
        for inbox_id in ids:
            await self.process(inbox_id)
        return len(ids)
