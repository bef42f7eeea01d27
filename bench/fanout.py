"""Fan-out throughput: N pushes to N Slack users through the real road, against a rate-limited Slack.

The road: outbox rows (written through the repositories) → the clock (`run_clock`, in this process, 0.1 s tick)
→ RQ on Redis → `maeum worker` subprocesses (SimpleWorker, one batch of up to PUSH_BATCH_SIZE rows per job) →
a local fake Slack Web API (`tests/servers/slack_api.py`) that answers HTTP 429 once `--limit` chat.postMessage
calls were accepted within the last second. maeum is told `PUSH_RATE_PER_SECOND={"slack": 0.97 × limit}`, so
the shared Redis pacer keeps all workers together under the limit.

Measured:
  - delivered messages/s ÷ limit, the steady rate from the first to the last post accepted by the fake server
    (goal ≥ 0.95), and the busiest 1-second window;
  - the 429s the fake answered (goal 0), lost pushes (rows not `sent` at the end; must be 0), doubles (a
    recipient posted to more than once);
  - worker CPU per message: utime + stime (+ reaped children) of the worker processes from /proc/<pid>/stat,
    from when they are idle and registered to the end, divided by the messages delivered; and machine CPU per
    message: every non-idle CPU second of the machine (/proc/stat) over the same interval — PostgreSQL, Redis,
    the fake server and the clock included;
  - recovered: rows the clock's recovery gave back to be claimed again (it logs "clock recovered N pushes").

Baseline in the same run: the naive way — one RQ job per outbox row (`jobs.delivery.deliver_batch([id])`
enqueued straight into RQ, no clock), run by RQ's default forking `Worker` (a horse forked per job), with pacing
lifted (`PUSH_RATE_PER_SECOND={"slack": 1000000}`, because maeum's built-in Slack default would otherwise pace
it at 50/s) so it goes as fast as it can, on a smaller sample (200 by default: at ~5 messages/s, 2,000 would
take seven minutes on their own).

Each run uses its own PostgreSQL schema in the `test` database (created, migrated, dropped) and Redis database
12 (FLUSHDB before and after). `--limit 0` removes the fake's limit and maeum's pacing: the capacity probe. The
default limit of 60/s was chosen when 2 workers delivered ~70 messages/s unpaced on the 2-core machine of
BENCHMARKS.md; it is kept so the figures stay comparable (since issue 19 the same workers deliver 400-600/s), and
the run says per part of the road (workers, this process — the clock and the fake server —, PostgreSQL, Redis)
where each message's machine CPU goes.

`--before PATH` adds the same road with its workers from another checkout of the code (the clock stays this one's),
on `--before-pushes` pushes: the road as it was, in the same run.

Usage: .venv/bin/python bench/fanout.py [--pushes 20000] [--workers 2] [--limit 60] [--baseline-pushes 200]
       [--before PATH --before-pushes 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import platform
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.machinery import (
    CLK_TCK,
    REPO,
    ForeignLoad,
    Processes,
    cpu_by_part,
    private_redis,
    private_schema,
    wait_for_workers,
)
from core.adapters.db.engine import create_app_engine
from core.adapters.db.models import OutboxRow
from core.bootstrap import App, bootstrap
from core.domain.outbox import NewPush, PushDocument
from core.domain.values import Locale
from core.settings import Settings
from core.usecases.clock import run_clock
from tests.servers.slack_api import FakeSlackServer, SlackCall

REDIS_URL = "redis://127.0.0.1:6379/12"
TOKEN = "xoxb-bench"
QUEUE = "maeum"
DEFAULT_LIMIT = 60  # kept from the first runs (then ~85 % of the road's capacity here), so figures stay comparable
PACE_SHARE = 0.97
UNPACED = 1_000_000.0

# RQ's default forking Worker for the baseline. The job module is imported once here, in the parent, so each
# forked horse inherits it (otherwise every job would import SQLAlchemy, slack_sdk … again in its horse).
FORKING_WORKER = """
import sys
from redis import Redis
from rq import Queue, Worker
import jobs.delivery  # noqa: F401
from bots.cli import assemble_jobs
assemble_jobs()  # what `maeum worker` does: the jobs get the platforms' messengers
from core.products import registered
registered()  # the product modules too, once here rather than in every horse
connection = Redis.from_url(sys.argv[1])
Worker([Queue(sys.argv[2], connection=connection)], connection=connection, name=sys.argv[3]).work(
    logging_level="WARNING"
)
"""


# --- the machinery: a private schema, a private Redis database, subprocesses that always die --------------------


class RecoveryCounter(logging.Handler):
    """Counts the rows the clock gave back ("clock recovered N pushes"): work done twice, or a lost job."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.rows = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("clock recovered") and record.args:
            self.rows += int(record.args[0])  # type: ignore[index, arg-type]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in this process while it measures. The fake Slack server runs in a thread of it and keeps
    every call it answered; as that record grows to tens of thousands of calls, a full collection pauses the process
    for a tenth of a second or more, and the requests that arrived meanwhile are all stamped at once when it resumes —
    a burst in the fake's one-second count that no real platform, stamping at arrival, would see."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cpu_seconds(pid: int) -> float:
    """utime + stime + cutime + cstime of a live process (reaped children included: RQ's forked horses)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rfind(")") + 2 :].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK


def machine_busy_seconds() -> float:
    """Non-idle CPU time of the whole machine so far (every process: PostgreSQL, Redis, the fake server …)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLK_TCK


