"""The point ledger on PostgreSQL: keyset vs OFFSET paging of a heavy user's log, and spend throughput.

In a fresh schema of the PostgreSQL `test` database (created, migrated with Alembic, dropped afterwards), bulk
loads `--rows` ledger rows (1,000,000 by default) for `--users` users (10,000) with one INSERT … SELECT over
generate_series: user 1 is the heavy user with `--heavy-rows` of them (60,000, so page 1,000 of 50 exists), the
rest are spread over the others, interleaved in id order as they would be over time. Every user's rows follow
+10, +10, −20, so `balance_after` is the running sum and `point_balances` is the ledger's sum per user.

Measured, median of `--repeats` (after a warm-up round; rounds go over every page, keyset then OFFSET):
  - keyset: `SqlAlchemyPoints.log(user, before_id=<last id of page N-1>, limit=50)`, what the /points "more"
    button does (goal: flat in page depth);
  - OFFSET, the baseline: `… WHERE user_id = :u ORDER BY id DESC OFFSET (N-1)*50 LIMIT 50` through the same
    session (goal: keyset ≥ 10× faster at page 1,000);
    both return the same 50 entries (checked);
  - spend throughput: `--spenders` (16) coroutines, each spending 20 points at a time in its own unit of work
    (one transaction per spend, as the counseling use case does), over a 16-connection pool, first each on
    its own user, then all on one user (every spend queues on the same balance row); afterwards every balance
    must be 0, one more spend must be refused, and every ledger row's `balance_after` must be the running sum.

Usage: .venv/bin/python bench/point_log.py [--users 10000] [--rows 1000000] [--heavy-rows 60000]
       [--pages 1,10,100,1000] [--repeats 21] [--spenders 16] [--spends 3200]
Smoke run: .venv/bin/python bench/point_log.py --users 100 --rows 20000 --heavy-rows 5000 --spends 320 --repeats 3
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.machinery import POSTGRES_URL, ForeignLoad, private_schema
from core.adapters.db.engine import async_url, create_sync_engine, session_factory
from core.adapters.db.models import PointBalanceRow, PointLedgerRow
from core.adapters.db.points import SqlAlchemyPoints, point_entry
from core.domain.values import UserId
from core.products.points.domain import PointEntry

PAGE = 50
HEAVY = UserId(1)
COST = 20
NOW = "timestamptz '2026-01-01 00:00+00'"
LEDGER = PointLedgerRow.__table__

LOAD = [
    f"""INSERT INTO users (id, locale, timezone, created_at)
        SELECT u, 'ko', 'Asia/Seoul', {NOW} FROM generate_series(1, CAST(:users AS integer)) u""",
    "SELECT setval(pg_get_serial_sequence('users', 'id'), CAST(:users AS integer))",
    # row g goes to the heavy user when floor(g·heavy/rows) steps (exactly `heavy` of them, evenly spread),
    # otherwise round-robin to users 2..users; n numbers each user's rows: +10, +10, −20 → 10, 20, 0
    f"""INSERT INTO point_ledger (id, user_id, delta, reason, ref, balance_after, created_at)
        SELECT g, user_id,
               CASE WHEN n % 3 = 0 THEN -20 ELSE 10 END,
               CASE WHEN n % 3 = 0 THEN 'spend.worry' ELSE 'diary.first_of_day' END,
               'r' || n,
               CASE n % 3 WHEN 1 THEN 10 WHEN 2 THEN 20 ELSE 0 END,
               {NOW} + g * interval '1 second'
        FROM (
            SELECT g, user_id, row_number() OVER (PARTITION BY user_id ORDER BY g) AS n
            FROM (
                SELECT g, CASE WHEN g * CAST(:heavy AS bigint) / CAST(:rows AS bigint)
                                    <> (g - 1) * CAST(:heavy AS bigint) / CAST(:rows AS bigint) THEN 1
                               ELSE 2 + g % (CAST(:users AS bigint) - 1) END AS user_id
                FROM generate_series(CAST(1 AS bigint), CAST(:rows AS bigint)) g
            ) spread
        ) numbered
        ORDER BY g""",  # heap order = id order, as appends over time leave it: a user's rows are scattered
    "SELECT setval(pg_get_serial_sequence('point_ledger', 'id'), CAST(:rows AS bigint))",
    "INSERT INTO point_balances (user_id, balance) SELECT user_id, sum(delta) FROM point_ledger GROUP BY user_id",
]

# every ledger row whose balance_after is not the running sum of its user's ledger
DRIFT = """SELECT count(*) FROM (
    SELECT balance_after, sum(delta) OVER (PARTITION BY user_id ORDER BY id) AS running
    FROM point_ledger WHERE user_id >= :first) checked
    WHERE balance_after <> running"""


def load(url: str, *, users: int, rows: int, heavy: int) -> float:
    started = time.monotonic()
    engine = create_sync_engine(url)
    with engine.begin() as conn:
        for statement in LOAD:
            conn.execute(text(statement), {"users": users, "rows": rows, "heavy": heavy})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE users, point_ledger, point_balances"))
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM point_ledger")) == rows
        assert conn.scalar(text("SELECT count(*) FROM point_ledger WHERE user_id = 1")) == heavy
        assert conn.scalar(text(DRIFT), {"first": 1}) == 0
    engine.dispose()
    return time.monotonic() - started


entry = point_entry  # as SqlAlchemyPoints builds them, so the baseline does the same work per row


async def keyset_page(session: AsyncSession, cursor: int | None) -> tuple[float, list[PointEntry]]:
    started = time.perf_counter()
    page = await SqlAlchemyPoints(session).log(HEAVY, before_id=cursor, limit=PAGE)
    return time.perf_counter() - started, page


async def offset_page(session: AsyncSession, number: int) -> tuple[float, list[PointEntry]]:
    started = time.perf_counter()  # building the statement counts, as it does inside log()
    query = (
        select(LEDGER)
        .where(LEDGER.c.user_id == HEAVY)
        .order_by(LEDGER.c.id.desc())
        .offset((number - 1) * PAGE)
        .limit(PAGE)
    )
    page = [entry(row) for row in await session.execute(query)]
    return time.perf_counter() - started, page


@dataclass
class PageTiming:
    page: int
    keyset: float
    offset: float
    keyset_server: float
    offset_server: float
    keyset_plan: str
    offset_plan: str


def plan_chain(node: dict[str, Any]) -> str:
    """`Limit ← Sort ← Bitmap Heap Scan ← …` down the first child, with the index used."""
    name: str = node["Node Type"] + (" Backward" if node.get("Scan Direction") == "Backward" else "")
    if "Index Name" in node:
        name += f" ({node['Index Name']})"
    children = node.get("Plans", [])
    return name + (f" ← {plan_chain(children[0])}" if children else "")


async def server_time(session: AsyncSession, sql: str, repeats: int) -> tuple[float, str]:
    """PostgreSQL's own execution time (EXPLAIN ANALYZE, median) and plan: the query without the round trip."""
    times, chain = [], ""
    for _ in range(repeats):
        explained = await session.scalar(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))
        times.append(explained[0]["Execution Time"] / 1000)
        chain = plan_chain(explained[0]["Plan"])
    return statistics.median(times), chain


