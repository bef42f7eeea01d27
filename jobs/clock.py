"""`maeum clock`: due outbox rows → delivery jobs, recovery of lost work. One leads; others stand by."""

from __future__ import annotations

import asyncio
import signal

from core.bootstrap import App
from core.settings import Settings
from core.usecases.clock import run_clock
from jobs.alerts import fold_open_alerts
from jobs.runtime import with_app
from jobs.thresholds import check_thresholds


async def serve_clock(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    async def fold() -> None:
        await fold_open_alerts(settings)

    async def run(app: App) -> None:
        async def thresholds() -> None:
            check_thresholds(settings, queue_depth=app.queue.depth())

        await run_clock(app.outbox_relay(), stop=stop, periodic=(fold, thresholds, *app.housekeeping))

    await with_app(run, settings=settings)
