"""The push road with real processes: PostgreSQL, Redis, RQ workers in subprocesses, a fake Slack API.

Redis tests use database 9 and empty it (FLUSHDB): the same effect as FLUSHALL on a Redis that serves
only maeum, without touching a developer's other databases.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import OutboxRow
from core.adapters.queue import RqJobQueue
from core.bootstrap import App, bootstrap
from core.domain.outbox import NewPush, PushDocument
from core.domain.values import Locale
from core.settings import Settings
from core.usecases.clock import run_clock
from tests.conftest import empty_redis_db, make_settings
from tests.servers.slack_api import FakeSlackServer

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@pytest.fixture
def redis_db() -> Iterator[str]:
    with empty_redis_db(9) as url:
        yield url


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token="xoxb-test") as server:
        yield server


@pytest.fixture
def road_settings(database: str, redis_db: str, slack: FakeSlackServer) -> Settings:
    return make_settings(
        database,
        redis_url=redis_db,
        slack_bot_token="xoxb-test",
        slack_api_url=slack.base_url,
        push_lease_seconds=3,
        push_batch_size=50,
        push_concurrency=8,
        push_rate_per_second={"slack": 400},
    )


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "SLACK_", "PUSH_"))}
    env.update(
        PYTHONPATH=str(REPO),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url or "",
        SLACK_BOT_TOKEN=settings.slack_bot_token or "",
        SLACK_API_URL=settings.slack_api_url,
        PUSH_LEASE_SECONDS=str(settings.push_lease_seconds),
        PUSH_CONCURRENCY=str(settings.push_concurrency),
        PUSH_RATE_PER_SECOND='{"slack": 400}',
    )
    return env


def start_worker(settings: Settings, name: str, *, burst: bool = False) -> subprocess.Popen[bytes]:
    env = environment(settings)
    if settings.ops_slack_channel:
        env["OPS_SLACK_CHANNEL"] = settings.ops_slack_channel
    return subprocess.Popen(
        [sys.executable, "-m", "bots.cli", "worker", "--name", name, *(["--burst"] if burst else [])],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def seed(app: App, count: int) -> None:
    now = app.clock.now()
    async with app.uow() as uow:
        for n in range(count):
            user = await uow.users.create(
                platform="slack",
                external_id=f"U{n:05d}",
                display_name=f"u{n}",
                locale=Locale.KO,
                timezone="Asia/Seoul",
                now=now,
            )
            await uow.outbox.add(
                NewPush(
                    dedupe_key=f"bulk:{n}",
                    kind="notice",
                    document=PushDocument(key="remind.fire", text=f"#{n}"),
                    due_at=now,
                    user_id=user.id,
                ),
                now=now,
            )
        await uow.commit()


async def unfinished(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state != "sent")) or 0)


@contextlib.asynccontextmanager
async def clock_running(app: App) -> AsyncIterator[None]:
    stop = asyncio.Event()
    service = app.outbox_relay(holder="test-clock", queue_grace=timedelta(seconds=0.5))
    task = asyncio.create_task(run_clock(service, stop=stop, tick_seconds=0.1, recover_seconds=0.5))
    try:
        yield
    finally:
        stop.set()
        await task


def per_user(slack: FakeSlackServer) -> Counter[str]:
    return Counter(body["channel"] for body in slack.posted)


async def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_at_most_its_sends_in_flight(
    road_settings: Settings, engine: AsyncEngine, slack: FakeSlackServer
) -> None:
    total = int(os.environ.get("MAEUM_KILL_TEST_PUSHES", "400"))  # 20000 for the full-size demonstration
    app = bootstrap(road_settings, engine=engine)
    assert isinstance(app.queue, RqJobQueue)
    await seed(app, total)
    workers = [start_worker(road_settings, "w1"), start_worker(road_settings, "w2")]
    try:
        async with clock_running(app):
            deadline = time.monotonic() + 60 + total / 100
            while len(slack.posted) < total // 4 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            workers[0].send_signal(signal.SIGKILL)  # mid-batch: it holds queued rows and maybe one in flight
            workers[0].wait()
            workers.append(start_worker(road_settings, "w3"))
            while await unfinished(engine) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        assert await unfinished(engine) == 0
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
        await app.aclose()
    delivered = per_user(slack)
    doubles = sum(n - 1 for n in delivered.values())
    print(f"\nkill -9 mid-batch: {total} pushes, {len(delivered)} recipients reached, {doubles} doubled")
    assert len(delivered) == total
    # only what the killed worker had in flight can go twice: sends started whose outcome was not yet committed
    assert doubles <= road_settings.push_concurrency


async def test_pushes_pending_when_redis_is_emptied_are_requeued_and_delivered(
    road_settings: Settings, engine: AsyncEngine, slack: FakeSlackServer, redis_db: str
) -> None:
    from redis import Redis

    app = bootstrap(road_settings, engine=engine)
    await seed(app, 60)
    service = app.outbox_relay(holder="test-clock", queue_grace=timedelta(seconds=0.2))
    assert await service.hold_lease()
    assert await service.relay_due() == 60  # handed to RQ …
    Redis.from_url(redis_db).flushdb()  # … and Redis loses every job
    await asyncio.sleep(0.3)
    assert await service.recover() == 60
    assert await service.relay_due() == 60
    worker = start_worker(road_settings, "burst", burst=True)
    assert worker.wait(timeout=60) == 0, worker.stderr.read().decode() if worker.stderr else ""
    await app.aclose()
    assert await unfinished(engine) == 0
    assert sorted(per_user(slack).values()) == [1] * 60


async def test_a_second_clock_stands_by_and_never_doubles(
    road_settings: Settings, engine: AsyncEngine, slack: FakeSlackServer
) -> None:
    app = bootstrap(road_settings, engine=engine)
    await seed(app, 30)
    first, second = app.outbox_relay(holder="one"), app.outbox_relay(holder="two")
    assert await first.hold_lease()
    assert not await second.hold_lease()
    assert await asyncio.gather(first.relay_due(), second.relay_due()) == [30, 0]
    worker = start_worker(road_settings, "burst", burst=True)
    assert worker.wait(timeout=60) == 0
    await app.aclose()
    assert sorted(per_user(slack).values()) == [1] * 30


async def test_three_workers_post_every_one_of_a_burst_of_fifty_distinct_errors_the_first_at_once(
    road_settings: Settings, slack: FakeSlackServer, redis_db: str
) -> None:
    import logging

    from rq import Worker

    from bots.slack.ops import slack_ops_poster
    from jobs.alerts import install_alert_handler, use_ops_poster

    settings = road_settings.model_copy(update={"ops_slack_channel": "C0OPS"})
    workers = [start_worker(settings, f"ops{n}") for n in range(3)]
    use_ops_poster(slack_ops_poster)
    handler = None
    try:
        from redis import Redis

        with Redis.from_url(redis_db) as connection:
            deadline = time.monotonic() + 60
            while len(Worker.all(connection=connection)) < 3 and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert len(Worker.all(connection=connection)) == 3
        handler = install_alert_handler(settings, component="burst")
        assert handler is not None
        names = [f"maeum.burst.e{n:02d}" for n in range(50)]
        started = time.monotonic()
        for name in names:
            logging.getLogger(name).error("step %s failed", 7)

        def arrivals() -> dict[str, float]:
            found: dict[str, float] = {}
            for call in slack.calls_to("chat.postMessage"):
                if call.ok and call.body.get("channel") == "C0OPS":
                    for name in names:
                        if f"`{name}`" in str(call.body.get("text")):
                            found.setdefault(name, call.at)
            return found

        deadline = time.monotonic() + 30
        while len(arrivals()) < len(names) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        found = arrivals()
    finally:
        if handler is not None:
            logging.getLogger().removeHandler(handler)
        for worker in workers:  # killed: RQ's own shutdown can wait up to a minute for its pub/sub thread
            worker.kill()
            worker.wait()
    posts = [c for c in slack.calls_to("chat.postMessage") if c.ok and c.body.get("channel") == "C0OPS"]
    print(
        f"\n50 distinct errors, 3 workers: {len(found)} posted in {len(posts)} posts, first after "
        f"{found.get(names[0], -1) - started:.2f} s, last after {max(found.values(), default=0) - started:.2f} s"
    )
    assert sorted(found) == names  # every one of them
    assert found[names[0]] - started < 2.0  # the first at once (the workers are warm)
    assert len(posts) <= 6  # digests, not fifty posts a second apart
    stamps = sorted(c.at for c in posts)
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(stamps))  # the ops channel's pace held
