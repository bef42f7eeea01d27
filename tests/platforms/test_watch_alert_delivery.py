"""A broadcast alert reaches a Telegram user and a Discord user through the outbox: the watch is made on the platform
(python-telegram-bot polling, discord.py's gateway and a slash command against the local fake servers), a schedule
is imported, the alert step writes the grouped push, and the clock and delivery send it through each platform's REST
API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.discord.app import run_gateway
from bots.discord.messenger import DiscordMessenger
from bots.messengers import build_messengers
from bots.telegram.app import run_polling
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.products.shopping.ingest import ScheduleIngest
from core.products.shopping.matcher import Matcher
from core.products.shopping.service import AlertSender
from core.settings import Settings
from tests.servers.discord_api import APPLICATION_ID, DEFAULT_USER_ID, FakeDiscordServer, StoredMessage, pointed_at
from tests.servers.telegram_api import DEFAULT_USER_ID as TELEGRAM_USER_ID
from tests.servers.telegram_api import FakeTelegramServer

TELEGRAM_TOKEN = "123456:TEST-token"
DISCORD_TOKEN = "discord-bot-token"


def schedule_soon() -> str:
    """Four slots starting 5–8 minutes from now (Seoul time): only the first two match 김치 and 삼겹살."""
    now = datetime.now(ZoneInfo("Asia/Seoul")).replace(second=0, microsecond=0, tzinfo=None)
    rows = [
        ("NS홈쇼핑", 5, "종가 포기김치 10kg", "59900", "https://example.com/ns"),
        ("GS샵", 6, "국내산 한돈 삼겹살 1kg", "26900", "https://example.com/gs"),
        ("롯데홈쇼핑", 7, "딤채 김치냉장고", "1890000", ""),
        ("홈앤쇼핑", 8, "광천 조미김", "15900", ""),
    ]
    lines = ["channel,start,end,product,price,url"]
    for channel, minutes, product, price, url in rows:
        start = now + timedelta(minutes=minutes)
        lines.append(
            f"{channel},{start.isoformat()},{(start + timedelta(minutes=20)).isoformat()},{product},{price},{url}"
        )
    return "\n".join(lines) + "\n"


async def wait_for(condition: Callable[[], object], within: float = 10) -> None:
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.05)


async def import_and_deliver(app: App) -> None:
    await ScheduleIngest(uow=app.uow, clock=app.clock, matcher=Matcher(None)).import_text(
        schedule_soon(), source="soon.csv"
    )
    assert await AlertSender(uow=app.uow, clock=app.clock, catalog=app.catalog).send_due() == 1
    relay = app.outbox_relay(holder="t")
    assert await relay.hold_lease()
    await relay.relay_due()
    assert isinstance(app.queue, InProcessJobQueue)
    await app.queue.drain()


def alert_shown(text: str) -> None:
    assert "곧 방송해요" in text and "지켜보던 상품이 곧 방송돼요" in text
    assert "종가 포기김치 10kg · 59,900원" in text and "국내산 한돈 삼겹살 1kg · 26,900원" in text
    assert "https://example.com/ns" in text
    assert "김치냉장고" not in text and "조미김" not in text


# --- Telegram -----------------------------------------------------------------------------------------------------


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(TELEGRAM_TOKEN) as server:
        yield server


@pytest.fixture
async def tg_app(settings: Settings, telegram: FakeTelegramServer, engine: AsyncEngine) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "telegram_bot_token": TELEGRAM_TOKEN,
            "telegram_api_base_url": telegram.base_url,
            "schedule_sample": False,
        }
    )
    app = bootstrap(configured, engine=engine, messengers=build_messengers(configured))
    yield app
    if isinstance(app.queue, InProcessJobQueue):
        await app.queue.drain()


def telegram_texts(server: FakeTelegramServer) -> list[str]:
    return [m["message"].get("text", "") for m in server.messages.values()]


async def test_an_alert_reaches_the_telegram_user(tg_app: App, telegram: FakeTelegramServer) -> None:
    stop = asyncio.Event()
    polling = asyncio.create_task(run_polling(tg_app, stop=stop))
    try:
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(telegram.text_update("/watch 김치"))
        await wait_for(lambda: any("지켜볼게요" in t for t in telegram_texts(telegram)))
        telegram.push_update(telegram.text_update("/watch 삼겹살"))
        await wait_for(lambda: sum("지켜볼게요" in t for t in telegram_texts(telegram)) == 2)
    finally:
        stop.set()
        await polling
    await import_and_deliver(tg_app)
    pushed = telegram.sent[-1]
    assert str(pushed["chat_id"]) == str(TELEGRAM_USER_ID)
    alert_shown(pushed["text"])
    assert "<b>🛒 곧 방송해요</b>" in pushed["text"]  # Telegram HTML: the title in bold


# --- Discord ------------------------------------------------------------------------------------------------------


@pytest.fixture
def discord_server() -> Iterator[FakeDiscordServer]:
    with FakeDiscordServer(token=DISCORD_TOKEN) as server, pointed_at(server):
        server.add_user(DEFAULT_USER_ID, username="minji")
        yield server


@pytest.fixture
async def dc_app(settings: Settings, discord_server: FakeDiscordServer, engine: AsyncEngine) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "discord_bot_token": DISCORD_TOKEN,
            "discord_api_base": discord_server.api_base,
            "discord_application_id": APPLICATION_ID,
            "discord_public_key": discord_server.public_key,
            "schedule_sample": False,
        }
    )
    messengers = build_messengers(configured)
    app = bootstrap(configured, engine=engine, messengers=messengers)
    yield app
    if isinstance(app.queue, InProcessJobQueue):
        await app.queue.drain()
    messenger = messengers["discord"]
    assert isinstance(messenger, DiscordMessenger)
    await messenger.aclose()


@contextlib.asynccontextmanager
async def gateway(app: App, server: FakeDiscordServer) -> AsyncIterator[None]:
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(run_gateway(app, stop=stop, guild_ready_timeout=0.01, started=started))
    try:
        await server.wait_gateway_ready()
        await server.wait_for(started.is_set, what="on_ready")
        yield
    finally:
        stop.set()
        await task


def shown(message: StoredMessage) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    return "\n".join(p for p in parts if p)


async def test_an_alert_reaches_the_discord_user(dc_app: App, discord_server: FakeDiscordServer) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        for word in ("김치", "삼겹살"):
            payload = server.slash_command("watch", {"watch_what": word})
            server.dispatch("INTERACTION_CREATE", payload)
            await server.wait_for(
                lambda p=payload: any("지켜볼게요" in shown(m) for m in server.interaction_messages(str(p["id"]))),
                within=10,
            )
    await import_and_deliver(dc_app)
    pushed = [m for m in server.channel_messages(server.dm_channel(DEFAULT_USER_ID)) if "곧 방송해요" in shown(m)]
    assert len(pushed) == 1 and pushed[0].author_id == server.bot_user_id
    alert_shown(shown(pushed[0]))