def environment(settings: Settings, rate: float, code: Path = REPO) -> dict[str, str]:
    drop = ("DATABASE_URL", "REDIS_URL", "SLACK_", "PUSH_", "OPS_", "LLM_", "MAEUM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        PYTHONPATH=str(code),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url or "",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=settings.slack_api_url,
        PUSH_RATE_PER_SECOND=json.dumps({"slack": rate}),
        PUSH_BATCH_SIZE=str(settings.push_batch_size),
        PUSH_CONCURRENCY=str(settings.push_concurrency),
    )
    return env


# --- seeding and watching ---------------------------------------------------------------------------------------


async def seed(app: App, count: int, *, prefix: str) -> list[int]:
    """`count` users with one Slack identity each and one push due now for each, through the repositories."""
    now = app.clock.now()
    for start in range(0, count, 500):
        async with app.uow() as uow:
            for n in range(start, min(start + 500, count)):
                user = await uow.users.create(
                    platform="slack",
                    external_id=f"U{prefix}{n:06d}",
                    display_name=f"{prefix}{n}",
                    locale=Locale.KO,
                    timezone="Asia/Seoul",
                    now=now,
                )
                await uow.outbox.add(
                    NewPush(
                        dedupe_key=f"{prefix}:{n}",
                        kind="notice",
                        document=PushDocument(key="remind.fire", text=f"{prefix}#{n}"),
                        due_at=now,
                        user_id=user.id,
                    ),
                    now=now,
                )
            await uow.commit()
    engine = app.engine
    assert engine is not None
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxRow.id).where(OutboxRow.dedupe_key.like(f"{prefix}:%")).order_by(OutboxRow.id)
        )
        return [row.id for row in rows]


async def states(engine: AsyncEngine, prefix: str) -> Counter[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(OutboxRow.state, func.count())
            .where(OutboxRow.dedupe_key.like(f"{prefix}:%"))
            .group_by(OutboxRow.state)
        )
        return Counter({state: int(n) for state, n in rows})


def rq_idle(redis_url: str) -> bool:
    """No job waiting in the queue and none running (what is left `pending` after a 429 has nobody to take it)."""
    from redis import Redis
    from rq import Queue

    with Redis.from_url(redis_url) as connection:
        queue = Queue(QUEUE, connection=connection)
        return queue.count == 0 and queue.started_job_registry.count == 0


async def wait_until_final(
    engine: AsyncEngine,
    prefix: str,
    total: int,
    *,
    seconds: float,
    workers: list[Any],
    processes: Processes,
    no_clock: bool = False,
) -> Counter[str]:
    deadline = time.monotonic() + seconds
    while True:
        counts = await states(engine, prefix)
        busy = sum(counts[s] for s in ("pending", "queued", "sending"))
        if busy == 0 and sum(counts.values()) == total:
            return counts
        if no_clock and counts["sending"] == 0 and rq_idle(REDIS_URL):
            return counts
        for process in workers:
            if process.poll() is not None:
                raise RuntimeError(f"a worker died:\n{processes.stderr_tail(process)}")
        if time.monotonic() > deadline:
            print(f"  timed out after {seconds:.0f} s with {dict(counts)}", flush=True)
            return counts
        await asyncio.sleep(0.5)


# --- the figures ---------------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Result:
    name: str
    pushes: int
    posts: int
    rate: float
    busiest_second: int
    rejected_429: int
    lost: int
    doubles: int
    cpu_ms_per_message: float
    machine_ms_per_message: float
    seconds: float
    recovered: int = 0
    other_cores: float = 0.0
    other_seconds: float = 0.0
    parts_ms: dict[str, float] = field(default_factory=dict)  # CPU per message by part of the road


