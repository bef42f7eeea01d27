"""maeum on Discord: the real discord.py client against the local Discord server (REST, gateway and interaction
webhooks), the HTTP interactions endpoint signed with a real Ed25519 key, and pushes through the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.discord.app import run_gateway
from bots.discord.messenger import DiscordMessenger
from bots.messengers import build_messengers
from bots.web import create_web_app
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.ports import Recipient, RecipientUnreachable, RetryLater
from core.replies import Reply, Section
from core.settings import Settings
from tests.servers.discord_api import (
    APPLICATION_ID,
    DEFAULT_USER_ID,
    FakeDiscordServer,
    StoredMessage,
    pointed_at,
)
from tests.servers.loopback import LoopbackServer
from tests.servers.openai_compatible import FakeOpenAIServer, RecordedRequest
from tests.servers.openai_compatible import Reply as LlmReply

TOKEN = "discord-bot-token"
GUILD_ID = "1180000000000000900"
CHANNEL_ID = "1180000000000000901"
MUTED_CHANNEL_ID = "1180000000000000902"
ENGLISH_USER_ID = "1180000000000000200"


@pytest.fixture
def discord_server() -> Iterator[FakeDiscordServer]:
    with FakeDiscordServer(token=TOKEN) as server, pointed_at(server):
        server.add_user(DEFAULT_USER_ID, username="minji")
        server.add_user(ENGLISH_USER_ID, username="alex")
        server.add_guild(GUILD_ID, channels={CHANNEL_ID: "book-club", MUTED_CHANNEL_ID: "announcements"})
        yield server


def by_persona(request: RecordedRequest) -> LlmReply:
    """Ten words over 1.5 s: longer than the one-second edit pace, so a part is shown before it is complete."""
    if "JSON" in request.system_prompt:  # the diary's reading
        return LlmReply(text='{"emotion": "joy", "intensity": 4, "comment": "정말 뿌듯한 하루였네요."}')
    persona = "F" if "(F)" in request.system_prompt else "T"
    return LlmReply(chunks=[f"{persona}-{i} " for i in range(10)], chunk_delay=0.15)


@pytest.fixture(scope="module")
def llm_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(by_persona, api_key="sk-test") as running:
        yield running


@pytest.fixture
def dc_settings(settings: Settings, discord_server: FakeDiscordServer, llm_server: FakeOpenAIServer) -> Settings:
    return settings.model_copy(
        update={
            "llm_base_url": llm_server.base_url,
            "llm_api_key": "sk-test",
            "discord_bot_token": TOKEN,
            "discord_api_base": discord_server.api_base,
            "discord_application_id": APPLICATION_ID,
            "discord_public_key": discord_server.public_key,
        }
    )


@pytest.fixture
async def dc_app(dc_settings: Settings, engine: AsyncEngine) -> AsyncIterator[App]:
    messengers = build_messengers(dc_settings)
    app = bootstrap(dc_settings, engine=engine, messengers=messengers)
    yield app
    if isinstance(app.queue, InProcessJobQueue):
        await app.queue.drain()
    discord_messenger = messengers["discord"]
    assert isinstance(discord_messenger, DiscordMessenger)
    await discord_messenger.aclose()


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
    """What a person sees of a message now: its text and its embeds' titles, descriptions and footers."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    return "\n".join(p for p in parts if p)


def answer_of(server: FakeDiscordServer, interaction_id: str) -> str:
    return "\n".join(shown(m) for m in server.interaction_messages(interaction_id))


def custom_ids(message: StoredMessage) -> list[str]:
    return [button["custom_id"] for row in message.components for button in row["components"]]


async def ask(server: FakeDiscordServer, name: str, options: dict[str, str] | None = None, **where: str) -> str:
    payload = server.slash_command(name, options, **where)
    server.dispatch("INTERACTION_CREATE", payload)
    return str(payload["id"])


