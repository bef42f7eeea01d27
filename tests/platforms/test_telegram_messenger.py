"""TelegramMessenger with the real python-telegram-bot against the local FakeTelegramServer, and the fake itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageEntityType
from telegram.error import BadRequest, Conflict, EndPointNotFound, NetworkError, RetryAfter

from bots.shared.text import utf16_len
from bots.telegram.messenger import TelegramMessenger
from core.ports import Messenger, Recipient, RecipientUnreachable, RetryLater
from core.replies import Attachment, Button, Reply, Section
from core.routing import encode_action
from tests.servers.telegram_api import DEFAULT_USER_ID, FakeTelegramServer, parse_html

TOKEN = "123:ABC"
USER = Recipient(platform="telegram", user_external_id=str(DEFAULT_USER_ID), display_name="민지")
HELPFUL = Button(label="도움이 됐어요", action=encode_action("helpful", "F", "7"))

# PTB 22 warns whenever it builds a RetryAfter (its retry_after becomes a timedelta in v23 unless PTB_TIMEDELTA is
# set); the messenger reads both shapes, so the warning is only noise here.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(TOKEN) as running:
        yield running


@pytest.fixture
def telegram(server: FakeTelegramServer) -> FakeTelegramServer:
    server.reset()
    return server


@pytest.fixture
async def messenger(telegram: FakeTelegramServer) -> AsyncIterator[TelegramMessenger]:
    made = TelegramMessenger(token=TOKEN, base_url=telegram.base_url)
    yield made
    await made.aclose()


@pytest.fixture
async def bot(telegram: FakeTelegramServer) -> AsyncIterator[Bot]:
    made = Bot(TOKEN, base_url=telegram.base_url)
    await made.initialize()
    yield made
    await made.shutdown()


def answer(body: str = "a < b & c") -> Reply:
    return Reply(sections=(Section(title="💗 공감 (F)", body=body, note="오프라인 상담사", buttons=(HELPFUL,)),))


# --- the messenger ------------------------------------------------------------------------------


def test_the_messenger_satisfies_the_port() -> None:
    messenger: Messenger = TelegramMessenger(token=TOKEN)
    assert messenger.platform == "telegram"


async def test_a_push_to_a_user_sends_escaped_html_to_their_private_chat(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    message_id = await messenger.push(USER, answer(), idempotency_key="k1")

    [sent] = telegram.sent
    assert message_id == str(sent["message_id"])
    assert sent["chat_id"] == DEFAULT_USER_ID
    assert sent["parse_mode"] == "HTML"
    assert sent["text"] == "<b>💗 공감 (F)</b>\na &lt; b &amp; c\n<i>오프라인 상담사</i>"
    assert sent["message"]["text"] == "💗 공감 (F)\na < b & c\n오프라인 상담사"
    assert sent["message"]["entities"][0] == {"type": "bold", "offset": 0, "length": 9}


async def test_the_keyboard_carries_the_action_ids_as_callback_data(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    await messenger.push(USER, answer(), idempotency_key="k1")

    [sent] = telegram.sent
    assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "도움이 됐어요", "callback_data": "mm:helpful:F:7"}]]}


async def test_a_push_to_a_group_uses_its_chat_id(telegram: FakeTelegramServer, messenger: TelegramMessenger) -> None:
    group = Recipient(platform="telegram", chat_id="-1001000000001", user_external_id=str(DEFAULT_USER_ID))
    await messenger.push(group, Reply.text("공지"), idempotency_key="k1")
    assert telegram.sent[0]["chat_id"] == -1001000000001
    assert telegram.sent[0]["message"]["chat"]["type"] == "supergroup"


async def test_a_long_reply_is_several_messages_of_at_most_4096_utf16_units(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    body = "\n".join(f"{n}. 오늘도 수고 많았어요 🌙 푹 쉬어요 & 내일 봐요 <3" for n in range(400))

    message_id = await messenger.push(USER, answer(body), idempotency_key="k1")

    sent = telegram.sent
    assert len(sent) >= 4
    assert all(utf16_len(s["text"]) <= 4096 for s in sent)
    assert [s["reply_markup"] is not None for s in sent] == [False] * (len(sent) - 1) + [True]
    assert message_id == str(sent[-1]["message_id"])
    assert [s["message_id"] for s in sent] == list(range(sent[0]["message_id"], sent[0]["message_id"] + len(sent)))


async def test_attachments_are_uploaded_with_their_names_and_bytes(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    export = Attachment(filename="마음_기록.json", content=b'{"worries": []}', mime_type="application/json")
    chart = Attachment(filename="감정.png", content=b"\x89PNG\r\n\x1a\n...", mime_type="image/png", kind="image")
    reply = Reply(sections=(Section(body="내보낸 기록이에요."),), attachments=(export, chart))

    message_id = await messenger.push(USER, reply, idempotency_key="k1")

    [document] = telegram.documents
    assert (document["filename"], document["content"], document["mime_type"]) == (
        "마음_기록.json",
        b'{"worries": []}',
        "application/json",
    )
    [photo] = telegram.photos
    assert (photo["filename"], photo["content"]) == ("감정.png", b"\x89PNG\r\n\x1a\n...")
    assert message_id == str(photo["message_id"])
    assert [c.method for c in telegram.calls] == ["getMe", "sendMessage", "sendDocument", "sendPhoto"]


async def test_flood_control_becomes_retry_later_with_telegrams_delay(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    telegram.fail_next("sendMessage", error_code=429, retry_after=3)
    with pytest.raises(RetryLater) as caught:
        await messenger.push(USER, answer(), idempotency_key="k1")
    assert caught.value.after == 3.0
    assert telegram.sent == []


async def test_a_user_who_blocked_the_bot_is_unreachable(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    telegram.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(RecipientUnreachable, match="blocked"):
        await messenger.push(USER, answer(), idempotency_key="k1")


@pytest.mark.parametrize(
    "description",
    [
        "Bad Request: chat not found",
        "Bad Request: user is deactivated",
        "Bad Request: have no rights to send a message",
        "Bad Request: not enough rights to send text messages to the chat",
    ],
)
async def test_a_chat_that_is_gone_or_closed_to_the_bot_is_unreachable(
    telegram: FakeTelegramServer, messenger: TelegramMessenger, description: str
) -> None:
    telegram.fail_next("sendMessage", error_code=400, description=description)
    with pytest.raises(RecipientUnreachable):
        await messenger.push(USER, answer(), idempotency_key="k1")


async def test_other_bad_requests_and_server_errors_propagate_for_backoff(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    telegram.fail_next("sendMessage", error_code=400, description="Bad Request: can't parse entities: oops")
    with pytest.raises(BadRequest, match=r"(?i)parse entities"):
        await messenger.push(USER, answer(), idempotency_key="k1")
    telegram.fail_next("sendMessage", error_code=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await messenger.push(USER, answer(), idempotency_key="k2")


async def test_a_rejected_token_is_a_runtime_error_that_does_not_quote_the_token(telegram: FakeTelegramServer) -> None:
    messenger = TelegramMessenger(token="123:WRONG-SECRET", base_url=telegram.base_url)
    with pytest.raises(RuntimeError, match="Telegram rejected the bot token") as caught:
        await messenger.push(USER, answer(), idempotency_key="k1")
    assert "WRONG-SECRET" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert [(c.method, c.status) for c in telegram.calls] == [("getMe", 401)]
    await messenger.aclose()


async def test_the_bot_is_initialised_once_for_many_pushes(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    await messenger.push(USER, Reply.text("하나"), idempotency_key="k1")
    await messenger.push(USER, Reply.text("둘"), idempotency_key="k2")
    assert [c.method for c in telegram.calls] == ["getMe", "sendMessage", "sendMessage"]


async def test_a_retried_push_resumes_after_the_parts_already_delivered(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    body = "\n".join(f"{n}번째 줄: 천천히 읽어 보세요." for n in range(600))
    telegram.fail_next("sendMessage", error_code=429, retry_after=1, after=1)
    with pytest.raises(RetryLater):
        await messenger.push(USER, answer(body), idempotency_key="push-9")
    assert len(telegram.sent) == 1

    message_id = await messenger.push(USER, answer(body), idempotency_key="push-9")

    sent = telegram.sent
    assert len(sent) >= 3
    assert len({s["text"] for s in sent}) == len(sent)  # nothing went out twice
    assert message_id == str(sent[-1]["message_id"])


async def test_a_group_upgraded_to_a_supergroup_is_followed_to_its_new_id(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    group = Recipient(platform="telegram", chat_id="-400000001")
    telegram.fail_next("sendMessage", error_code=400, migrate_to_chat_id=-1001000000777)
    await messenger.push(group, Reply.text("공지 하나"), idempotency_key="k1")
    await messenger.push(group, Reply.text("공지 둘"), idempotency_key="k2")
    assert [s["chat_id"] for s in telegram.sent] == [-1001000000777, -1001000000777]
    assert [c.params["chat_id"] for c in telegram.calls_to("sendMessage")] == [
        -400000001,
        -1001000000777,
        -1001000000777,
    ]


async def test_a_recipient_without_any_id_is_unreachable(messenger: TelegramMessenger) -> None:
    with pytest.raises(RecipientUnreachable):
        await messenger.push(Recipient(platform="telegram"), answer(), idempotency_key="k1")


# --- the fake server, as python-telegram-bot sees it -----------------------------------------------


async def test_get_updates_returns_a_queued_command_with_its_entity_parsed_by_ptb(
    telegram: FakeTelegramServer, bot: Bot
) -> None:
    queued = telegram.push_update(telegram.text_update("/start@maeum_bot 안녕 👋", language_code="ko"))

    [update] = await bot.get_updates(timeout=1)

    assert update.update_id == queued["update_id"]
    assert update.message is not None
    assert update.message.text == "/start@maeum_bot 안녕 👋"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == (MessageEntityType.BOT_COMMAND, 0, 16)
    assert update.message.from_user is not None
    assert (update.message.from_user.id, update.message.from_user.language_code) == (DEFAULT_USER_ID, "ko")
    assert update.message.chat.type == "private"
    assert update.message.chat.id == DEFAULT_USER_ID


async def test_entity_offsets_count_utf16_units(telegram: FakeTelegramServer, bot: Bot) -> None:
    telegram.push_update(telegram.text_update("😀 /help@maeum_bot 👩\u200d👩\u200d👧 /고민", chat_type="group"))

    [update] = await bot.get_updates(timeout=1)

    assert update.message is not None
    [command] = update.message.entities  # "/고민" is not a command to Telegram: Latin letters, digits, _ only
    assert (command.offset, command.length) == (3, 15)
    assert update.message.parse_entity(command) == "/help@maeum_bot"
    assert update.message.chat.type == "group"


async def test_the_long_poll_waits_for_its_timeout_when_nothing_is_queued(bot: Bot) -> None:
    started = time.monotonic()
    updates = await bot.get_updates(timeout=1)
    waited = time.monotonic() - started
    assert updates == ()
    assert 0.9 <= waited < 2.0


async def test_the_long_poll_answers_as_soon_as_an_update_arrives(telegram: FakeTelegramServer, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        telegram.push_update(telegram.sticker_update())

    started = time.monotonic()
    pushing = asyncio.create_task(later())
    [update] = await bot.get_updates(timeout=5)
    await pushing
    assert time.monotonic() - started < 1.5
    assert update.message is not None
    assert update.message.sticker is not None


async def test_an_offset_confirms_earlier_updates(telegram: FakeTelegramServer, bot: Bot) -> None:
    first = telegram.push_update(telegram.text_update("하나"))
    second = telegram.push_update(telegram.text_update("둘"))
    assert [u.update_id for u in await bot.get_updates()] == [first["update_id"], second["update_id"]]

    [update] = await bot.get_updates(offset=second["update_id"])

    assert update.message is not None
    assert update.message.text == "둘"
    assert await bot.get_updates(offset=second["update_id"] + 1) == ()


async def test_callback_queries_refer_to_the_bots_message_and_are_answered_once(
    telegram: FakeTelegramServer, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("도움이 됐어요", callback_data="mm:helpful:F:7")]])
    sent = await bot.send_message(DEFAULT_USER_ID, "답변", reply_markup=markup)
    telegram.push_update(telegram.callback_update("mm:helpful:F:7", message_id=sent.message_id))

    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.data == "mm:helpful:F:7"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert await query.answer("고마워요") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()
    assert telegram.callback_answers[0]["text"] == "고마워요"


async def test_other_updates_arrive_in_their_real_shapes(telegram: FakeTelegramServer, bot: Bot) -> None:
    telegram.push_update(telegram.text_update("원래 글"))
    telegram.push_update(telegram.edited_message_update("고친 글"))
    telegram.push_update(telegram.member_joined_update(bot=True))

    original, edited, joined = await bot.get_updates()

    assert original.message is not None
    assert edited.edited_message is not None
    assert edited.edited_message.message_id == original.message.message_id
    assert edited.edited_message.text == "고친 글"
    assert joined.message is not None
    assert [m.username for m in joined.message.new_chat_members] == ["maeum_bot"]


async def test_editing_to_the_same_content_is_not_modified_and_an_unknown_message_is_not_found(bot: Bot) -> None:
    sent = await bot.send_message(DEFAULT_USER_ID, "<b>같은</b> 글", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>같은</b> 글", chat_id=DEFAULT_USER_ID, message_id=sent.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("아무거나", chat_id=DEFAULT_USER_ID, message_id=999)


async def test_an_edit_changes_the_message_and_drops_a_keyboard_not_sent_again(
    telegram: FakeTelegramServer, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("새로", callback_data="mm:new")]])
    sent = await bot.send_message(DEFAULT_USER_ID, "생각하는 중…", reply_markup=markup)
    await bot.edit_message_text(
        "<i>다 됐어요</i>", chat_id=DEFAULT_USER_ID, message_id=sent.message_id, parse_mode="HTML"
    )

    now = telegram.messages[(DEFAULT_USER_ID, sent.message_id)]
    assert now["text"] == "<i>다 됐어요</i>"
    assert now["reply_markup"] is None
    assert now["edit_count"] == 1
    assert now["message"]["entities"] == [{"type": "italic", "offset": 0, "length": 5}]
    assert [e["text"] for e in telegram.edits] == ["<i>다 됐어요</i>"]


async def test_malformed_html_is_refused_as_telegram_would(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(DEFAULT_USER_ID, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(DEFAULT_USER_ID, "가" * 4097)
    assert parse_html("<b>굵게 <i>기울게</i></b> &amp; 😀 <a href='https://x.kr'>링크</a>") == (
        "굵게 기울게 & 😀 링크",
        [
            {"type": "bold", "offset": 0, "length": 6},
            {"type": "italic", "offset": 3, "length": 3},
            {"type": "text_link", "url": "https://x.kr", "offset": 12, "length": 2},
        ],
    )


async def test_edits_faster_than_the_configured_pace_get_429() -> None:
    with FakeTelegramServer(TOKEN, edit_limit_per_second=1) as paced:
        bot = Bot(TOKEN, base_url=paced.base_url)
        async with bot:
            sent = await bot.send_message(DEFAULT_USER_ID, "하나")
            await bot.edit_message_text("둘", chat_id=DEFAULT_USER_ID, message_id=sent.message_id)
            with pytest.raises(RetryAfter):
                await bot.edit_message_text("셋", chat_id=DEFAULT_USER_ID, message_id=sent.message_id)
        assert paced.edit_rate_limited == 1


async def test_commands_are_recorded_per_language_and_invalid_names_refused(
    telegram: FakeTelegramServer, bot: Bot
) -> None:
    await bot.set_my_commands([("start", "시작하기"), ("worry", "고민 털어놓기")], language_code="ko")
    await bot.set_my_commands([("start", "Start")])

    assert telegram.commands[("default", "ko")] == [
        {"command": "start", "description": "시작하기"},
        {"command": "worry", "description": "고민 털어놓기"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("고민", "한국어 명령은 안 돼요")])
    assert await bot.delete_my_commands(language_code="ko") is True
    assert ("default", "ko") not in telegram.commands


async def test_typing_is_recorded_and_an_unknown_method_is_not_found(telegram: FakeTelegramServer, bot: Bot) -> None:
    assert await bot.send_chat_action(DEFAULT_USER_ID, "typing") is True
    assert [(a["chat_id"], a["action"]) for a in telegram.chat_actions] == [(DEFAULT_USER_ID, "typing")]
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": DEFAULT_USER_ID})


async def test_a_webhook_blocks_get_updates_until_deleted_and_receives_posted_updates(
    telegram: FakeTelegramServer, bot: Bot
) -> None:
    hook = f"{telegram.api_url}/getMe"  # any URL that answers will do: here the fake itself records the post
    assert await bot.set_webhook(hook, secret_token="s3cret_token")
    assert telegram.webhook is not None
    assert telegram.webhook["secret_token"] == "s3cret_token"
    assert (await bot.get_webhook_info()).url == hook
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()

    response = await telegram.post_to_webhook(telegram.text_update("안녕"))

    assert response.status_code == 200
    posted = telegram.calls[-1]
    assert posted.params["message"]["text"] == "안녕"
    assert isinstance(posted.params["update_id"], int)
    assert posted.headers["x-telegram-bot-api-secret-token"] == "s3cret_token"
    assert await bot.delete_webhook() is True
    assert await bot.get_updates() == ()


async def test_json_bodies_and_a_wrong_token_are_answered_in_the_wire_format(telegram: FakeTelegramServer) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.post(f"{telegram.api_url}/sendMessage", json={"chat_id": 42, "text": "json으로"})
        wrong = await client.post(f"{telegram.base_url}1:NOPE/getMe")
    assert ok.status_code == 200
    assert ok.json()["result"]["text"] == "json으로"
    assert ok.json()["result"]["chat"] == {"id": 42, "type": "private", "first_name": "민지"}
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_flood_control_on_the_first_get_me_is_retry_later_too(
    telegram: FakeTelegramServer, messenger: TelegramMessenger
) -> None:
    telegram.fail_next("getMe", error_code=429, retry_after=7)
    with pytest.raises(RetryLater) as caught:
        await messenger.push(USER, answer(), idempotency_key="k1")
    assert caught.value.after == 7.0
    await messenger.push(USER, answer(), idempotency_key="k1")
    assert [c.method for c in telegram.calls] == ["getMe", "getMe", "sendMessage"]
