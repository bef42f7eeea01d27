"""Ops alerts to Slack: installing the ERROR handler in a process, and the jobs that post and fold.

Every function here swallows its own failures (logged at WARNING): an alert that cannot be posted must
never raise another alert.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.adapters.ops import (
    MAX_DIGEST_ALERTS,
    WAITING_ALERTS,
    AlertEvent,
    InProcessAlertSink,
    OpsAlertHandler,
    RedisAlertSink,
    alert_text,
    digest_text,
    posting_alert,
)
from core.adapters.pacing import InProcessPacer, RedisPacer
from core.adapters.queue import OPS_QUEUE_NAME
from core.ports import Pacer, RetryLater
from core.settings import Settings

if TYPE_CHECKING:
    from jobs.runtime import WorkerRuntime

logger = logging.getLogger("maeum.ops.jobs")

POST_RATE = 1.0  # at most one post per second per ops channel
MAX_TRIES = 5


def ops_configured(settings: Settings) -> bool:
    return bool(settings.ops_slack_webhook_url or (settings.ops_slack_channel and settings.slack_bot_token))


OpsPosterFactory = Callable[[Settings], Any]
_poster_factory: OpsPosterFactory | None = None


def use_ops_poster(factory: OpsPosterFactory) -> None:
    """How alerts reach Slack, said once by the process that runs these jobs (`maeum`'s assembly in bots/cli.py):
    jobs never import a platform adapter."""
    global _poster_factory  # noqa: PLW0603 — one per process, set before any job runs
    _poster_factory = factory


def _poster(settings: Settings) -> Any:
    if _poster_factory is None:
        raise RuntimeError("no ops poster: the process must call jobs.alerts.use_ops_poster before sending alerts")
    return _poster_factory(settings)


async def _paced(pacer: Pacer, call: Any) -> Any:
    """One post, at the channel's pace, waiting out 429s (bounded: only 429s count as tries)."""
    for _ in range(MAX_TRIES):
        wait = await pacer.reserve([("ops:slack", POST_RATE, 1.0)])
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            return await call()
        except RetryLater as signal:
            await pacer.hold_off("ops:slack", signal.after)
    raise RuntimeError("ops channel kept answering 429")


def install_alert_handler(settings: Settings, *, component: str) -> logging.Handler | None:
    """Attach the ERROR → ops Slack handler to the root logger; None when no ops channel is configured."""
    if not ops_configured(settings):
        return None
    sink: Any
    if settings.redis_url:
        from redis import Redis
        from rq import Queue

        redis = Redis.from_url(settings.redis_url)
        queue = Queue(OPS_QUEUE_NAME, connection=redis)

        def enqueue(function: str, payload: dict[str, Any], job_id: str) -> None:
            # Its own queue, which workers read first: an alert never waits behind a fan-out of thousands of pushes,
            # and a burst keeps its order (the list of waiting alerts is oldest first; the job only drains it).
            del payload
            queue.enqueue_call(function, job_id=job_id, result_ttl=60, failure_ttl=3600)

        sink = RedisAlertSink(redis, enqueue=enqueue)
    else:
        poster = _poster(settings)
        pacer = InProcessPacer()

        def post(event: AlertEvent, count: int, ts: str | None) -> str | None:
            text = alert_text(event, count=count)
            if ts is None:
                return asyncio.run(_paced(pacer, lambda: poster.post(text)))  # type: ignore[no-any-return]
            asyncio.run(_paced(pacer, lambda: poster.fold(ts or None, text)))
            return ts

        def digest(events: list[AlertEvent]) -> None:
            asyncio.run(_paced(pacer, lambda: poster.post(digest_text(events))))

        sink = InProcessAlertSink(post, digest=digest, pace_seconds=1.0 / POST_RATE)
    handler = OpsAlertHandler(sink, component=component)
    logging.getLogger().addHandler(handler)
    return handler


def post_alerts() -> int:
    """RQ job: post the alerts waiting (a digest when there are several), on the worker's runtime."""
    from jobs.runtime import worker_runtime

    runtime = worker_runtime()
    poster, redis = _alert_clients(runtime)
    return runtime.run_loop(drain_alerts(redis, poster))


def _alert_clients(runtime: WorkerRuntime) -> tuple[Any, Any]:
    settings = runtime.settings
    poster = runtime.kept("ops-poster", lambda: _poster(settings))
    redis = runtime.kept("ops-redis", lambda: _redis(settings))
    return poster, redis


def warm_alerts(runtime: WorkerRuntime) -> None:
    """At a worker's start: the ops channel's clients, so that the first alert is posted at once."""
    if ops_configured(runtime.settings) and runtime.settings.redis_url:
        poster, _ = _alert_clients(runtime)
        warm = getattr(poster, "warm", None)
        if warm is not None:
            warm()


def post_alert(payload: dict[str, Any]) -> int:
    """The job a previous release enqueued for each first alert: what waits is posted the same way now."""
    del payload
    return post_alerts()


def _redis(settings: Settings) -> Any:
    from redis.asyncio import Redis

    assert settings.redis_url is not None
    return Redis.from_url(settings.redis_url)


async def drain_alerts(redis: Any, poster: Any) -> int:
    """Post every alert waiting in Redis, one post per pace slot of the ops channel: one alert alone (at once, when the
    channel is free), several as one digest. Alerts that arrive while a slot is awaited join that slot's post, so a
    burst is a few posts and none waits behind the others or is dropped. One poster at a time (a short lock in Redis):
    workers competing for the same slots would only delay each other. A post that fails leaves its alerts waiting,
    for the next job or the clock's fold step. Returns how many alerts were posted."""
    token = posting_alert.set(True)
    posted = 0
    try:
        while await redis.llen(WAITING_ALERTS):
            holder = secrets.token_hex(8)
            if not await redis.set(_POSTER_LOCK, holder, nx=True, px=_POSTER_LOCK_MS):
                return posted  # another worker is posting: it reads the list again before it lets go
            try:
                posted += await _drain_holding(redis, poster)
            finally:
                await redis.eval(_RELEASE, 1, _POSTER_LOCK, holder)
    except Exception:
        logger.warning("ops alerts could not be posted; they wait for the next try", exc_info=True)
    finally:
        posting_alert.reset(token)
    return posted


async def _drain_holding(redis: Any, poster: Any) -> int:
    pacer = RedisPacer(redis)
    posted = 0
    while True:
        if not await redis.llen(WAITING_ALERTS):
            return posted  # asked before reserving: a slot taken for nothing would hold up the next alert a second
        wait = await pacer.reserve([("ops:slack", POST_RATE, 1.0)])
        if wait > 0:
            await asyncio.sleep(wait)  # whatever arrives meanwhile goes in this post
        await redis.pexpire(_POSTER_LOCK, _POSTER_LOCK_MS)
        fingerprints = [_text(raw) for raw in await redis.lrange(WAITING_ALERTS, 0, MAX_DIGEST_ALERTS - 1)]
        if not fingerprints:
            return posted
        events: list[tuple[str, AlertEvent]] = []
        for fingerprint in fingerprints:
            raw = await redis.hget(f"maeum:alert:{fingerprint}", "event")
            if raw:  # gone only when its group expired unposted (ten minutes): nothing left to say
                events.append((fingerprint, AlertEvent.from_dict(json.loads(_text(raw)))))
        ts: str | None = ""
        try:
            if len(events) == 1:
                ts = await poster.post(alert_text(events[0][1]))
            elif events:
                await poster.post(digest_text([event for _, event in events]))  # not rewritten: a repeat count
                # goes as a post of its own
        except RetryLater as signal:
            await pacer.hold_off("ops:slack", signal.after)
            continue
        for fingerprint, _ in events:
            await redis.hset(f"maeum:alert:{fingerprint}", mapping={"ts": ts or "", "posted": 1})
        await redis.ltrim(WAITING_ALERTS, len(fingerprints), -1)
        posted += len(events)


_POSTER_LOCK = "maeum:alerts:poster"
_POSTER_LOCK_MS = 30_000
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


async def fold_open_alerts(settings: Settings) -> int:
    """Clock step: post alerts still waiting (a worker died mid-post, or Slack was down), then fold repeat counts
    into their posts (an edit with a token, a short post by webhook)."""
    if not (settings.redis_url and ops_configured(settings)):
        return 0
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    token = posting_alert.set(True)
    folded = 0
    try:
        poster = _poster(settings)
        await drain_alerts(redis, poster)
        for raw in await redis.smembers("maeum:alerts:open"):
            fingerprint = _text(raw)
            key = f"maeum:alert:{fingerprint}"
            group = await redis.hgetall(key)
            if not group:
                await redis.srem("maeum:alerts:open", fingerprint)
                continue
            count, posted = int(group.get("count", 0)), int(group.get("posted", 0))
            if not posted or count <= posted or "event" not in group:
                continue
            text = alert_text(AlertEvent.from_dict(json.loads(group["event"])), count=count)
            ts = _text(group.get("ts")) or None

            async def fold(ts: str | None = ts, text: str = text) -> None:
                await poster.fold(ts, text)

            await _paced(RedisPacer(redis), fold)
            await redis.hset(key, "posted", count)
            folded += 1
    except Exception:
        logger.warning("folding ops alerts failed", exc_info=True)
    finally:
        posting_alert.reset(token)
        await redis.aclose()
    return folded


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
