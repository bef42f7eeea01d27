"""The clock process's loop (`maeum clock`, or inside `maeum chat`): on every tick it renews the lease, relays due
pushes (core.usecases.outbox_relay) and, every few seconds, runs the products' clock steps."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from core.usecases.outbox_relay import OutboxRelay

logger = logging.getLogger(__name__)


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
    service: OutboxRelay,
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
                    await service.relay_due()
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
