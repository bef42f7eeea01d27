"""The point ledger on SQLite and PostgreSQL: awards never doubled, spends atomic, the log paged by keyset,
and the balance always the ledger's running sum."""

from __future__ import annotations

import asyncio
import itertools

from sqlalchemy import select

from core.adapters.db.models import PointBalanceRow, PointLedgerRow
from core.bootstrap import App
from core.domain.values import Locale, UserId
from core.products.points.domain import PointEntry
from tests.fakes import FixedClock


async def new_user(app: App, name: str = "u1") -> UserId:
    async with app.uow() as uow:
        user = await uow.users.create(
            platform="terminal",
            external_id=name,
            display_name=name,
            locale=Locale.KO,
            timezone="Asia/Seoul",
            now=app.clock.now(),
        )
        await uow.commit()
    return user.id


async def earn(app: App, user: UserId, amount: int, ref: str, reason: str = "diary.first_of_day") -> PointEntry | None:
    async with app.uow() as uow:
        entry = await uow.points.earn(user, amount, reason=reason, ref=ref, now=app.clock.now())
        await uow.commit()
    return entry


async def spend(app: App, user: UserId, amount: int, ref: str, reason: str = "spend.worry") -> PointEntry | None:
    async with app.uow() as uow:
        entry = await uow.points.spend(user, amount, reason=reason, ref=ref, now=app.clock.now())
        await uow.commit()
    return entry


async def balance(app: App, user: UserId) -> int:
    async with app.uow() as uow:
        return await uow.points.balance(user)


async def assert_ledger_is_the_truth(app: App, user: UserId) -> list[tuple[int, int]]:
    """Every row's balance_after is the running sum of the ledger in id order, never negative, and the last
    one is the stored balance. Returns (delta, balance_after) in id order."""
    assert app.engine is not None
    async with app.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(PointLedgerRow.delta, PointLedgerRow.balance_after)
                .where(PointLedgerRow.user_id == user)
                .order_by(PointLedgerRow.id)
            )
        ).all()
        stored = await conn.scalar(select(PointBalanceRow.balance).where(PointBalanceRow.user_id == user))
    running = 0
    for delta, after in rows:
        running += delta
        assert after == running >= 0
    assert (stored or 0) == running
    return [(delta, after) for delta, after in rows]


async def test_earn_spend_balance_and_log(app: App) -> None:
    user = await new_user(app)
    assert await balance(app, user) == 0
    first = await earn(app, user, 10, "2026-11-26")
    assert first is not None
    assert (first.user_id, first.delta, first.reason, first.ref, first.balance_after) == (
        user,
        10,
        "diary.first_of_day",
        "2026-11-26",
        10,
    )
    assert first.created_at == app.clock.now()
    streak = await earn(app, user, 30, "2026-11-26", reason="diary.streak_7")
    assert streak is not None and streak.balance_after == 40
    spent = await spend(app, user, 20, "2026-11-26#1")
    assert spent is not None and (spent.delta, spent.balance_after) == (-20, 20)
    assert await balance(app, user) == 20

    async with app.uow() as uow:
        log = await uow.points.log(user)
    assert log == [spent, streak, first]
    assert await assert_ledger_is_the_truth(app, user) == [(10, 10), (30, 40), (-20, 20)]


async def test_a_short_balance_or_no_balance_row_spends_nothing(app: App) -> None:
    user = await new_user(app)
    assert await spend(app, user, 20, "no-row") is None  # no point_balances row at all: None, not an error
    await earn(app, user, 10, "d1")
    assert await spend(app, user, 20, "short") is None
    assert await balance(app, user) == 10
    assert await assert_ledger_is_the_truth(app, user) == [(10, 10)]


async def test_an_award_for_the_same_reason_and_ref_twice_is_one_row(app: App) -> None:
    user = await new_user(app)
    assert await earn(app, user, 10, "2026-11-26") is not None
    assert await earn(app, user, 10, "2026-11-26") is None
    assert await earn(app, user, 10, "2026-11-27") is not None
    assert await balance(app, user) == 20
    assert await assert_ledger_is_the_truth(app, user) == [(10, 10), (10, 20)]


async def test_racing_awards_for_the_same_thing_are_awarded_once(app: App) -> None:
    user = await new_user(app)
    results = await asyncio.gather(*(earn(app, user, 10, "2026-11-26") for _ in range(20)))
    assert sum(r is not None for r in results) == 1
    assert await balance(app, user) == 10
    assert await assert_ledger_is_the_truth(app, user) == [(10, 10)]


async def test_the_same_spend_again_returns_the_first_entry_and_takes_nothing(app: App) -> None:
    user = await new_user(app)
    await earn(app, user, 50, "d1")
    first = await spend(app, user, 20, "2026-11-26#1")
    assert first is not None
    assert await spend(app, user, 20, "2026-11-26#1") == first
    assert await balance(app, user) == 30
    await spend(app, user, 20, "2026-11-26#2")
    assert await spend(app, user, 20, "2026-11-26#1") == first  # even when the balance no longer covers it
    assert await balance(app, user) == 10
    assert await assert_ledger_is_the_truth(app, user) == [(50, 50), (-20, 30), (-20, 10)]


async def test_keyset_paging_walks_the_whole_log_without_gaps_or_repeats(app: App, clock: FixedClock) -> None:
    user, other = await new_user(app, "u1"), await new_user(app, "u2")
    async with app.uow() as uow:
        for n in range(53):
            clock.advance(minutes=1)
            await uow.points.earn(user, 1 + n % 3, reason="test", ref=f"r{n}", now=app.clock.now())
            await uow.points.earn(other, 5, reason="test", ref=f"r{n}", now=app.clock.now())
        await uow.commit()
    assert app.engine is not None
    async with app.engine.connect() as conn:
        expected = (
            await conn.scalars(
                select(PointLedgerRow.id).where(PointLedgerRow.user_id == user).order_by(PointLedgerRow.id.desc())
            )
        ).all()

    seen: list[int] = []
    pages = 0
    before: int | None = None
    while True:
        async with app.uow() as uow:
            page = await uow.points.log(user, before_id=before, limit=10)
        if not page:
            break
        pages += 1
        assert len(page) <= 10
        assert all(e.user_id == user for e in page)
        assert all(a.id > b.id and a.created_at > b.created_at for a, b in itertools.pairwise(page))
        seen.extend(e.id for e in page)
        before = page[-1].id
    assert pages == 6
    assert seen == expected  # newest first, every entry once, none of the other user's
    assert len(seen) == 53
    await assert_ledger_is_the_truth(app, user)
    await assert_ledger_is_the_truth(app, other)


async def test_parallel_spends_never_go_negative(app: App) -> None:
    """100 spends at once, each its own unit of work, on a balance worth exactly 10 of them."""
    user = await new_user(app)
    await earn(app, user, 200, "grant")
    results = await asyncio.gather(*(spend(app, user, 20, f"2026-11-26#{n}") for n in range(100)))
    succeeded = [r for r in results if r is not None]
    assert len(succeeded) == 10
    assert sorted(r.balance_after for r in succeeded) == list(range(0, 200, 20))
    assert await balance(app, user) == 0
    history = await assert_ledger_is_the_truth(app, user)
    assert history == [(200, 200), *((-20, 200 - 20 * n) for n in range(1, 11))]
