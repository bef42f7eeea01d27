"""Streaming edits at a platform's pace: the latest text wins, the final edit always lands.

The core edits a message each time the model yields text (often dozens of times a second). Platforms allow
about one edit a second per message (Telegram, Slack) or fewer in groups; this wrapper coalesces non-final
edits so at most one goes out per `interval`, shows the newest text when it does, and sends the final version
once the interval allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.ports import MessageRef, Responder
from core.replies import Reply


@dataclass
class _Pace:
    last_at: float = float("-inf")
    pending: Reply | None = None
    flush: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class ThrottledResponder:
    def __init__(
        self,
        inner: Responder,
        *,
        interval: float,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._inner = inner
        self._interval = interval
        self._now = now
        self._sleep = sleep
        self._paces: dict[str, _Pace] = {}

    async def send(self, reply: Reply) -> MessageRef:
        ref = await self._inner.send(reply)
        self._paces[ref.id] = _Pace(last_at=self._now())
        return ref

    async def show_typing(self) -> None:
        await self._inner.show_typing()

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        pace = self._paces.setdefault(ref.id, _Pace())
        if final:
            if pace.flush is not None:
                pace.flush.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pace.flush
                pace.flush = None
            pace.pending = None
            async with pace.lock:
                await self._wait_turn(pace)
                await self._inner.edit(ref, reply, final=True)
                pace.last_at = self._now()
            self._paces.pop(ref.id, None)
            return
        pace.pending = reply
        if pace.flush is None:
            pace.flush = asyncio.create_task(self._flush(ref, pace))

    async def _wait_turn(self, pace: _Pace) -> None:
        wait = pace.last_at + self._interval - self._now()
        if wait > 0:
            await self._sleep(wait)

    async def _flush(self, ref: MessageRef, pace: _Pace) -> None:
        async with pace.lock:
            await self._wait_turn(pace)
            reply, pace.pending = pace.pending, None
            pace.flush = None
            if reply is not None:
                await self._inner.edit(ref, reply, final=False)
                pace.last_at = self._now()
