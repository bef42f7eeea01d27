"""Shared pacing (GCRA token buckets): in Redis so every worker paces together, or in this process."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

# The slot is always taken, `wait` seconds from now (the latest any key allows): the caller sleeps that long
# and sends without asking again, so no time is lost between a "wait" answer and the next try.
# The time is Redis's own, so workers on machines with skewed clocks still agree.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local tolerance = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  if tat - tolerance - now > wait then wait = tat - tolerance - now end
end
local at = now + wait
for i, key in ipairs(KEYS) do
  local next_tat = math.max(tats[i], at) + tonumber(ARGV[2 * i - 1])
  redis.call('SET', key, tostring(next_tat), 'PX', math.ceil((next_tat - now) * 1000) + 1000)
end
return tostring(wait)
"""

_HOLD_OFF = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local until_ = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > tat then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil((until_ - now) * 1000) + 1000)
end
return 1
"""

HOLD_OFF_TOLERANCE = 1.0  # seconds of burst a held-off key keeps (it resumes at a trickle)


def _interval_and_tolerance(rate: float, burst: float) -> tuple[float, float]:
    interval = 1.0 / rate
    return interval, interval * max(burst - 1.0, 0.0)


class RedisPacer:
    def __init__(self, redis: Any, *, prefix: str = "maeum:pace:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def reserve(self, keys: Sequence[tuple[str, float, float]]) -> float:
        args: list[float] = []
        for _, rate, burst in keys:
            args.extend(_interval_and_tolerance(rate, burst))
        names = [self._prefix + name for name, _, _ in keys]
        return float(await self._redis.eval(_RESERVE, len(names), *names, *args))

    async def hold_off(self, name: str, seconds: float) -> None:
        await self._redis.eval(_HOLD_OFF, 1, self._prefix + name, seconds, 0)


class InProcessPacer:
    def __init__(self) -> None:
        self._tats: dict[str, float] = {}

    async def reserve(self, keys: Sequence[tuple[str, float, float]]) -> float:
        now = time.monotonic()
        wait = 0.0
        updates = {}
        for name, rate, burst in keys:
            interval, tolerance = _interval_and_tolerance(rate, burst)
            tat = max(self._tats.get(name, now), now)
            wait = max(wait, tat - tolerance - now)
            updates[name] = tat + interval
        for name, rate, _ in keys:
            interval = 1.0 / rate
            self._tats[name] = max(updates[name], now + wait + interval)
        return max(wait, 0.0)

    async def hold_off(self, name: str, seconds: float) -> None:
        now = time.monotonic()
        self._tats[name] = max(self._tats.get(name, now), now + seconds)