def figures(
    name: str, server: FakeSlackServer, pushes: int, counts: Counter[str], cpu: float, machine: float
) -> Result:
    posts: list[SlackCall] = [c for c in server.calls_to("chat.postMessage") if c.ok]
    times = sorted(c.at for c in posts)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    busiest, lo = 0, 0
    for hi, at in enumerate(times):
        while times[lo] <= at - 1.0:
            lo += 1
        busiest = max(busiest, hi - lo + 1)
    per_channel = Counter(c.body.get("channel") for c in posts)
    return Result(
        name=name,
        pushes=pushes,
        posts=len(posts),
        rate=(len(times) - 1) / span if span > 0 else 0.0,
        busiest_second=busiest,
        rejected_429=server.rate_limited,
        lost=pushes - counts["sent"],
        doubles=sum(n - 1 for n in per_channel.values()),
        cpu_ms_per_message=cpu * 1000 / max(len(posts), 1),
        machine_ms_per_message=machine * 1000 / max(len(posts), 1),
        seconds=span,
    )


# --- the two runs ---------------------------------------------------------------------------------------------------


def settings_for(database_url: str, server: FakeSlackServer, rate: float) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        redis_url=REDIS_URL,
        slack_bot_token=TOKEN,
        slack_api_url=server.base_url,
        push_rate_per_second={"slack": rate},
    )


async def road(
    database_url: str,
    pushes: int,
    workers: int,
    limit: int,
    seconds: float,
    *,
    code: Path = REPO,
    name: str = "maeum road",
    prefix: str = "R",
) -> Result:
    """maeum's road: outbox → clock → RQ → `maeum worker`s (from `code`) → Slack, paced at 0.97 × limit."""
    rate = PACE_SHARE * limit if limit else UNPACED
    processes = Processes()
    with FakeSlackServer(token=TOKEN, rate_limit_per_second=limit or None) as server:
        settings = settings_for(database_url, server, rate)
        app = bootstrap(settings, engine=create_app_engine(database_url))
        engine = app.engine
        assert engine is not None
        try:
            started = time.monotonic()
            await seed(app, pushes, prefix=prefix)
            print(f"  seeded {pushes} users and pushes in {time.monotonic() - started:.1f} s", flush=True)
            env = environment(settings, rate, code)
            procs = [
                processes.start(
                    [sys.executable, "-m", "bots.cli", "worker", "--name", f"bench-{prefix}-{i}"], env, cwd=code
                )
                for i in range(workers)
            ]
            wait_for_workers(REDIS_URL, processes, procs)
            cpu_before, machine_before = sum(cpu_seconds(p.pid) for p in procs), machine_busy_seconds()
            parts_before = cpu_by_part([p.pid for p in procs])
            stop = asyncio.Event()
            service = app.outbox_relay(holder="bench-clock", queue_grace=timedelta(seconds=10))
            recovered = RecoveryCounter()
            logging.getLogger("core.usecases.clock").addHandler(recovered)
            clock = asyncio.create_task(run_clock(service, stop=stop, tick_seconds=0.1))
            try:
                with ForeignLoad() as other, collector_paused():
                    counts = await wait_until_final(
                        engine, prefix, pushes, seconds=seconds, workers=procs, processes=processes
                    )
                cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
                machine = machine_busy_seconds() - machine_before
                parts_after = cpu_by_part([p.pid for p in procs])
            finally:
                stop.set()
                await clock
                logging.getLogger("core.usecases.clock").removeHandler(recovered)
        finally:
            processes.close()
            await app.aclose()
        result = figures(name, server, pushes, counts, cpu, machine)
        result.recovered = recovered.rows
        result.other_cores = other.cores
        result.other_seconds = other.seconds
        result.parts_ms = {
            part: (parts_after[part] - parts_before[part]) * 1000 / max(result.posts, 1) for part in parts_after
        }
        shown = ", ".join(f"{part} {ms:.2f}" for part, ms in result.parts_ms.items())
        print(f"  CPU ms per message by part: {shown}", flush=True)
        print(f"  other processes meanwhile: {other.describe()}", flush=True)
        return result