async def time_pages(sessions: async_sessionmaker[AsyncSession], pages: list[int], repeats: int) -> list[PageTiming]:
    """Round-robin over the pages (keyset then OFFSET for each), so a burst of other load hits every depth alike."""
    cursors: dict[int, int | None] = {}
    async with sessions() as session:
        for number in pages:  # the last id of page N-1: what the "more" button under page N-1 carries
            cursors[number] = None
            if number > 1:
                cursors[number] = await session.scalar(
                    select(LEDGER.c.id)
                    .where(LEDGER.c.user_id == HEAVY)
                    .order_by(LEDGER.c.id.desc())
                    .offset((number - 1) * PAGE - 1)
                    .limit(1)
                )
    keyset: dict[int, list[float]] = {number: [] for number in pages}
    offset: dict[int, list[float]] = {number: [] for number in pages}
    for attempt in range(repeats + 1):  # the first round is a warm-up
        for number in pages:
            async with sessions() as session:
                took_k, by_keyset = await keyset_page(session, cursors[number])
            async with sessions() as session:
                took_o, by_offset = await offset_page(session, number)
            assert by_keyset == by_offset, f"page {number}: keyset and offset disagree"
            assert len(by_keyset) == PAGE, f"page {number} is short"
            if attempt:
                keyset[number].append(took_k)
                offset[number].append(took_o)
    results = []
    by_user = f"SELECT * FROM point_ledger WHERE user_id = {int(HEAVY)}"  # integers only
    for number in pages:
        cursor = cursors[number]
        async with sessions() as session:
            keyset_server, keyset_plan = await server_time(
                session,
                f"{by_user}{f' AND id < {int(cursor)}' if cursor else ''} ORDER BY id DESC LIMIT {PAGE}",
                repeats,
            )
            offset_server, offset_plan = await server_time(
                session, f"{by_user} ORDER BY id DESC OFFSET {(number - 1) * PAGE} LIMIT {PAGE}", repeats
            )
        results.append(
            PageTiming(
                number,
                statistics.median(keyset[number]),
                statistics.median(offset[number]),
                keyset_server,
                offset_server,
                keyset_plan,
                offset_plan,
            )
        )
    return results


