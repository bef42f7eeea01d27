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
# Take the key if it is free, or if it is held under the same owner token (the same update handled again).
_ACQUIRE = """
local held = redis.call('get', KEYS[1])
if held == false or held == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""


class InProcessLocks:
    def __init__(self) -> None:
        self._held: dict[str, tuple[float, str]] = {}

    @asynccontextmanager
    async def hold(self, key: str, *, ttl_seconds: int, owner: str | None = None) -> AsyncIterator[bool]:
        now = time.monotonic()
        token = owner or secrets.token_hex(8)
        held = self._held.get(key)
        if held is not None and held[0] > now and held[1] != token:
            yield False
            return
        self._held[key] = (now + ttl_seconds, token)
        try:
            yield True
        finally:
            if self._held.get(key, (0.0, ""))[1] == token:
                self._held.pop(key, None)


class RedisLocks:
    def __init__(self, redis: Any, *, prefix: str = "maeum:lock:") -> None:
        self._redis = redis
        self._prefix = prefix

    @asynccontextmanager
    async def hold(self, key: str, *, ttl_seconds: int, owner: str | None = None) -> AsyncIterator[bool]:
        name = self._prefix + key
        if owner is None:
            token = secrets.token_hex(8)
            acquired = bool(await self._redis.set(name, token, nx=True, ex=ttl_seconds))
        else:
            token = "update:" + owner
            acquired = bool(await self._redis.eval(_ACQUIRE, 1, name, token, ttl_seconds))
        if not acquired:
            yield False
            return
        try:
            yield True
        finally:
            await self._redis.eval(_RELEASE, 1, name, token)
