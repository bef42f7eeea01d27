"""Shared pacing: every caller gets its own future slot, so a rate is kept without losing time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from core.adapters.pacing import InProcessPacer, RedisPacer
from core.ports import Pacer
from tests.conftest import empty_redis_db


@pytest.fixture(params=["redis", "in-process"])
async def pacer(request: pytest.FixtureRequest) -> AsyncIterator[Pacer]:
    if request.param == "in-process":
        yield InProcessPacer()
        return
    from redis.asyncio import Redis

    with empty_redis_db(11) as url:
        client = Redis.from_url(url)
        yield RedisPacer(client)
        await client.aclose()


async def test_slots_are_handed_out_one_interval_apart_after_the_burst(pacer: Pacer) -> None:
    waits = [await pacer.reserve([("p:all", 10.0, 2.0)]) for _ in range(6)]
    assert waits[0] == 0 and waits[1] == 0  # the burst
    steps = [b - a for a, b in pairwise(waits[1:])]
    assert all(0.06 <= step <= 0.11 for step in steps), waits  # then 10 per second, each with its own slot


async def test_the_slowest_key_decides_and_a_hold_off_is_respected(pacer: Pacer) -> None:
    assert await pacer.reserve([("p:all", 100.0, 1.0), ("p:chat:1", 1.0, 1.0)]) == 0
    second = await pacer.reserve([("p:all", 100.0, 1.0), ("p:chat:1", 1.0, 1.0)])
    assert 0.9 <= second <= 1.01
    await pacer.hold_off("p:other", 2.0)
    assert 1.9 <= await pacer.reserve([("p:other", 100.0, 1.0)]) <= 2.01


async def test_concurrent_reservations_never_share_a_slot(pacer: Pacer) -> None:
    waits = await asyncio.gather(*(pacer.reserve([("p:c", 20.0, 1.0)]) for _ in range(20)))
    # Twenty callers at 20 a second need a second of slots: shared slots would end sooner. (The calls are
    # answered a few milliseconds apart, so each wait is measured from a slightly later "now".)
    assert max(waits) >= 19 * 0.05 - 0.1, sorted(waits)
    assert len({round(w, 3) for w in waits}) == 20