@dataclass
class SpendRun:
    label: str
    users: int
    attempted: int
    succeeded: int
    seconds: float
    balances: int
    ledger_sum: int
    refused_after: bool
    drift: int

    @property
    def rate(self) -> float:
        return self.succeeded / self.seconds


async def spend_run(
    sessions: async_sessionmaker[AsyncSession], *, label: str, first_user: int, users: int, spenders: int, spends: int
) -> SpendRun:
    """`spends` spends by `spenders` coroutines on `users` fresh users, funded for exactly all of them."""
    user_ids = [UserId(first_user + n) for n in range(users)]
    per_spender = spends // spenders
    attempted = per_spender * spenders
    async with sessions() as session:
        await session.execute(
            text(
                f"INSERT INTO users (id, locale, timezone, created_at) SELECT u, 'en', 'UTC', {NOW} FROM unnest(:ids) u"
            ),
            {"ids": user_ids},
        )
        points = SqlAlchemyPoints(session)
        for user in user_ids:
            grant = COST * attempted // users
            await points.earn(user, grant, reason="bench.grant", ref=label, now=datetime.now(UTC))
        await session.commit()

    async def spender(k: int) -> int:
        user = user_ids[k % users]
        done = 0
        for n in range(per_spender):
            async with sessions() as session:
                spent = await SqlAlchemyPoints(session).spend(
                    user, COST, reason="spend.bench", ref=f"{label}-{k}-{n}", now=datetime.now(UTC)
                )
                await session.commit()
            done += spent is not None
        return done

    started = time.perf_counter()
    succeeded = sum(await asyncio.gather(*(spender(k) for k in range(spenders))))
    seconds = time.perf_counter() - started

    async with sessions() as session:
        points = SqlAlchemyPoints(session)
        refused = all(
            [
                await points.spend(u, COST, reason="spend.bench", ref="one-more", now=datetime.now(UTC)) is None
                for u in user_ids
            ]
        )
        balances = await session.scalar(
            select(func.sum(PointBalanceRow.balance)).where(PointBalanceRow.user_id.in_(user_ids))
        )
        ledger_sum = await session.scalar(select(func.sum(LEDGER.c.delta)).where(LEDGER.c.user_id.in_(user_ids)))
        drift = await session.scalar(text(DRIFT), {"first": first_user})
    return SpendRun(label, users, attempted, succeeded, seconds, balances or 0, ledger_sum or 0, refused, drift or 0)


