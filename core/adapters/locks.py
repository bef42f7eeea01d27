"""Short-lived locks: Redis when REDIS_URL is set (shared by every process), else in-process."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# Delete the key only if we still own it: a holder whose TTL ran out must not free a newer holder.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class InProcessLocks:
    def __init__(self) -> None:
        self._held: dict[str, float] = {}

    @asynccontextmanager
    async def hold(self, key: str, *, ttl_seconds: int) -> AsyncIterator[bool]:
        now = time.monotonic()
        expires = self._held.get(key)
        if expires is not None and expires > now:
            yield False
            return
        self._held[key] = now + ttl_seconds
        try:
            yield True
        finally:
            self._held.pop(key, None)


class RedisLocks:
    def __init__(self, redis: Any, *, prefix: str = "maeum:lock:") -> None:
        self._redis = redis
        self._prefix = prefix

    @asynccontextmanager
    async def hold(self, key: str, *, ttl_seconds: int) -> AsyncIterator[bool]:
        name = self._prefix + key
        token = secrets.token_hex(8)
        acquired = bool(await self._redis.set(name, token, nx=True, ex=ttl_seconds))
        if not acquired:
            yield False
            return
        try:
            yield True
        finally:
            await self._redis.eval(_RELEASE, 1, name, token)
