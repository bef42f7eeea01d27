"""Commands that need no model, through the real dispatcher, from many people at once, on PostgreSQL.

`--users` people (50), in one process and one event loop, send commands through `App.dispatcher.handle` — what every
platform adapter calls — with a responder that only keeps the reply. The commands cycle through /points,
/remind list, /help, /quiet and /lang ko (a settings write), so reads and writes both count. Two measurements:

  - capacity: every person sends `--messages` commands back to back (the next as soon as the reply is in), all at
    once: messages per second over the whole run, and the process's CPU and SQL statements per message (counted
    with SQLAlchemy's `before_cursor_execute`) and transactions (each a BEGIN and a COMMIT or ROLLBACK on top);
  - latency at a rate: the same people send `--rates` messages a second between them (each at rate/users, evenly
    spaced, their first messages spread over one interval), for `--seconds`: p50, p99 and max from `handle` being
    called to its return. A message due while the previous one of that person is still being answered waits for it
    (as a chat does), and that wait counts.

Baseline in the same run: `--before PATH` runs the same measurements in a child process on another checkout of the
code (e.g. `git worktree add --detach /tmp/maeum-before <commit>`), against the same schema and users.

Each run uses its own PostgreSQL schema in the `test` database (created, migrated, dropped). No Redis: metrics and
locks in-process (Redis adds one round trip per message for the `messages_in` counter).

Usage: .venv/bin/python bench/throughput.py [--users 50] [--messages 40] [--rates 100,300] [--seconds 10]
       [--before PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("MAEUM_BENCH_CODE") or str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from bench.machinery import ForeignLoad, private_schema
from core.bootstrap import bootstrap
from core.domain.values import ChatKind
from core.inbound import ChatRef, IncomingMessage, Sender
from core.replies import Reply
from core.settings import Settings
from tests.fakes import RecordingResponder

COMMANDS = ("/points", "/remind list", "/help", "/quiet", "/lang ko")


@dataclass(kw_only=True)
class Result:
    name: str
    messages: int
    seconds: float
    cpu: float
    statements: int
    transactions: int
    latencies: dict[str, list[float]]  # offered rate → seconds from due to answered
    other_cores: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    def quantile(self, rate: str, q: float) -> float:
        ordered = sorted(self.latencies[rate])
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def message(user: int, text: str) -> IncomingMessage:
    name = f"tp{user:03d}"
    return IncomingMessage(
        platform="terminal",
        chat=ChatRef(id=f"dm:{name}", kind=ChatKind.DIRECT),
        sender=Sender(external_id=name, name=name),
        text=text,
    )


class QuietResponder(RecordingResponder):
    """Keeps only the count: the benchmark measures the road, not a growing list."""

    async def send(self, reply: Reply) -> Any:
        self.messages.clear()
        return await super().send(reply)


async def measure(name: str, url: str, args: argparse.Namespace) -> Result:
    settings = Settings(_env_file=None, database_url=url)
    app = bootstrap(settings)
    assert app.engine is not None
    statements = 0
    transactions = 0

    @event.listens_for(app.engine.sync_engine, "before_cursor_execute")
    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    @event.listens_for(app.engine.sync_engine, "begin")
    def began(connection: Any) -> None:  # a BEGIN and a COMMIT or ROLLBACK: two round trips on PostgreSQL
        nonlocal transactions
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            transactions += 1

    try:
        for user in range(args.users):  # each person exists and has said something before
            await app.dispatcher.handle(message(user, "/start"), QuietResponder())

        async def back_to_back(user: int) -> None:
            for n in range(args.messages):
                await app.dispatcher.handle(message(user, COMMANDS[(user + n) % len(COMMANDS)]), QuietResponder())

        statements = transactions = 0
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        with ForeignLoad() as other:
            started = time.perf_counter()
            await asyncio.gather(*(back_to_back(user) for user in range(args.users)))
            seconds = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        measured_statements, measured_transactions = statements, transactions

        latencies: dict[str, list[float]] = {}
        other_cores = other.cores
        for rate in args.rates:
            latencies[f"{rate:g}"] = await at_rate(app, args, rate)
        return Result(
            name=name,
            messages=args.users * args.messages,
            seconds=seconds,
            cpu=cpu,
            statements=measured_statements,
            transactions=measured_transactions,
            latencies=latencies,
            other_cores=other_cores,
        )
    finally:
        await app.aclose()


async def at_rate(app: Any, args: argparse.Namespace, rate: float) -> list[float]:
    """Every person sends at rate/users a second for `--seconds`; the latency of each message from when it was due."""
    latencies: list[float] = []
    interval = args.users / rate  # each person's spacing
    begin = time.perf_counter() + 0.2

    async def paced(user: int) -> None:
        due = begin + interval * user / args.users
        n = 0
        while due < begin + args.seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            text = COMMANDS[(user + n) % len(COMMANDS)]
            await app.dispatcher.handle(message(user, text), QuietResponder())
            latencies.append(time.perf_counter() - due)  # from when it was due: a queue behind counts
            due += interval
            n += 1

    await asyncio.gather(*(paced(user) for user in range(args.users)))
    return latencies


def table(results: list[Result]) -> None:
    header = (
        "",
        "capacity msg/s",
        "CPU ms/msg",
        "statements/msg",
        "transactions/msg",
        "offered",
        "p50",
        "p99",
        "max",
        "other load",
    )
    rows = [header]
    for r in results:
        for n, (rate, latencies) in enumerate(r.latencies.items()):
            first = n == 0
            rows.append(
                (
                    r.name if first else "",
                    f"{r.rate:.0f}" if first else "",
                    f"{r.cpu * 1000 / r.messages:.2f}" if first else "",
                    f"{r.statements / r.messages:.2f}" if first else "",
                    f"{r.transactions / r.messages:.2f}" if first else "",
                    f"{rate}/s",
                    f"{r.quantile(rate, 0.5):.1f} ms",
                    f"{r.quantile(rate, 0.99):.1f} ms",
                    f"{max(latencies, default=0) * 1000:.1f} ms",
                    f"{r.other_cores:.2f} cores" if first else "",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


def before(path: str, url: str, args: argparse.Namespace) -> Result:
    """The same measurements on another checkout, in a child process (its own imports)."""
    env = {**os.environ, "MAEUM_BENCH_CODE": path, "PYTHONPATH": path}
    command = [sys.executable, __file__, "--child", url, "--users", str(args.users), "--messages", str(args.messages)]
    command += ["--rates", ",".join(f"{rate:g}" for rate in args.rates), "--seconds", str(args.seconds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=path)
    return Result(**json.loads(done.stdout.strip().splitlines()[-1]))


async def run(args: argparse.Namespace) -> None:
    if args.child:
        result = await measure("before", args.child, args)
        print(json.dumps(asdict(result)))
        return
    print(
        f"machine: {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{args.users} people; capacity: {args.messages} commands each back to back; latency at "
        f"{', '.join(f'{rate:g}/s' for rate in args.rates)} for {args.seconds:g} s each; PostgreSQL on 127.0.0.1",
        flush=True,
    )
    results = []
    with private_schema() as url:
        print("maeum …", flush=True)
        results.append(await measure("maeum", url, args))
        if args.before:
            print(f"before ({args.before}) …", flush=True)
            results.append(before(args.before, url, args))
            results[-1].name = f"before: {args.before}"
    table(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=40, help="commands per person, back to back (capacity)")
    parser.add_argument(
        "--rates",
        type=lambda raw: [float(rate) for rate in raw.split(",")],
        default=[100.0, 300.0],
        help="messages a second offered, each for --seconds (latency)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the offered rate runs")
    parser.add_argument("--before", default=None, help="a checkout of other code to measure beside this one")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
