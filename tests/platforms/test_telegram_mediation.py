"""Couple mediation on Telegram through the real python-telegram-bot, against the local Bot API server: `/mediate`
in a group, the 참여 button, the child's DM asks, the sides told in the two private chats (`/side` and a plain
message), and the child's post in the group — with neither private chat ever carrying the other's words."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.messengers import build_messengers
from bots.telegram.app import run_polling
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.products.mediation.domain import quotes
from core.settings import Settings
from tests.servers.telegram_api import DEFAULT_GROUP_ID, FakeTelegramServer

TOKEN = "123456:TEST-token"
MINSU, JIEUN, YOUNGHEE = 700_000_101, 700_000_102, 700_000_103
MINSU_SIDE = "주말마다 약속을 잡는데 지은이는 늘 피곤하대"
JIEUN_SIDE = "평일에 야근이 많아서 주말엔 쉬고 싶어"


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
async def tg_app(settings: Settings, engine: AsyncEngine, telegram: FakeTelegramServer) -> AsyncIterator[App]:
    tg_settings = settings.model_copy(update={"telegram_bot_token": TOKEN, "telegram_api_base_url": telegram.base_url})
    app = bootstrap(tg_settings, engine=engine, messengers=build_messengers(tg_settings))
    yield app
    if isinstance(app.queue, InProcessJobQueue):
        await app.queue.drain()


@contextlib.asynccontextmanager
async def polling(app: App) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_polling(app, stop=stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def wait_for(condition: Callable[[], object]) -> None:
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.05)


async def deliver(app: App) -> None:
    """The clock's turn: due pushes go out through Telegram's sendMessage."""
    service = app.outbox_relay(holder="t")
    assert await service.hold_lease()
    await service.relay_due()
    assert isinstance(app.queue, InProcessJobQueue)
    await app.queue.drain()


def in_chat(server: FakeTelegramServer, chat_id: int) -> list[str]:
    """What the bot sent to one chat, as shown (the HTML parsed)."""
    return [m["message"]["text"] for m in server.sent if str(m["chat_id"]) == str(chat_id)]


def said(server: FakeTelegramServer, chat_id: int, words: str) -> bool:
    return any(words in text for text in in_chat(server, chat_id))


def in_group(server: FakeTelegramServer, text: str, user_id: int, name: str) -> dict[str, Any]:
    return server.text_update(text, chat_type="group", chat_id=DEFAULT_GROUP_ID, user_id=user_id, first_name=name)


async def test_a_mediation_on_telegram_asks_in_private_chats_and_the_child_posts_in_the_group(
    tg_app: App, telegram: FakeTelegramServer
) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(in_group(telegram, "/mediate", MINSU, "민수"))
        await wait_for(lambda: said(telegram, DEFAULT_GROUP_ID, "중재를 열었어요"))
        opened = next(m for m in telegram.sent if "중재를 열었어요" in m["message"]["text"])
        [[join]] = opened["reply_markup"]["inline_keyboard"]
        assert join["text"] == "🙋 참여" and join["callback_data"] == "mm:mediate:join"

        telegram.push_update(
            telegram.callback_update(
                join["callback_data"], chat_type="group", chat_id=DEFAULT_GROUP_ID, user_id=JIEUN, first_name="지은"
            )
        )
        await wait_for(lambda: said(telegram, DEFAULT_GROUP_ID, "지은님도 함께해요"))
        telegram.push_update(in_group(telegram, "/mediate join", YOUNGHEE, "영희"))
        await wait_for(lambda: said(telegram, DEFAULT_GROUP_ID, "다른 분은 참여할 수 없어요"))

        await deliver(tg_app)  # the child's DM asks
        for partner in (MINSU, JIEUN):
            assert said(telegram, partner, "'마음 테스트 그룹'에서 중재가 시작됐어요")

        telegram.push_update(telegram.text_update(f"/side {MINSU_SIDE}", user_id=MINSU, first_name="민수"))
        await wait_for(lambda: said(telegram, MINSU, "잘 들었어요"))
        telegram.push_update(telegram.text_update(JIEUN_SIDE, user_id=JIEUN, first_name="지은"))  # plain, awaited
        await wait_for(lambda: said(telegram, JIEUN, "두 분 이야기가 다 모였어요"))

    await deliver(tg_app)  # the child's post
    [post] = [text for text in in_chat(telegram, DEFAULT_GROUP_ID) if "두 분 이야기를 들었어요" in text]
    assert "💙 민수님 이야기" in post and "💛 지은님 이야기" in post and "🤝 이렇게 해 보면 어때요?" in post
    assert not quotes(MINSU_SIDE, post) and not quotes(JIEUN_SIDE, post)
    assert all(not quotes(JIEUN_SIDE, text) for text in in_chat(telegram, MINSU))
    assert all(not quotes(MINSU_SIDE, text) for text in in_chat(telegram, JIEUN))
    assert in_chat(telegram, YOUNGHEE) == []
