"""Reminder lateness: how late a reminder reaches Slack after its due time, through the real road.

5,000 reminders (`--reminders`) for 5,000 Slack users are due evenly over one minute (`--window 60`). They are
written through the repositories (users with a Slack identity, `uow.outbox.add(NewPush(...))`) with a placeholder
due time, then one UPDATE spreads their due times over the window starting 2 s later, once everything is running
— so seeding time does not leak into the figures. The road: the clock (`run_clock` in this process, its default
0.25 s tick) → RQ on Redis → 2 `maeum worker` subprocesses (`--workers`) → a local fake Slack Web API without a
rate limit; maeum is told `PUSH_RATE_PER_SECOND={"slack": 1000}`.

Lateness = arrival of the chat.postMessage at the fake server − the row's due time. The fake stamps calls with
`time.monotonic()`; due times are UTC datetimes, so arrivals are converted with one offset (time.time() −
time.monotonic()) taken at start. Reported: p50, p99 and max lateness (goal p99 ≤ 1 s), beside a baseline in the
same run: the same load with a 10-second polling clock (`run_clock(..., tick_seconds=10)`).

Uses its own PostgreSQL schema in the `test` database (created, migrated, dropped) and Redis database 13
(FLUSHDB before and after).

`--before PATH` adds a run whose workers come from another checkout of the code (the clock stays this one's): the
road as it was, in the same run.

Usage: .venv/bin/python bench/reminder_lateness.py [--reminders 5000] [--window 60] [--workers 2] [--before PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.machinery import REPO, ForeignLoad, Processes, private_redis, private_schema, wait_for_workers
from core.adapters.db.engine import create_app_engine
from core.adapters.db.models import OutboxRow
from core.bootstrap import App, bootstrap
from core.domain.outbox import NewPush, PushDocument
from core.domain.values import Locale
from core.settings import Settings
from core.usecases.clock import run_clock
from tests.servers.slack_api import FakeSlackServer

REDIS_URL = "redis://127.0.0.1:6379/13"
TOKEN = "xoxb-bench"
QUEUE = "maeum"
RATE = 1000.0
LEAD_SECONDS = 2.0  # the first reminder is due this long after the schedule is written
PLACEHOLDER_DUE = timedelta(days=365)


# --- the machinery: a private schema, a private Redis database, subprocesses that always die --------------------


def environment(settings: Settings, code: Path = REPO) -> dict[str, str]:
    drop = ("DATABASE_URL", "REDIS_URL", "SLACK_", "PUSH_", "OPS_", "LLM_", "MAEUM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        PYTHONPATH=str(code),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url or "",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=settings.slack_api_url,
        PUSH_RATE_PER_SECOND=json.dumps({"slack": RATE}),
    )
    return env


# --- seeding, scheduling, watching ----------------------------------------------------------------------------------


def external_id(prefix: str, n: int) -> str:
    return f"U{prefix}{n:06d}"


async def seed(app: App, count: int, *, prefix: str) -> None:
    """`count` users with a Slack identity, one reminder each (due far ahead for now), through the repositories."""
    now = app.clock.now()
    for start in range(0, count, 500):
        async with app.uow() as uow:
            for n in range(start, min(start + 500, count)):
                user = await uow.users.create(
                    platform="slack",
                    external_id=external_id(prefix, n),
                    display_name=f"{prefix}{n}",
                    locale=Locale.KO,
                    timezone="Asia/Seoul",
                    now=now,
                )
                await uow.outbox.add(
                    NewPush(
                        dedupe_key=f"{prefix}:{n}",
                        kind="reminder",
                        document=PushDocument(key="remind.fire", text=f"물 마시기 {prefix}#{n}"),
                        due_at=now + PLACEHOLDER_DUE,
                        user_id=user.id,
                    ),
                    now=now,
                )
            await uow.commit()


async def schedule(engine: AsyncEngine, prefix: str, *, count: int, window: float) -> dict[str, float]:
    """Spread the reminders' due times evenly over `window` seconds from LEAD_SECONDS on; returns each
    recipient's due time as a Unix timestamp."""
    async with engine.begin() as conn:
        rows = (
            await conn.execute(
                select(OutboxRow.id, OutboxRow.dedupe_key)
                .where(OutboxRow.dedupe_key.like(f"{prefix}:%"))
                .order_by(OutboxRow.id)
            )
        ).all()
        start = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
        step = window / count
        due: dict[str, float] = {}
        plan = []
        for i, row in enumerate(rows):
            at = start + timedelta(seconds=i * step)
            n = int(row.dedupe_key.split(":", 1)[1])
            due[external_id(prefix, n)] = at.timestamp()
            plan.append({"row_id": row.id, "at": at})
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id == bindparam("row_id"))
            .values(due_at=bindparam("at"), next_attempt_at=bindparam("at"))
        )
        for i in range(0, len(plan), 1000):
            await conn.execute(statement, plan[i : i + 1000])
    return due


