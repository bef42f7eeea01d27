"""`maeum clock`: due outbox rows → delivery jobs, recovery of lost work. One leads; others stand by."""

from __future__ import annotations

import asyncio
import signal

from core.bootstrap import App
from core.settings import Settings
from core.usecases.clock import run_clock
from jobs.runtime import with_app


async def serve_clock(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    async def run(app: App) -> None:
        await run_clock(app.clock_service(), stop=stop)

    await with_app(run, settings=settings)
