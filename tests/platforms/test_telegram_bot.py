"""maeum on Telegram through the real python-telegram-bot, against a local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.testclient import TestClient

from bots.messengers import build_messengers
from bots.telegram.app import run_polling
from bots.web import create_web_app
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.settings import Settings
from tests.servers.telegram_api import DEFAULT_USER_ID, FakeTelegramServer

TOKEN = "123456:TEST-token"
SECRET = "s3cret-webhook"


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(TOKEN) as server:
        yield server


@pytest.fixture
def tg_settings(settings: Settings, telegram: FakeTelegramServer) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": telegram.base_url,
            "telegram_webhook_secret": SECRET,
        }
    )


@pytest.fixture
async def tg_app(tg_settings: Settings, engine: AsyncEngine) -> AsyncIterator[App]:
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


def answered_parts(server: FakeTelegramServer) -> list[dict]:  # type: ignore[type-arg]
    """The F and T messages once their final edit (with the "this helped" button) arrived."""
    return [
        m
        for m in server.messages.values()
        if ("공감 (F)" in m["message"].get("text", "") or "조언 (T)" in m["message"].get("text", ""))
        and m["message"].get("reply_markup")
    ]


def texts(server: FakeTelegramServer) -> list[str]:
    return [m["message"].get("text", "") for m in server.messages.values()]


async def test_polling_start_worry_button_and_lang_en_work(tg_app: App, telegram: FakeTelegramServer) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        assert telegram.calls_to("deleteWebhook")
        telegram.push_update(telegram.text_update("/start"))
        await wait_for(lambda: any("마음에 오신 걸 환영해요" in t for t in texts(telegram)))
        start = telegram.sent[-1]
        assert start["parse_mode"] == "HTML" and "<b>🌱 마음에 오신 걸 환영해요</b>" in start["text"]
        assert start["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "mm:consent:yes"

        telegram.push_update(telegram.text_update("요즘 잠이 안 와요"))
        await wait_for(lambda: len(answered_parts(telegram)) == 2)
        parts = answered_parts(telegram)
        assert telegram.chat_actions and telegram.chat_actions[0]["action"] == "typing"
        assert telegram.edits  # the parts were filled in by edits (streaming)

        f_button = next(
            b
            for m in parts
            for row in m["message"]["reply_markup"]["inline_keyboard"]
            for b in row
            if b["callback_data"].startswith("mm:helpful:F")
        )
        telegram.push_update(telegram.callback_update(f_button["callback_data"]))
        await wait_for(lambda: any("도움이 됐다고 기록했어요" in t for t in texts(telegram)))
        assert telegram.callback_answers  # the press was answered

        telegram.push_update(telegram.text_update("/lang en"))
        await wait_for(lambda: any("Language set to English." in t for t in texts(telegram)))


async def test_the_command_menu_is_registered_in_korean_and_english(tg_app: App, telegram: FakeTelegramServer) -> None:
    async with polling(tg_app):
        await wait_for(lambda: len(telegram.commands) >= 2)
    by_language = {language: commands for (_, language), commands in telegram.commands.items()}
    korean = {c["command"]: c["description"] for c in by_language[""]}
    english = {c["command"]: c["description"] for c in by_language["en"]}
    assert korean["worry"].startswith("고민 말하기") and english["worry"].startswith("Share a worry")
    assert "consent" not in korean  # button-only verbs stay out of the menu


async def test_group_commands_for_another_bot_stickers_and_edits_are_ignored_quietly(
    tg_app: App, telegram: FakeTelegramServer
) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(telegram.text_update("/help@other_bot", chat_type="group", chat_id=-100))
        telegram.push_update(telegram.text_update("오늘 모임 재밌었다", chat_type="group", chat_id=-100))
        telegram.push_update(telegram.text_update("원래 고민", chat_type="group", chat_id=-100))
        telegram.push_update(telegram.edited_message_update("고친 고민", chat_type="group", chat_id=-100))
        telegram.push_update(telegram.member_joined_update(chat_id=-100))
        telegram.push_update(telegram.text_update("/help@maeum_bot", chat_type="group", chat_id=-100))
        await wait_for(lambda: any("마음 사용법" in t for t in texts(telegram)))
        telegram.push_update(telegram.sticker_update())
        await wait_for(lambda: any("글로 적어 주시면" in t for t in texts(telegram)))
    group_replies = [m for m in telegram.sent if str(m["chat_id"]) == "-100"]
    assert len(group_replies) == 1  # only /help@maeum_bot was answered in the group


async def test_a_push_from_the_outbox_reaches_the_telegram_user(tg_app: App, telegram: FakeTelegramServer) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(telegram.text_update("/remind 1s 물 마시기"))
        await wait_for(lambda: any("알려 드릴게요" in t for t in texts(telegram)))
    await asyncio.sleep(1.1)  # the reminder is due in real time
    service = tg_app.outbox_relay(holder="t")
    await service.hold_lease()
    await service.relay_due()
    assert isinstance(tg_app.queue, InProcessJobQueue)
    await tg_app.queue.drain()
    pushed = telegram.sent[-1]
    assert str(pushed["chat_id"]) == str(DEFAULT_USER_ID) and "물 마시기" in pushed["text"]


def test_the_webhook_checks_the_secret_and_answers_a_repeated_update_once(
    tg_settings: Settings, telegram: FakeTelegramServer
) -> None:
    web = create_web_app(lambda: bootstrap(tg_settings))
    update = telegram.push_update(telegram.text_update("/help"))
    with TestClient(web) as client:
        assert client.post("/telegram/webhook", json=update).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
        assert client.post("/telegram/webhook", json=update, headers=wrong).status_code == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert client.post("/telegram/webhook", json=update, headers=right).status_code == 200
        assert client.post("/telegram/webhook", json=update, headers=right).status_code == 200
        assert client.post("/telegram/webhook", content=b"not json", headers=right).status_code == 400
    answered = [m for m in telegram.sent if "마음 사용법" in m["text"]]
    assert len(answered) == 1


async def test_export_arrives_as_a_document_and_a_429_is_waited_out(tg_app: App, telegram: FakeTelegramServer) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.fail_next("sendMessage", error_code=429, retry_after=1)
        telegram.push_update(telegram.text_update("/export"))
        await wait_for(lambda: telegram.documents)
    (document,) = telegram.documents
    assert document["filename"].startswith("maeum-export-") and document["filename"].endswith(".json")
    assert b'"format": "maeum-export/1"' in document["content"]
    assert any("JSON 파일로 준비했어요" in t for t in texts(telegram))  # sent after waiting out the 429


async def test_a_button_with_undecodable_data_gets_a_short_notice(tg_app: App, telegram: FakeTelegramServer) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(telegram.text_update("/help"))
        await wait_for(lambda: telegram.sent)
        telegram.push_update(telegram.callback_update("garbage:from:an:old:build"))
        await wait_for(lambda: any("더 이상 쓸 수 없어요" in t for t in texts(telegram)))
    assert telegram.callback_answers


async def test_a_diary_entry_and_stats_arrive_with_the_chart_as_a_photo(
    tg_app: App, telegram: FakeTelegramServer
) -> None:
    async with polling(tg_app):
        await wait_for(lambda: telegram.calls_to("getUpdates"))
        telegram.push_update(telegram.text_update("/diary 오늘은 정말 뿌듯했다"))
        await wait_for(lambda: any("동의가 필요해요" in t for t in texts(telegram)))  # asked first, nothing kept
        telegram.push_update(telegram.callback_update("mm:consent:yes"))
        await wait_for(lambda: any("고마워요" in t for t in texts(telegram)))
        telegram.push_update(telegram.text_update("/diary 오늘은 정말 뿌듯했다"))
        await wait_for(lambda: any("일기를 적었어요" in t for t in texts(telegram)))
        telegram.push_update(telegram.text_update("/stats"))
        await wait_for(lambda: telegram.photos)
    (photo,) = telegram.photos
    assert photo["content"].startswith(b"\x89PNG")
    assert any("주차" in t for t in texts(telegram))