async def naive(database_url: str, pushes: int, workers: int, limit: int, seconds: float) -> Result:
    """One RQ job per row, RQ's forking Worker, no clock, pacing lifted."""
    from redis import Redis
    from rq import Queue

    processes = Processes()
    with FakeSlackServer(token=TOKEN, rate_limit_per_second=limit or None) as server:
        settings = settings_for(database_url, server, UNPACED)
        app = bootstrap(settings, engine=create_app_engine(database_url))
        engine = app.engine
        assert engine is not None
        connection = Redis.from_url(REDIS_URL)
        try:
            ids = await seed(app, pushes, prefix="N")
            env = environment(settings, UNPACED)
            procs = [
                processes.start([sys.executable, "-c", FORKING_WORKER, REDIS_URL, QUEUE, f"bench-naive-{i}"], env)
                for i in range(workers)
            ]
            wait_for_workers(REDIS_URL, processes, procs)
            cpu_before, machine_before = sum(cpu_seconds(p.pid) for p in procs), machine_busy_seconds()
            queue = Queue(QUEUE, connection=connection)
            with ForeignLoad() as other, collector_paused():
                for start in range(0, len(ids), 500):
                    queue.enqueue_many(
                        [
                            Queue.prepare_data("jobs.delivery.deliver_batch", args=([push_id],), result_ttl=60)
                            for push_id in ids[start : start + 500]
                        ]
                    )
                counts = await wait_until_final(
                    engine, "N", pushes, seconds=seconds, workers=procs, processes=processes, no_clock=True
                )
            cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
            machine = machine_busy_seconds() - machine_before
        finally:
            processes.close()
            connection.close()
            await app.aclose()
        result = figures("naive: 1 job per push, forking Worker", server, pushes, counts, cpu, machine)
        result.other_cores = other.cores
        print(f"  other processes meanwhile: {other.describe()}", flush=True)
        if result.lost:
            print(f"  naive: rows left {dict(counts)} (a 429 sends a row back to `pending`; no clock here)")
        return result


def table(results: list[Result], limit: int) -> None:
    shown = f"{limit}/s" if limit else "none"
    print(f"\nfake Slack limit: {shown}; maeum pace: {PACE_SHARE * limit:.1f}/s" if limit else "\nno limit, no pacing")
    header = (
        "",
        "pushes",
        "posted",
        "msg/s",
        "÷ limit",
        "busiest 1 s",
        "429s",
        "lost",
        "doubles",
        "recovered",
        "worker CPU ms/msg",
        "machine CPU ms/msg",
        "less other load",
        "other load",
    )
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                str(r.pushes),
                str(r.posts),
                f"{r.rate:.1f}",
                f"{r.rate / limit:.3f}" if limit else "-",
                str(r.busiest_second),
                str(r.rejected_429),
                str(r.lost),
                str(r.doubles),
                str(r.recovered),
                f"{r.cpu_ms_per_message:.2f}",
                f"{r.machine_ms_per_message:.2f}",
                f"{r.machine_ms_per_message - r.other_seconds * 1000 / max(r.posts, 1):.2f}",
                f"{r.other_cores:.2f} cores",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


async def run(args: argparse.Namespace) -> None:
    print(
        f"machine: {platform.machine()} · {os.cpu_count()} cores · {platform.processor() or 'cpu'} · "
        f"Python {platform.python_version()}"
    )
    print(
        f"pushes: {args.pushes} (baseline {args.baseline_pushes}); workers: {args.workers}; "
        f"limit: {args.limit or 'none'}/s; PostgreSQL + Redis on 127.0.0.1",
        flush=True,
    )
    results = []
    with private_schema() as url, private_redis(REDIS_URL):
        seconds = args.timeout or (args.pushes / (args.limit or 100) * 1.5 + 60)
        print("maeum road …", flush=True)
        results.append(await road(url, args.pushes, args.workers, args.limit, seconds))
        if args.before:
            with private_redis(REDIS_URL):
                print(f"the road before: workers of {args.before} …", flush=True)
                before_seconds = args.timeout or (args.before_pushes / (args.limit or 50) * 1.5 + 60)
                results.append(
                    await road(
                        url,
                        args.before_pushes,
                        args.workers,
                        args.limit,
                        before_seconds,
                        code=args.before,
                        name=f"before: {args.before}",
                        prefix="P",
                    )
                )
        if args.baseline_pushes:
            with private_redis(REDIS_URL):
                print("naive baseline …", flush=True)
                seconds = args.timeout or (args.baseline_pushes / 2.5 + 60)
                results.append(await naive(url, args.baseline_pushes, args.workers, args.limit, seconds))
    table(results, args.limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="fake Slack posts/s; 0 = no limit")
    parser.add_argument(
        "--baseline-pushes", type=int, default=200, help="0 skips the baseline (~5 msg/s: 200 take 40 s)"
    )
    parser.add_argument("--timeout", type=float, default=0, help="seconds per run (default: from the sizes)")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also run the road with workers from this checkout (git worktree add --detach PATH COMMIT)",
    )
    parser.add_argument("--before-pushes", type=int, default=3000, help="pushes for the --before run")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: subprocesses, schema
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
