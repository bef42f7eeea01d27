"""Ops alerts to Slack: installing the ERROR handler in a process, and the jobs that post and fold.

Every function here swallows its own failures (logged at WARNING): an alert that cannot be posted must
never raise another alert.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from core.adapters.ops import (
    AlertEvent,
    InProcessAlertSink,
    OpsAlertHandler,
    RedisAlertSink,
    alert_text,
    posting_alert,
)
from core.adapters.pacing import InProcessPacer, RedisPacer
from core.adapters.queue import QUEUE_NAME
from core.ports import Pacer, RetryLater
from core.settings import Settings, load_settings

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
        queue = Queue(QUEUE_NAME, connection=redis)

        def enqueue(function: str, payload: dict[str, Any], job_id: str) -> None:
            # at_front: an alert should not wait behind a fan-out of thousands of pushes
            queue.enqueue_call(function, args=(payload,), job_id=job_id, at_front=True, result_ttl=60, failure_ttl=3600)

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

        sink = InProcessAlertSink(post)
    handler = OpsAlertHandler(sink, component=component)
    logging.getLogger().addHandler(handler)
    return handler


def post_alert(payload: dict[str, Any]) -> str | None:
    """RQ job: post the first alert of a fingerprint and remember its message for folding."""
    token = posting_alert.set(True)
    try:
        return asyncio.run(_post_alert(AlertEvent.from_dict(payload), load_settings()))
    except Exception:
        logger.warning("ops alert %s could not be posted", payload.get("fingerprint"), exc_info=True)
        return None
    finally:
        posting_alert.reset(token)


async def _post_alert(event: AlertEvent, settings: Settings) -> str | None:
    from redis.asyncio import Redis

    assert settings.redis_url is not None
    redis = Redis.from_url(settings.redis_url)
    try:
        ts = await _paced(RedisPacer(redis), lambda: _poster(settings).post(alert_text(event)))
        key = f"maeum:alert:{event.fingerprint}"
        await redis.hset(key, mapping={"ts": ts or "", "posted": 1})
        return ts  # type: ignore[no-any-return]
    finally:
        await redis.aclose()


async def fold_open_alerts(settings: Settings) -> int:
    """Clock step: fold repeat counts into their posts (an edit with a token, a short post by webhook)."""
    if not (settings.redis_url and ops_configured(settings)):
        return 0
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    token = posting_alert.set(True)
    folded = 0
    try:
        poster = _poster(settings)
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
