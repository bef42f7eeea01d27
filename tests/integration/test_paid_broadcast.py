"""TELEGRAM_PAID_BROADCAST: announcements and alert fan-outs go with `allow_paid_broadcast`, paced at the paid rate,
through the real delivery road (outbox → relay → DeliveryService → TelegramMessenger → the local Telegram server)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.telegram.messenger import TelegramMessenger
from core.adapters.db.models import OutboxRow
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.values import Locale
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import FixedClock
from tests.servers.telegram_api import FakeTelegramServer

TOKEN = "123:ABC"
PEOPLE = 60
FIRST_CHAT = 700_100_000


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    # Telegram's free broadcast limit, as the real one answers it: 429 past 30 sends a second.
    with FakeTelegramServer(TOKEN, send_limit_per_second=30) as server:
        yield server


async def road(
    database: str, engine: AsyncEngine, clock: FixedClock, telegram: FakeTelegramServer, **overrides: object
) -> App:
    settings: Settings = make_settings(
        database, telegram_bot_token=TOKEN, telegram_api_base_url=telegram.base_url, **overrides
    )
    messenger = TelegramMessenger(token=TOKEN, base_url=telegram.base_url)
    return bootstrap(settings, engine=engine, clock=clock, messengers={"telegram": messenger})


@pytest.fixture
async def closing() -> AsyncIterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        messenger = app.delivery._messengers["telegram"]
        assert isinstance(messenger, TelegramMessenger)
        await messenger.aclose()


async def people_and_a_reminder(app: App, clock: FixedClock) -> None:
    now = clock.now()
    async with app.uow() as uow:
        for n in range(PEOPLE):
            user = await uow.users.create(
                platform="telegram",
                external_id=str(FIRST_CHAT + n),
                display_name=f"p{n}",
                locale=Locale.KO,
                timezone="Asia/Seoul",
                now=now,
            )
            if n == 0:  # one person's own reminder: not a broadcast, so neither paid nor on the paid bucket
                await uow.outbox.add(
                    NewPush(
                        dedupe_key="remind:own",
                        kind=PushKind.REMINDER,
                        document=PushDocument(key="remind.fire", text="물 마시기"),
                        due_at=now,
                        user_id=user.id,
                    ),
                    now=now,
                )
        await uow.commit()


async def deliver_everything(app: App) -> None:
    relay = app.outbox_relay(holder="test-clock")
    assert await relay.hold_lease()
    await relay.relay_due()
    assert isinstance(app.queue, InProcessJobQueue)
    await app.queue.drain()


async def states(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.scalars(select(OutboxRow.state))).all())


def busiest(times: list[float], window: float) -> int:
    most, lo = 0, 0
    for hi, at in enumerate(times):
        while times[lo] <= at - window:
            lo += 1
        most = max(most, hi - lo + 1)
    return most


async def test_with_paid_broadcast_announcements_carry_the_flag_and_go_at_the_configured_rate(
    database: str, engine: AsyncEngine, clock: FixedClock, telegram: FakeTelegramServer, closing: list[App]
) -> None:
    rate = 80.0  # faster than the free 30/s the fake enforces, slower than the paid 1,000/s: the pace is ours
    app = await road(
        database, engine, clock, telegram, telegram_paid_broadcast=True, push_rate_per_second={"telegram:paid": rate}
    )
    closing.append(app)
    await people_and_a_reminder(app, clock)
    assert await app.announcements.announce("오늘 밤 점검이 있어요") == PEOPLE
    await deliver_everything(app)

    assert await states(engine) == {"sent"}
    assert telegram.send_rate_limited == 0
    sent = telegram.sent
    announcements = [m for m in sent if "점검" in m["text"]]
    [reminder] = [m for m in sent if "물 마시기" in m["text"]]
    assert len(announcements) == PEOPLE
    assert all(m["allow_paid_broadcast"] for m in announcements)  # the wire carried allow_paid_broadcast=true
    assert reminder["allow_paid_broadcast"] is False  # a person's own reminder is never a paid broadcast
    times = sorted(m["at"] for m in announcements)
    span = times[-1] - times[0]
    # 60 sends, one slot every 1/80 s (no burst): at least 59/80 s from the first to the last, and no half second
    # with more than the rate allows (40, plus a few that a busy machine delays into the next slots' company) —
    # well past the free 30/s limit, never past ours.
    assert span >= (PEOPLE - 1) / rate * 0.95
    assert span < 3.0
    assert busiest(times, 0.5) <= rate * 0.5 + 4
    assert busiest(times, 1.0) > 30


async def test_without_paid_broadcast_announcements_go_free_at_telegrams_30_a_second(
    database: str, engine: AsyncEngine, clock: FixedClock, closing: list[App]
) -> None:
    # maeum's free Telegram bucket lets a burst of 30 go at once, then 30 a second: up to 60 in the first second
    # (and a few more when a busy machine delays some of the burst into it)
    with FakeTelegramServer(TOKEN, send_limit_per_second=64) as telegram:
        await free_road(database, engine, clock, telegram, closing)


async def free_road(
    database: str, engine: AsyncEngine, clock: FixedClock, telegram: FakeTelegramServer, closing: list[App]
) -> None:
    app = await road(database, engine, clock, telegram)
    closing.append(app)
    await people_and_a_reminder(app, clock)
    await app.announcements.announce("오늘 밤 점검이 있어요")
    await deliver_everything(app)

    assert await states(engine) == {"sent"}
    assert telegram.send_rate_limited == 0
    announcements = [m for m in telegram.sent if "점검" in m["text"]]
    assert len(announcements) == PEOPLE and not any(m["allow_paid_broadcast"] for m in announcements)
    times = sorted(m["at"] for m in telegram.sent)
    assert times[-1] - times[0] >= (PEOPLE + 1 - 30) / 30 * 0.95  # the free bucket: 30 at once, then 30 a second


async def test_a_paid_broadcast_that_meets_flood_control_waits_and_is_sent_once(
    database: str, engine: AsyncEngine, clock: FixedClock, telegram: FakeTelegramServer, closing: list[App]
) -> None:
    app = await road(database, engine, clock, telegram, telegram_paid_broadcast=True)
    closing.append(app)
    await people_and_a_reminder(app, clock)
    await app.announcements.announce("점검 안내", announcement_id="maint")
    telegram.fail_next("sendMessage", error_code=429, retry_after=2)
    await deliver_everything(app)
    clock.advance(seconds=3)
    await deliver_everything(app)
    assert await states(engine) == {"sent"}
    chats = [m["chat_id"] for m in telegram.sent if "점검 안내" in m["text"]]
    assert len(chats) == len(set(chats)) == PEOPLE  # everyone once, the one held back included
    assert all(m["allow_paid_broadcast"] for m in telegram.sent if "점검" in m["text"])