async def warm_up(app: App, workers: int, *, prefix: str) -> None:
    """Each worker runs a few real deliveries first, so its one-off lazy imports (slack_sdk, aiohttp, psycopg,
    the message catalog: ~0.5 s of CPU) are not counted as lateness."""
    from redis import Redis
    from rq import Queue, Worker

    await seed(app, 4 * workers, prefix=prefix)
    engine = app.engine
    assert engine is not None
    async with engine.connect() as conn:
        ids = list(await conn.scalars(select(OutboxRow.id).where(OutboxRow.dedupe_key.like(f"{prefix}:%"))))
    async with engine.begin() as conn:  # due now, so a worker may take them
        await conn.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(next_attempt_at=datetime.now(UTC)))
    connection = Redis.from_url(REDIS_URL)
    try:
        queue = Queue(QUEUE, connection=connection)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = [w.successful_job_count for w in Worker.all(queue=queue)]
            if len(done) >= workers and min(done) >= 2:
                return
            if queue.count == 0:
                for push_id in ids:
                    queue.enqueue_call("jobs.delivery.deliver_batch", args=([push_id],), result_ttl=60)
            await asyncio.sleep(0.2)
        raise RuntimeError("the workers did not warm up within 60 s")
    finally:
        connection.close()


async def states(engine: AsyncEngine, prefix: str) -> Counter[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxRow.state, func.count())
            .where(OutboxRow.dedupe_key.like(f"{prefix}:%"))
            .group_by(OutboxRow.state)
        )
        return Counter({state: int(n) for state, n in rows})


