"""Where jobs run: the worker process's long-lived runtime, or one App per one-off command.

A `maeum worker` process keeps one event loop, one App (its engine's connection pool, its Redis clients) and one set
of platform clients (HTTP sessions, Slack's remembered DM channels) for every job it runs: building them per job cost
more than the pushes themselves. An async engine belongs to the loop it was made on, which is why the loop is kept
too (`asyncio.Runner`). A process that forks a child per job (RQ's default `Worker`) builds a runtime in each child:
correct, only slower.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar

from core.adapters.db.engine import create_app_engine
from core.bootstrap import App, bootstrap
from core.ports import Messenger
from core.settings import Settings, load_settings

T = TypeVar("T")

logger = logging.getLogger(__name__)

MessengersFactory = Callable[..., Mapping[str, Messenger]]  # (settings, *, redis) -> platform → Messenger
_messengers: MessengersFactory | None = None


def use_messengers(factory: MessengersFactory) -> None:
    """How pushes reach each platform, said once by the process that runs these jobs (`maeum`'s assembly in
    bots/cli.py): jobs never import a platform adapter."""
    global _messengers  # noqa: PLW0603 — one per process, set before any job runs
    _messengers = factory


def _build_app(settings: Settings) -> tuple[App, Mapping[str, Messenger]]:
    redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
    if _messengers is None:
        # Without it every push would find no platform and be marked unreachable: refuse instead, so the job fails
        # and its rows go back to the queue (the clock's recovery) for a worker that was set up.
        raise RuntimeError("jobs need messengers: call bots.cli.assemble_jobs() (what `maeum worker` does) first")
    messengers = _messengers(settings, redis=redis)
    app = bootstrap(
        settings,
        # A pool for this event loop (disposed with the App): a connection per transaction costs more than a push.
        engine=create_app_engine(settings.database_url),
        redis=redis,
        messengers=messengers,
    )
    return app, messengers


async def _close_app(app: App, messengers: Mapping[str, Messenger]) -> None:
    try:
        for messenger in messengers.values():
            close = getattr(messenger, "aclose", None)  # HTTP sessions of the platform SDKs
            if close is not None:
                await close()
    finally:
        await app.aclose()


async def with_app(run: Callable[[App], Awaitable[T]], *, settings: Settings | None = None) -> T:
    """Build an App for this event loop (its own engine and Redis clients), run, and close it: for one-off commands
    (`maeum announce`, `maeum deadletters`, …). Jobs use the worker's runtime instead."""
    app, messengers = _build_app(settings or load_settings())
    try:
        return await run(app)
    finally:
        await _close_app(app, messengers)


class WorkerRuntime:
    """One event loop and one App for every job of this process, built on first use and closed with the worker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pid = os.getpid()
        self._runner = asyncio.Runner()
        self._app: App | None = None
        self._messengers: Mapping[str, Messenger] = {}
        self._extras: dict[str, Any] = {}

    def run(self, work: Callable[[App], Awaitable[T]]) -> T:
        """Run `work(app)` on this process's loop (a job's whole body)."""
        return self._runner.run(self._with_app(work))

    def run_loop(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this process's loop without the App (the ops-alert jobs need only Redis and Slack)."""
        return self._runner.run(work)

    async def _with_app(self, work: Callable[[App], Awaitable[T]]) -> T:
        return await work(self.app())

    def app(self) -> App:
        if self._app is None:
            self._app, self._messengers = _build_app(self.settings)
        return self._app

    def kept(self, name: str, build: Callable[[], T]) -> T:
        """Another long-lived client of this process (the ops channel's poster), built once."""
        if name not in self._extras:
            self._extras[name] = build()
        return self._extras[name]  # type: ignore[no-any-return]

    def warm(self) -> None:
        """Build the App before the first job arrives (so the first push does not pay for it)."""
        self.run(_nothing)

    def close(self) -> None:
        try:
            if self._app is not None:
                self._runner.run(_close_app(self._app, self._messengers))
            for extra in self._extras.values():
                close = getattr(extra, "aclose", None)
                if close is not None:
                    self._runner.run(close())
        except Exception:
            logger.warning("the worker's runtime did not close cleanly", exc_info=True)
        finally:
            self._app, self._extras = None, {}
            self._runner.close()


async def _nothing(app: App) -> None:
    del app


_runtime: WorkerRuntime | None = None


def worker_runtime() -> WorkerRuntime:
    """This process's runtime; a forked child (RQ's default Worker) builds its own instead of its parent's."""
    global _runtime  # noqa: PLW0603 — one per process
    if _runtime is None or _runtime.pid != os.getpid():
        _runtime = WorkerRuntime(load_settings())
    return _runtime


def close_worker_runtime() -> None:
    global _runtime  # noqa: PLW0603
    if _runtime is not None and _runtime.pid == os.getpid():
        _runtime.close()
    _runtime = None


def summary(report: Any) -> dict[str, int]:
    return {k: int(v) for k, v in vars(report).items()}
