"""Counters for /metrics: in Redis so the web process sees what workers and bots counted."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from typing import Any

from redis.exceptions import RedisError

COUNT_TIMEOUT_SECONDS = 0.25
WARNING_EVERY_SECONDS = 60.0
logger = logging.getLogger(__name__)


class RedisMetrics:
    """Counting is best-effort: a slow or hung Redis costs a message at most COUNT_TIMEOUT_SECONDS, never the answer
    (every message is counted before it is handled, `/help` included)."""

    def __init__(self, redis: Any, *, prefix: str = "maeum:metrics:", timeout: float = COUNT_TIMEOUT_SECONDS) -> None:
        self._redis = redis
        self._prefix = prefix
        self._timeout = timeout
        self._last_warning = 0.0

    async def count(self, name: str, label: str, amount: int = 1) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._redis.hincrby(self._prefix + name, label, amount)
        except (TimeoutError, OSError, RedisError) as error:
            if time.monotonic() - self._last_warning > WARNING_EVERY_SECONDS:  # one line a minute, not one a message
                self._last_warning = time.monotonic()
                logger.warning("metrics not counted (%s); messages go on", type(error).__name__)

    async def read(self, name: str) -> dict[str, int]:
        raw = await self._redis.hgetall(self._prefix + name)
        return {(k.decode() if isinstance(k, bytes) else str(k)): int(v) for k, v in raw.items()}


class InProcessMetrics:
    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = defaultdict(dict)

    async def count(self, name: str, label: str, amount: int = 1) -> None:
        self._counts[name][label] = self._counts[name].get(label, 0) + amount

    async def read(self, name: str) -> dict[str, int]:
        return dict(self._counts.get(name, {}))