# --- one run -------------------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Result:
    name: str
    reminders: int
    posted: int
    lost: int
    doubles: int
    lateness: list[float]
    other_cores: float = 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.lateness)
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run_once(
    name: str,
    database_url: str,
    *,
    prefix: str,
    reminders: int,
    window: float,
    workers: int,
    tick: float,
    code: Path = REPO,
) -> Result:
    processes = Processes()
    with FakeSlackServer(token=TOKEN) as server:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=database_url,
            redis_url=REDIS_URL,
            slack_bot_token=TOKEN,
            slack_api_url=server.base_url,
            push_rate_per_second={"slack": RATE},
        )
        app = bootstrap(settings, engine=create_app_engine(database_url))
        engine = app.engine
        assert engine is not None
        stop = asyncio.Event()
        clock: asyncio.Task[None] | None = None
        try:
            started = time.monotonic()
            await seed(app, reminders, prefix=prefix)
            print(f"  seeded {reminders} users and reminders in {time.monotonic() - started:.1f} s", flush=True)
            env = environment(settings, code)
            procs = [
                processes.start(
                    [sys.executable, "-m", "bots.cli", "worker", "--name", f"bench-{prefix}-{i}"], env, cwd=code
                )
                for i in range(workers)
            ]
            wait_for_workers(REDIS_URL, processes, procs)
            await warm_up(app, workers, prefix=f"W{prefix}")
            service = app.outbox_relay(holder=f"bench-clock-{prefix}")
            clock = asyncio.create_task(run_clock(service, stop=stop, tick_seconds=tick))
            offset = time.time() - time.monotonic()  # wall clock = monotonic + offset
            with ForeignLoad() as other:
                due = await schedule(engine, prefix, count=reminders, window=window)
                deadline = time.monotonic() + LEAD_SECONDS + window + max(60.0, 3 * tick)
                while True:
                    counts = await states(engine, prefix)
                    if counts["sent"] + counts["dead"] + counts["unreachable"] >= reminders:
                        break
                    for process in procs:
                        if process.poll() is not None:
                            raise RuntimeError(f"a worker died:\n{processes.stderr_tail(process)}")
                    if time.monotonic() > deadline:
                        print(f"  timed out with {dict(counts)}", flush=True)
                        break
                    await asyncio.sleep(0.5)
            print(f"  other processes meanwhile: {other.describe()}", flush=True)
        finally:
            stop.set()
            if clock is not None:
                await clock
            processes.close()
            await app.aclose()
        channel_user = {server.dm_channel(user): user for user in due}
        posts = [  # the warm-up pushes went to other users
            (channel_user[c.body.get("channel")], c.at)
            for c in server.calls_to("chat.postMessage")
            if c.ok and c.body.get("channel") in channel_user
        ]
        per_user = Counter(user for user, _ in posts)
        first_arrival: dict[str, float] = {}
        for user, at in posts:
            first_arrival.setdefault(user, at + offset)
        return Result(
            name=name,
            reminders=reminders,
            posted=len(posts),
            lost=reminders - counts["sent"],
            doubles=sum(n - 1 for n in per_user.values()),
            lateness=[at - due[user] for user, at in first_arrival.items()],
            other_cores=other.cores,
        )


def table(results: list[Result]) -> None:
    header = ("", "reminders", "posted", "lost", "doubles", "p50 late", "p99 late", "max late", "≤ 1 s", "other load")
    rows = [header]
    for r in results:
        within = sum(1 for x in r.lateness if x <= 1.0) / max(len(r.lateness), 1)
        rows.append(
            (
                r.name,
                str(r.reminders),
                str(r.posted),
                str(r.lost),
                str(r.doubles),
                f"{r.quantile(0.5) * 1000:.0f} ms",
                f"{r.quantile(0.99) * 1000:.0f} ms",
                f"{max(r.lateness) * 1000:.0f} ms",
                f"{within:.1%}",
                f"{r.other_cores:.2f} cores",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


async def run(args: argparse.Namespace) -> None:
    print(
        f"machine: {platform.machine()} · {os.cpu_count()} cores · {platform.processor() or 'cpu'} · "
        f"Python {platform.python_version()}"
    )
    print(
        f"reminders: {args.reminders} due over {args.window:.0f} s ({args.reminders / args.window:.0f}/s); "
        f"workers: {args.workers}; PostgreSQL + Redis on 127.0.0.1",
        flush=True,
    )
    results = []
    with private_schema() as url:
        variants = [(f"maeum clock, {args.tick:g} s tick", "A", args.tick, REPO)]
        if args.before:
            variants.append((f"before: workers of {args.before}, {args.tick:g} s tick", "P", args.tick, args.before))
        if args.baseline_tick:
            variants.append((f"baseline: {args.baseline_tick:g} s polling clock", "B", args.baseline_tick, REPO))
        for name, prefix, tick, code in variants:
            print(f"{name} …", flush=True)
            with private_redis(REDIS_URL):
                results.append(
                    await run_once(
                        name,
                        url,
                        prefix=prefix,
                        reminders=args.reminders,
                        window=args.window,
                        workers=args.workers,
                        tick=tick,
                        code=code,
                    )
                )
    table(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=5_000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds the due times are spread over")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tick", type=float, default=0.25, help="maeum's clock tick (its default)")
    parser.add_argument("--baseline-tick", type=float, default=10.0, help="0 skips the polling baseline")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also run the workers from this checkout (e.g. `git worktree add --detach /tmp/maeum-before <commit>`)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: subprocesses, schema
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