async def test_worry_is_deferred_then_f_and_t_stream_in_a_button_press_and_lang_en_are_answered(
    dc_app: App, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        worry = await ask(server, "worry", {"text": "요즘 잠이 안 와요"})
        callback = await server.wait_interaction_callback(worry)
        assert callback.type == 5  # deferred: "maeum is thinking…" within Discord's 3 seconds

        def both_parts_final() -> list[StoredMessage] | None:
            messages = server.interaction_messages(worry)
            finished = [m for m in messages if any(i.startswith("mm:helpful:") for i in custom_ids(m))]
            return finished if len(finished) == 2 else None

        parts = await server.wait_for(both_parts_final, within=10, what="F and T with their buttons")
        titles = [embed["title"] for m in parts for embed in m.embeds]
        assert any("공감 (F)" in t for t in titles) and any("조언 (T)" in t for t in titles)
        original = server.original_message(worry)
        assert original is not None and original.versions[0].flags & 128  # the loading placeholder came first
        assert not original.loading and original.edits >= 1  # …and was replaced as the text streamed in
        f_bodies = [e.get("description", "") for v in original.versions for e in v.embeds]
        assert any("F-0" in b and "F-9" not in b for b in f_bodies)  # part of the text, shown while it streamed
        assert "F-9" in f_bodies[-1]

        f_button = next(i for m in parts for i in custom_ids(m) if i.startswith("mm:helpful:F"))
        pressed_on = next(m for m in parts if f_button in custom_ids(m))
        press = server.button_press(f_button, message_id=pressed_on.id)
        server.dispatch("INTERACTION_CREATE", press)
        await server.wait_for(lambda: "도움이 됐다고 기록했어요" in answer_of(server, press["id"]), within=10)

        lang = await ask(server, "lang", {"language": "en"})
        await server.wait_for(lambda: "Language set to English." in answer_of(server, lang), within=10)
        help_ = await ask(server, "help")
        await server.wait_for(lambda: "/worry" in answer_of(server, help_), within=10, what="help in English")


async def test_commands_are_synced_with_korean_localizations(dc_app: App, discord_server: FakeDiscordServer) -> None:
    async with gateway(dc_app, discord_server):
        commands = {c["name"]: c for c in discord_server.synced_commands}
    worry = commands["worry"]
    assert worry["name_localizations"]["ko"] == "고민"
    assert worry["description_localizations"]["ko"].startswith("고민 말하기")
    assert worry["description"].startswith("Share a worry")
    [text] = worry["options"]
    assert (text["name"], text["name_localizations"]["ko"], text["required"]) == ("text", "내용", True)
    lang = commands["lang"]["options"][0]
    assert lang["name_localizations"]["ko"] == "언어" and not lang.get("required", False)
    assert {choice["value"] for choice in lang["choices"]} == {"ko", "en"}
    assert commands["export"]["contexts"] == [1]  # DM with the bot only


async def test_the_locale_of_the_first_interaction_is_the_users(dc_app: App, discord_server: FakeDiscordServer) -> None:
    async with gateway(dc_app, discord_server):
        asked = await ask(discord_server, "lang", user_id=ENGLISH_USER_ID, locale="en-US")
        await discord_server.wait_for(lambda: "English" in answer_of(discord_server, asked), within=10)


async def test_dm_text_is_a_worry_guild_chatter_and_bots_are_ignored_and_a_muted_channel_gets_a_dm_notice(
    dc_app: App, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    dm_channel = server.dm_channel(DEFAULT_USER_ID)
    async with gateway(dc_app, server):
        server.dispatch("MESSAGE_CREATE", server.guild_message(CHANNEL_ID, DEFAULT_USER_ID, "오늘 모임 재밌었다"))
        from_a_bot = server.dm_message(DEFAULT_USER_ID, "나는 봇이에요")
        from_a_bot["author"]["bot"] = True
        server.dispatch("MESSAGE_CREATE", from_a_bot)
        server.dispatch("MESSAGE_CREATE", server.dm_message(DEFAULT_USER_ID, "회사가 너무 힘들어요"))

        def bot_dm_texts() -> str:
            return "\n".join(shown(m) for m in server.channel_messages(dm_channel) if m.author_id == server.bot_user_id)

        await server.wait_for(lambda: "조언 (T)" in bot_dm_texts(), within=10, what="the DM worry answered")
        assert not [m for m in server.channel_messages(CHANNEL_ID) if m.author_id == server.bot_user_id]
        assert bot_dm_texts().count("공감 (F)") == 1  # the bot's own message was not taken for a worry

        server.fail_next(f"POST /channels/{MUTED_CHANNEL_ID}/messages", status=403, code=50013, count=5)
        server.dispatch(
            "MESSAGE_CREATE", server.guild_message(MUTED_CHANNEL_ID, DEFAULT_USER_ID, "help", mention_bot=True)
        )
        await server.wait_for(lambda: "권한" in bot_dm_texts(), within=10, what="the no-permission notice by DM")
        refused = [c for c in server.calls_to(f"POST /channels/{MUTED_CHANNEL_ID}/messages") if c.status == 403]
        assert len(refused) == 1  # told once, and no more attempts in a channel it may not write in


async def test_a_push_from_the_outbox_reaches_the_users_dm(dc_app: App, discord_server: FakeDiscordServer) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        asked = await ask(server, "remind", {"what": "1s 물 마시기"})
        await server.wait_for(lambda: "알려 드릴게요" in answer_of(server, asked), within=10)
    await asyncio.sleep(1.1)  # the reminder is due in real time
    service = dc_app.outbox_relay(holder="t")
    await service.hold_lease()
    await service.relay_due()
    assert isinstance(dc_app.queue, InProcessJobQueue)
    await dc_app.queue.drain()
    pushed = [m for m in server.channel_messages(server.dm_channel(DEFAULT_USER_ID)) if "물 마시기" in shown(m)]
    assert pushed and pushed[-1].author_id == server.bot_user_id
    assert server.calls_to("start_private_message")  # the DM channel was opened for the push


def reminder(text: str = "물 마시기") -> Reply:
    return Reply(sections=(Section(title="⏰ 알림", body=text),))


async def test_the_messenger_maps_discords_refusals_and_never_sends_twice_for_one_key(
    discord_server: FakeDiscordServer,
) -> None:
    server = discord_server
    messenger = DiscordMessenger(token=TOKEN, api_base=server.api_base)
    person = Recipient(platform="discord", chat_id="", user_external_id=DEFAULT_USER_ID)
    try:
        first = await messenger.push(person, reminder(), idempotency_key="outbox:1")
        again = await messenger.push(person, reminder(), idempotency_key="outbox:1")  # a retry after a lost answer
        assert first == again and server.nonce_duplicates == 1

        server.fail_next("send_message", status=429, retry_after=45.0, global_=True)
        with pytest.raises(RetryLater) as limited:
            await messenger.push(person, reminder(), idempotency_key="outbox:2")
        assert limited.value.after == pytest.approx(45.0)

        server.block_dms(ENGLISH_USER_ID)
        blocked = Recipient(platform="discord", chat_id="", user_external_id=ENGLISH_USER_ID)
        with pytest.raises(RecipientUnreachable):
            await messenger.push(blocked, reminder(), idempotency_key="outbox:3")
        assert messenger.guard.recent == 2  # the 429 and the 403 count toward Discord's invalid-request limit
    finally:
        await messenger.aclose()


async def test_a_rejected_token_stops_the_messenger_asking(discord_server: FakeDiscordServer) -> None:
    messenger = DiscordMessenger(token="revoked", api_base=discord_server.api_base)
    person = Recipient(platform="discord", chat_id=CHANNEL_ID)
    with pytest.raises(RuntimeError):
        await messenger.push(person, reminder(), idempotency_key="k")
    asked = len(discord_server.calls)
    with pytest.raises(RuntimeError):
        await messenger.push(person, reminder(), idempotency_key="k")
    assert len(discord_server.calls) == asked  # no second 401 sent to Discord
    await messenger.aclose()


@pytest.fixture
def maeum_web(dc_settings: Settings) -> Iterator[str]:
    """`maeum serve`'s web app on a real port: Discord gets the HTTP answer before the background answering runs,
    as in production (TestClient would hold the answer until the background work finished)."""
    server = LoopbackServer(create_web_app(lambda: bootstrap(dc_settings)), name="maeum-web", lifespan="on")
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def post_signed(web: str, server: FakeDiscordServer, payload: dict[str, Any]) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    answer = httpx.post(f"{web}/discord/interactions", content=body, headers=server.sign_interaction(body))
    return answer.status_code, answer.json() if answer.content else None


def test_the_http_endpoint_answers_ping_and_rejects_bad_signatures(
    maeum_web: str, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    assert post_signed(maeum_web, server, server.ping_interaction()) == (200, {"type": 1})

    body = json.dumps(server.ping_interaction()).encode()
    url = f"{maeum_web}/discord/interactions"
    forged = {**server.sign_interaction(body), "X-Signature-Ed25519": "00" * 64}
    assert httpx.post(url, content=body, headers=forged).status_code == 401
    tampered = server.sign_interaction(body)
    assert httpx.post(url, content=body.replace(b"1", b"2", 1), headers=tampered).status_code == 401
    stale = server.sign_interaction(body, timestamp="1000000000")
    assert httpx.post(url, content=body, headers=stale).status_code == 401
    assert httpx.post(url, content=body).status_code == 401


async def test_the_http_endpoint_serves_a_command_once_and_answers_it_through_the_webhook(
    maeum_web: str, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    command = server.slash_command("worry", {"text": "시험이 걱정돼요"})
    status, answer = await asyncio.to_thread(post_signed, maeum_web, server, command)
    assert (status, answer) == (200, {"type": 5})  # deferred at once
    server.record_http_response(command["id"], answer)  # what Discord does with our HTTP answer
    again = await asyncio.to_thread(post_signed, maeum_web, server, command)  # Discord retried: handled once
    assert again == (200, {"type": 5})

    def answered() -> bool:
        text = answer_of(server, command["id"])
        return "공감 (F)" in text and "조언 (T)" in text

    await server.wait_for(answered, within=10, what="F and T over the webhook")
    original = server.original_message(command["id"])
    assert original is not None and not original.loading  # the first follow-up filled the placeholder
    assert answer_of(server, command["id"]).count("공감 (F)") == 1

    lang = server.slash_command("lang", {"language": "en"})
    status, answer = await asyncio.to_thread(post_signed, maeum_web, server, lang)
    server.record_http_response(lang["id"], answer)
    await server.wait_for(lambda: "Language set to English." in answer_of(server, lang["id"]), within=10)


async def test_a_stale_button_and_an_unknown_command_get_a_short_notice_and_a_short_429_is_waited_out(
    dc_app: App, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        stale = server.button_press("garbage:from:an:old:build")
        server.dispatch("INTERACTION_CREATE", stale)
        await server.wait_for(lambda: "더 이상 쓸 수 없어요" in answer_of(server, stale["id"]), within=10)

        unknown = await ask(server, "no-such-command")
        server.fail_next("edit_webhook_message", status=429, retry_after=0.3)
        help_ = await ask(server, "help")
        await server.wait_for(lambda: "마음 사용법" in answer_of(server, help_), within=10, what="help after a 429")
        assert server.invalid_requests == 1  # the one 429, waited out by discord.py and not repeated
        await server.wait_for(lambda: "모르는 명령" in answer_of(server, unknown), within=10, what="unknown command")


async def test_diary_and_stats_arrive_with_the_chart_attached(dc_app: App, discord_server: FakeDiscordServer) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        agree = server.button_press("mm:consent:yes")
        server.dispatch("INTERACTION_CREATE", agree)
        await server.wait_for(lambda: "고마워요" in answer_of(server, agree["id"]), within=10)
        diary = await ask(server, "diary", {"text": "오늘은 정말 뿌듯했다"})
        await server.wait_for(lambda: "일기를 적었어요" in answer_of(server, diary), within=10)
        assert "정말 뿌듯한 하루였네요." in answer_of(server, diary)  # the model's comment
        stats = await ask(server, "stats")
        await server.wait_for(
            lambda: any(m.attachments for m in server.interaction_messages(stats)), within=10, what="the chart"
        )
    [chart] = [a for m in server.interaction_messages(stats) for a in m.attachments]
    assert chart.filename.endswith(".png") and "주차" in answer_of(server, stats)


async def test_usage_notes_in_a_server_are_private_and_mentions_never_ping(
    dc_app: App, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    async with gateway(dc_app, server):
        asked = await ask(server, "remind", {"what": "언젠가 뭔가"}, guild_id=GUILD_ID, channel_id=CHANNEL_ID)
        refused = "정확히 읽지 못했어요"  # no time in it: refused with an example
        await server.wait_for(lambda: refused in answer_of(server, asked), within=10, what="the usage note")
        [note] = [m for m in server.interaction_messages(asked) if refused in m.content]
        assert note.ephemeral  # only the asker sees it; the public "thinking…" placeholder is gone
        loud = await ask(server, "remind", {"what": "10m @everyone 회의"}, guild_id=GUILD_ID, channel_id=CHANNEL_ID)
        await server.wait_for(lambda: "알려 드릴게요" in answer_of(server, loud), within=10)
        stale = server.slash_command("worry", [{"name": "content", "type": 3, "value": "옛 옵션 이름"}])
        server.dispatch("INTERACTION_CREATE", stale)  # options from an older sync: still answered
        await server.wait_for(lambda: "조언 (T)" in answer_of(server, stale["id"]), within=10, what="stale options")
    sends = [c for c in server.calls if "/webhooks/" in c.path and c.method in ("POST", "PATCH")]
    assert sends and all(c.json.get("allowed_mentions") == {"parse": []} for c in sends if isinstance(c.json, dict))


async def test_over_http_the_second_part_waits_for_discord_to_know_the_deferral(
    maeum_web: str, discord_server: FakeDiscordServer
) -> None:
    server = discord_server
    command = server.slash_command("worry", {"text": "발표가 걱정돼요"})
    status, answer = await asyncio.to_thread(post_signed, maeum_web, server, command)
    assert status == 200
    await asyncio.sleep(0.3)  # Discord is slow to take our HTTP answer in
    server.record_http_response(command["id"], answer)

    def answered() -> bool:
        text = answer_of(server, command["id"])
        return "공감 (F)" in text and "조언 (T)" in text

    await server.wait_for(answered, within=10, what="both parts")
    assert "사고 번호" not in answer_of(server, command["id"])


async def test_an_account_wide_403_waits_instead_of_dropping_the_push(discord_server: FakeDiscordServer) -> None:
    messenger = DiscordMessenger(token=TOKEN, api_base=discord_server.api_base)
    person = Recipient(platform="discord", chat_id=CHANNEL_ID)
    discord_server.fail_next("send_message", status=403, code=40003)  # opening DMs too fast: the bot, not them
    try:
        with pytest.raises(RetryLater) as held:
            await messenger.push(person, reminder(), idempotency_key="k")
        assert held.value.after >= 60
    finally:
        await messenger.aclose()
