"""Ops alert latency: from `logger.error(...)` in a process to the alert's arrival at the ops Slack channel.

Two paths, each installed exactly as a maeum process installs it (`jobs.alerts.install_alert_handler(settings,
component="bench")` on the root logger), posting to a local fake Slack Web API (`tests/servers/slack_api.py`)
with a bot token and OPS_SLACK_CHANNEL:

  - with Redis: the RedisAlertSink groups the event in Redis, adds it to the list of alerts waiting (oldest first)
    and enqueues a `jobs.alerts.post_alerts` job on the ops queue, run by `--workers` `maeum worker` subprocesses
    (one posts at a time: the first alert at once, what arrives while the channel's next second is awaited as one
    digest);
  - without Redis: the InProcessAlertSink posts from a background thread of this process.

Each path gets 20 distinct errors (`--errors`; distinct logger names, so distinct fingerprints) 200 ms apart
(`--spacing 0.2`). Latency = the post's arrival at the fake server (its `time.monotonic()` stamp, same process)
− the moment `logger.error` was called. Also shown: the time spent inside `logger.error` itself (what the
erroring code pays), and the same paths with the errors `--paced-spacing 1.2` s apart — slower than the ops
channel's pace of one post a second — which isolates the path's own latency from the wait for the pace.
Goal: ≤ 2 s. Before measuring, one warm-up alert per path (the worker's first job imports slack_sdk and aiohttp);
its latency is reported as "cold".

Uses its own PostgreSQL schema in the `test` database (DATABASE_URL for the worker; the alert path itself does not
touch the database) and Redis database 14 (FLUSHDB before and after).

Baseline in the same run: `--before PATH` runs the Redis path once more with another checkout of the code (e.g.
`git worktree add --detach /tmp/maeum-before <commit>`): its workers, and its alert handler in a child process that
logs the errors (monotonic time is the machine's, so the latencies are comparable).

Usage: .venv/bin/python bench/alert_latency.py [--errors 20] [--spacing 0.2] [--paced-spacing 1.2] [--workers 1]
       [--before PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("MAEUM_BENCH_CODE") or str(Path(__file__).resolve().parents[1]))


from bench.machinery import REPO, ForeignLoad, Processes, private_redis, private_schema, wait_for_workers
from core.settings import Settings
from jobs.alerts import install_alert_handler
from tests.servers.slack_api import FakeSlackServer

REDIS_URL = "redis://127.0.0.1:6379/14"
TOKEN = "xoxb-bench"
OPS_CHANNEL = "C0OPS"
QUEUE = "maeum"
GOAL_SECONDS = 2.0
LOGGER_IN_POST = re.compile(r"`(bench\.alerts\.[a-z0-9_.]+)`")


# --- the machinery: a private schema, a private Redis database, subprocesses that always die --------------------


def environment(settings: Settings) -> dict[str, str]:
    drop = ("DATABASE_URL", "REDIS_URL", "SLACK_", "PUSH_", "OPS_", "LLM_", "MAEUM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        PYTHONPATH=str(REPO),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url or "",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=settings.slack_api_url,
        OPS_SLACK_CHANNEL=OPS_CHANNEL,
    )
    return env


# --- emitting and timing -------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Series:
    name: str
    spacing: float
    latencies: list[float]  # seconds, one per error posted
    emit_costs: list[float]  # seconds spent inside logger.error
    errors: int
    other_cores: float = 0.0

    @property
    def missing(self) -> int:
        return self.errors - len(self.latencies)


def arrivals(server: FakeSlackServer) -> dict[str, float]:
    """Logger name → when its alert reached the ops channel (the first post naming it, alone or in a digest)."""
    found: dict[str, float] = {}
    for call in server.calls_to("chat.postMessage"):
        if not call.ok or call.body.get("channel") != OPS_CHANNEL:
            continue
        for match in LOGGER_IN_POST.finditer(str(call.body.get("text", ""))):  # a digest names several
            found.setdefault(match.group(1), call.at)
    return found


def emit(name: str) -> tuple[float, float]:
    """One ERROR record from logger `name`; returns (when it was called, how long the call took)."""
    logger = logging.getLogger(name)
    started = time.monotonic()
    logger.error("bench failure in step %s", 7)
    return started, time.monotonic() - started


def wait_for(server: FakeSlackServer, names: list[str], seconds: float) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    while True:
        found = arrivals(server)
        if all(n in found for n in names) or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def series(server: FakeSlackServer, *, name: str, tag: str, errors: int, spacing: float) -> Series:
    names = [f"bench.alerts.{tag}.e{i:02d}" for i in range(errors)]
    emitted: dict[str, float] = {}
    costs = []
    with ForeignLoad() as other:
        for i, logger_name in enumerate(names):
            if i:
                time.sleep(max(0.0, emitted[names[0]] + i * spacing - time.monotonic()))
            emitted[logger_name], cost = emit(logger_name)
            costs.append(cost)
        found = wait_for(server, names, seconds=errors * 1.5 + 30)
    latencies = [found[n] - emitted[n] for n in names if n in found]
    return Series(
        name=name, spacing=spacing, latencies=latencies, emit_costs=costs, errors=errors, other_cores=other.cores
    )


def cold(server: FakeSlackServer, tag: str) -> float:
    """The first alert of a path (a fresh worker imports slack_sdk and aiohttp on its first job); then wait out the
    channel's pace so the measured series starts with a free slot."""
    logger_name = f"bench.alerts.{tag}.warmup"
    at, _ = emit(logger_name)
    found = wait_for(server, [logger_name], seconds=60)
    if logger_name not in found:
        raise RuntimeError(f"the warm-up alert of {tag} never arrived")
    time.sleep(1.2)
    return found[logger_name] - at