async def measure(url: str, args: argparse.Namespace, pages: list[int]) -> tuple[list[PageTiming], list[SpendRun]]:
    engine = create_async_engine(async_url(url), pool_size=args.spenders, max_overflow=0)
    sessions = session_factory(engine)
    try:
        timings = await time_pages(sessions, pages, args.repeats)

        async def touch() -> None:  # open the whole pool before timing spends
            async with sessions() as session:
                await session.execute(text("SELECT pg_sleep(0.05)"))

        await asyncio.gather(*(touch() for _ in range(args.spenders)))
        runs = [
            await spend_run(
                sessions,
                label=f"{args.spenders} spenders, 1 user each",
                first_user=args.users + 1,
                users=args.spenders,
                spenders=args.spenders,
                spends=args.spends,
            ),
            await spend_run(
                sessions,
                label=f"{args.spenders} spenders, 1 user for all",
                first_user=args.users + args.spenders + 1,
                users=1,
                spenders=args.spenders,
                spends=args.spends,
            ),
        ]
    finally:
        await engine.dispose()
    return timings, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--heavy-rows", type=int, default=60_000, help="ledger rows of the heavy user (user 1)")
    parser.add_argument("--pages", default="1,10,100,1000", help="page numbers (50 rows a page) to time")
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--spenders", type=int, default=16)
    parser.add_argument("--spends", type=int, default=3_200, help="spends per throughput run, over all spenders")
    args = parser.parse_args()
    if not 0 < args.heavy_rows < args.rows or args.users < 2:
        parser.error("need 0 < --heavy-rows < --rows and --users ≥ 2")
    last_page = args.heavy_rows // PAGE
    pages = [int(p) for p in args.pages.split(",") if int(p) <= last_page]
    skipped = [p for p in args.pages.split(",") if int(p) > last_page]

    with ForeignLoad() as foreign, private_schema() as url:
        loaded = load(url, users=args.users, rows=args.rows, heavy=args.heavy_rows)
        timings, runs = asyncio.run(measure(url, args, pages))

    server = POSTGRES_URL.rsplit("@", 1)[-1]
    print(f"machine: {platform.machine()} · Python {platform.python_version()} · PostgreSQL at {server}")
    print(
        f"loaded {args.rows:,} ledger rows for {args.users:,} users ({args.heavy_rows:,} for the heavy user) "
        f"in {loaded:.1f} s (with VACUUM ANALYZE); other processes meanwhile: {foreign.describe()}"
    )
    if skipped:
        print(f"pages skipped (the heavy user has {last_page} pages): {', '.join(skipped)}")
    print(f"\npage of {PAGE} from the heavy user's log, median of {args.repeats}:\n")
    print(
        "| page | keyset (`log(before_id=…)`) | OFFSET baseline | **offset ÷ keyset** "
        "| server: keyset | server: OFFSET |"
    )
    print("|---|---|---|---|---|---|")
    for t in timings:
        print(
            f"| {t.page:,} | {t.keyset * 1000:.2f} ms | {t.offset * 1000:.2f} ms | **{t.offset / t.keyset:.1f}×** "
            f"| {t.keyset_server * 1000:.3f} ms | {t.offset_server * 1000:.3f} ms |"
        )
    print("\nplans (EXPLAIN ANALYZE; server times above are its Execution Time, median of the same repeats):")
    for t in timings:
        print(f"- page {t.page:,}: keyset {t.keyset_plan}; OFFSET {t.offset_plan}")
    print(f"\nspends of {COST} points, one transaction each:\n")
    print(
        "| spenders | users | spends | succeeded | seconds | **spends/s** | balances | ledger sum | one more refused "
        "| drifted rows |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {args.spenders} | {r.users} | {r.attempted:,} | {r.succeeded:,} | {r.seconds:.2f} | **{r.rate:.0f}** | "
            f"{r.balances} | {r.ledger_sum} | {'yes' if r.refused_after else 'NO'} | {r.drift} |"
        )
    first, deepest = timings[0], timings[-1]
    consistent = all(
        r.succeeded == r.attempted and r.balances == r.ledger_sum == 0 and r.refused_after and not r.drift for r in runs
    )
    print(
        f"\ngoals: keyset flat in depth (page {deepest.page:,} ÷ page {first.page:,} = "
        f"{deepest.keyset / first.keyset:.2f}); offset ÷ keyset at page {deepest.page:,} = "
        f"{deepest.offset / deepest.keyset:.1f}× (goal ≥ 10×); ledger consistent: "
        f"{'yes' if consistent else 'NO'}"
    )


if __name__ == "__main__":
    main()
