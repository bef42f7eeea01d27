"""One App per job run: an async engine belongs to one event loop, and each RQ job runs its own loop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from core.adapters.db.engine import create_app_engine
from core.bootstrap import App, bootstrap
from core.ports import Messenger
from core.settings import Settings, load_settings

T = TypeVar("T")

MessengersFactory = Callable[..., Mapping[str, Messenger]]  # (settings, *, redis) -> platform → Messenger
_messengers: MessengersFactory | None = None


def use_messengers(factory: MessengersFactory) -> None:
    """How pushes reach each platform, said once by the process that runs these jobs (`maeum`'s assembly in
    bots/cli.py): jobs never import a platform adapter."""
    global _messengers  # noqa: PLW0603 — one per process, set before any job runs
    _messengers = factory


async def with_app(run: Callable[[App], Awaitable[T]], *, settings: Settings | None = None) -> T:
    """Build an App for this event loop (its own engine and Redis clients), run, and close it."""
    settings = settings or load_settings()
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
        # A pool for this job's own event loop (disposed with the App): a connection per transaction costs
        # more than the push itself.
        engine=create_app_engine(settings.database_url),
        redis=redis,
        messengers=messengers,
    )
    try:
        return await run(app)
    finally:
        for messenger in messengers.values():
            close = getattr(messenger, "aclose", None)  # HTTP sessions of the platform SDKs
            if close is not None:
                await close()
        await app.aclose()


def summary(report: Any) -> dict[str, int]:
    return {k: int(v) for k, v in vars(report).items()}
