"""Presence marks: in Redis when configured (every process sees the same room), else in this process only."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

_PREFIX = "maeum:presence:"


class InProcessPresence:
    def __init__(self) -> None:
        self._places: defaultdict[str, dict[int, datetime]] = defaultdict(dict)

    async def mark(self, place: str, who: int, *, until: datetime) -> None:
        self._places[place][who] = until

    async def here(self, place: str, *, now: datetime) -> frozenset[int]:
        marks = self._places.get(place, {})
        for who in [w for w, until in marks.items() if until <= now]:  # ended marks go, so the map stays small
            del marks[who]
        return frozenset(marks)

    async def clear(self, place: str) -> None:
        self._places.pop(place, None)


class RedisPresence:
    """One sorted set per place: member = who, score = when their mark ends. The set expires with its marks (a
    place's marks end together, at the meeting's end), so a meeting nobody closes leaves nothing behind."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def mark(self, place: str, who: int, *, until: datetime) -> None:
        key = _PREFIX + place
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {str(who): until.timestamp()})
            pipe.expireat(key, int(until.timestamp()) + 1)  # a place's marks end together (the meeting's end)
            await pipe.execute()

    async def here(self, place: str, *, now: datetime) -> frozenset[int]:
        members = await self._redis.zrangebyscore(_PREFIX + place, f"({now.timestamp()}", "+inf")
        return frozenset(int(m) for m in members)

    async def clear(self, place: str) -> None:
        await self._redis.delete(_PREFIX + place)