def path(
    name: str, tag: str, settings: Settings, server: FakeSlackServer, args: argparse.Namespace
) -> tuple[float, list[Series]]:
    handler = install_alert_handler(settings, component="bench")
    if handler is None:
        raise RuntimeError("no ops channel configured")
    try:
        results = []
        first = cold(server, tag)
        results.append(series(server, name=name, tag=f"{tag}.burst", errors=args.errors, spacing=args.spacing))
        if args.paced_spacing:
            time.sleep(1.2)
            results.append(
                series(server, name=name, tag=f"{tag}.spaced", errors=args.errors, spacing=args.paced_spacing)
            )
        return first, results
    finally:
        logging.getLogger().removeHandler(handler)


# --- the run ---------------------------------------------------------------------------------------------------------


def table(rows_in: list[tuple[float, Series]]) -> None:
    header = (
        "path",
        "spacing",
        "alerts",
        "cold",
        "p50",
        "max",
        f"≤ {GOAL_SECONDS:g} s",
        "in logger.error (p50/max)",
        "other load",
    )
    rows = [header]
    for first, s in rows_in:
        ms = sorted(x * 1000 for x in s.latencies)
        costs = sorted(x * 1000 for x in s.emit_costs)
        within = sum(1 for x in s.latencies if x <= GOAL_SECONDS)
        rows.append(
            (
                s.name,
                f"{s.spacing * 1000:.0f} ms",
                f"{len(ms)}/{s.errors}",
                f"{first * 1000:.0f} ms",
                f"{statistics.median(ms):.0f} ms" if ms else "-",
                f"{ms[-1]:.0f} ms" if ms else "-",
                f"{within}/{s.errors}",
                f"{statistics.median(costs):.2f} / {costs[-1]:.2f} ms",
                f"{s.other_cores:.2f} cores",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


def child_emit(args: argparse.Namespace) -> None:
    """In a child process on another checkout: that code's alert handler (settings from the environment), one
    warm-up error, a pause for it to be posted, then the series; prints when each was logged."""
    from bots.cli import assemble_jobs
    from core.settings import load_settings

    assemble_jobs()
    handler = install_alert_handler(load_settings(), component="bench")
    assert handler is not None
    warm_at, _ = emit(f"bench.alerts.{args.child_emit}.warmup")
    time.sleep(args.warm_wait)
    names = [f"bench.alerts.{args.child_emit}.burst.e{i:02d}" for i in range(args.errors)]
    emitted: dict[str, float] = {"warmup": warm_at}
    costs: dict[str, float] = {}
    first = time.monotonic()
    for i, logger_name in enumerate(names):
        time.sleep(max(0.0, first + i * args.spacing - time.monotonic()))
        emitted[logger_name], costs[logger_name] = emit(logger_name)
    print(json.dumps({"emitted": emitted, "costs": costs}))


def before_path(
    path: Path, settings: Settings, server: FakeSlackServer, args: argparse.Namespace
) -> tuple[float, Series]:
    """The Redis path of another checkout: its workers and, in a child process, its alert handler."""
    processes = Processes()
    try:
        env = {**environment(settings), "PYTHONPATH": str(path)}
        workers = [
            processes.start([sys.executable, "-m", "bots.cli", "worker", "--name", f"bench-before-{i}"], env, cwd=path)
            for i in range(args.workers)
        ]
        wait_for_workers(REDIS_URL, processes, workers)
        command = [sys.executable, __file__, "--child-emit", "before", "--errors", str(args.errors)]
        command += ["--spacing", str(args.spacing), "--warm-wait", "8"]
        with ForeignLoad() as other:
            done = subprocess.run(
                command,
                check=False,
                env={**env, "MAEUM_BENCH_CODE": str(path)},
                cwd=path,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise RuntimeError(f"the child emitter failed:\n{done.stderr[-3000:]}")
            report = json.loads(done.stdout.strip().splitlines()[-1])
            names = [n for n in report["emitted"] if n != "warmup"]
            found = wait_for(server, names, seconds=args.errors * 1.5 + 30)
        warm = arrivals(server).get("bench.alerts.before.warmup")
        latencies = [found[n] - report["emitted"][n] for n in names if n in found]
        series_ = Series(
            name=f"before: {path}, Redis + {args.workers} worker(s)",
            spacing=args.spacing,
            latencies=latencies,
            emit_costs=list(report["costs"].values()),
            errors=args.errors,
            other_cores=other.cores,
        )
        return (warm - report["emitted"]["warmup"]) if warm else float("nan"), series_
    finally:
        processes.close()


def run(args: argparse.Namespace) -> None:
    from bots.cli import assemble_jobs

    assemble_jobs()  # what every `maeum` process does: the alert paths reach Slack through its poster
    print(
        f"machine: {platform.machine()} · {os.cpu_count()} cores · {platform.processor() or 'cpu'} · "
        f"Python {platform.python_version()}"
    )
    print(
        f"{args.errors} distinct errors per series, {args.spacing * 1000:.0f} ms apart"
        + (f" (and {args.paced_spacing * 1000:.0f} ms apart)" if args.paced_spacing else "")
        + "; Redis on 127.0.0.1",
        flush=True,
    )
    rows: list[tuple[float, Series]] = []
    processes = Processes()
    with private_schema() as url, private_redis(REDIS_URL), FakeSlackServer(token=TOKEN) as server:
        base: dict[str, Any] = {
            "_env_file": None,
            "database_url": url,
            "slack_bot_token": TOKEN,
            "slack_api_url": server.base_url,
            "ops_slack_channel": OPS_CHANNEL,
        }
        try:
            print(f"with Redis: RedisAlertSink → RQ → {args.workers} `maeum worker` …", flush=True)
            with_redis = Settings(**base, redis_url=REDIS_URL)
            workers = [
                processes.start(
                    [sys.executable, "-m", "bots.cli", "worker", "--name", f"bench-alerts-{i}"], environment(with_redis)
                )
                for i in range(args.workers)
            ]
            wait_for_workers(REDIS_URL, processes, workers)
            label = "Redis + worker" if args.workers == 1 else f"Redis + {args.workers} workers"
            first, measured = path(label, "redis", with_redis, server, args)
            rows.extend((first, s) for s in measured)
            for worker in workers:
                if worker.poll() is not None:
                    raise RuntimeError(f"a worker died:\n{processes.stderr_tail(worker)}")
            failed = sum(
                processes.stderr_tail(worker, size=1_000_000).count("could not be posted") for worker in workers
            )
            if failed:
                print(f"  the workers logged {failed} failed post(s); their alerts waited for the next try", flush=True)
        finally:
            processes.close()
        if args.before:
            with private_redis(REDIS_URL):
                print(f"before: {args.before}, Redis + {args.workers} worker(s) …", flush=True)
                rows.append(before_path(args.before, Settings(**base, redis_url=REDIS_URL), server, args))
        print("without Redis: InProcessAlertSink (a thread of this process) …", flush=True)
        first, measured = path("in-process thread", "thread", Settings(**base), server, args)
        rows.extend((first, s) for s in measured)
    table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", type=int, default=20, help="distinct errors per series")
    parser.add_argument("--workers", type=int, default=1, help="`maeum worker`s running the alert jobs")
    parser.add_argument("--spacing", type=float, default=0.2, help="seconds between errors")
    parser.add_argument("--paced-spacing", type=float, default=1.2, help="a second series this far apart (0 skips it)")
    parser.add_argument("--before", type=Path, default=None, help="also run the Redis path of this checkout")
    parser.add_argument("--child-emit", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--warm-wait", type=float, default=8.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_emit:
        child_emit(args)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: the worker, schema, Redis
    run(args)


if __name__ == "__main__":
    main()
