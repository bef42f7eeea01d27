"""Counters for /metrics: in Redis so the web process sees what workers and bots counted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class RedisMetrics:
    def __init__(self, redis: Any, *, prefix: str = "maeum:metrics:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def count(self, name: str, label: str, amount: int = 1) -> None:
        await self._redis.hincrby(self._prefix + name, label, amount)

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
