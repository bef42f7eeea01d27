"""FakeDiscordServer's REST API and gateway, driven by the real discord.py clients."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.servers.discord_api import (
    APPLICATION_ID,
    EPHEMERAL,
    LOADING,
    FakeDiscordServer,
    pointed_at,
)

TOKEN = "bot-token"
USER = 1180000000000000200
GUILD = 1180000000000000300
CHANNEL = 1180000000000000301


@pytest.fixture
def server() -> Iterator[FakeDiscordServer]:
    with FakeDiscordServer(token=TOKEN) as running, pointed_at(running):
        yield running


@pytest.fixture
async def rest(server: FakeDiscordServer) -> AsyncIterator[discord.Client]:
    """A REST-only client: `login()` and nothing else."""
    client = discord.Client(intents=discord.Intents.none())
    await client.login(TOKEN)
    yield client
    await client.close()


@contextlib.asynccontextmanager
async def connected(client: discord.Client) -> AsyncIterator[None]:
    """Run `client.start()` until on_ready, then close the client and wait for `start` to return."""
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    client.event(on_ready)
    starting = asyncio.create_task(client.start(TOKEN))
    waiting = asyncio.create_task(ready.wait())
    try:
        done, _ = await asyncio.wait({starting, waiting}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if starting in done:
            starting.result()
        assert waiting in done, "on_ready did not fire"
        yield
    finally:
        waiting.cancel()
        await client.close()
        await asyncio.wait_for(starting, 5)


def sharded(*, guild_ready_timeout: float = 0.01) -> discord.AutoShardedClient:
    """on_ready comes `guild_ready_timeout` after the last GUILD_CREATE (or READY): discord.py's default is 2 s."""
    return discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=guild_ready_timeout)


KOREAN = {"hello": "안녕", "Say hello": "인사해요", "topic": "주제", "What to talk about": "이야기할 주제"}


class KoreanTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        return KOREAN.get(string.message) if locale is discord.Locale.korean else None


async def raw_post(url: str, payload: dict[str, Any]) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.post(url, json=payload) as response:
        body = await response.json() if response.content_type == "application/json" else await response.text()
        return response.status, body


# --- REST: identity -------------------------------------------------------------------------------------------


async def test_login_reads_the_bot_and_its_application(server: FakeDiscordServer, rest: discord.Client) -> None:
    assert rest.user is not None
    assert (rest.user.name, rest.user.discriminator, rest.user.bot) == ("maeum", "0", True)
    assert rest.application_id == int(APPLICATION_ID)
    info = await rest.application_info()
    assert info.verify_key == server.public_key
    assert info.interactions_endpoint_url is None
    assert [c.name for c in server.calls] == ["get_current_user", "application_info", "application_info"]
    assert all(c.headers["authorization"] == f"Bot {TOKEN}" for c in server.calls)


async def test_a_wrong_token_is_a_login_failure(server: FakeDiscordServer) -> None:
    client = discord.Client(intents=discord.Intents.none())
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
    finally:
        await client.close()

    [call] = server.calls
    assert (call.status, call.response) == (401, {"message": "401: Unauthorized", "code": 0})
    assert server.invalid_requests == 1


# --- REST: messages -------------------------------------------------------------------------------------------


async def test_a_429_is_waited_out_and_the_send_succeeds(server: FakeDiscordServer, rest: discord.Client) -> None:
    dm = await rest.create_dm(discord.Object(id=USER))
    server.fail_next("POST /channels/{id}/messages", status=429, retry_after=0.2)

    started = time.monotonic()
    sent = await dm.send("안녕하세요")

    first, second = server.calls_to("send_message")
    assert (first.status, second.status) == (429, 200)
    assert first.response == {"message": "You are being rate limited.", "retry_after": 0.2, "global": False, "code": 0}
    assert second.at - first.at >= 0.2
    assert time.monotonic() - started >= 0.2
    assert [m.content for m in server.channel_messages(dm.id)] == ["안녕하세요"]
    assert sent.id == int(server.channel_messages(dm.id)[0].id)
    assert server.invalid_requests == 1


async def test_a_cloudflare_429_is_raised_at_once(server: FakeDiscordServer, rest: discord.Client) -> None:
    channel = rest.get_partial_messageable(int(server.dm_channel(USER)))
    server.fail_next("send_message", retry_after=30, cloudflare=True)

    with pytest.raises(discord.HTTPException) as raised:
        await channel.send("안녕")

    assert raised.value.status == 429
    assert len(server.calls_to("send_message")) == 1


async def test_a_403_is_forbidden_with_discords_code(server: FakeDiscordServer, rest: discord.Client) -> None:
    dm = await rest.create_dm(discord.Object(id=USER))
    server.fail_next("send_message", status=403, code=50007)

    with pytest.raises(discord.Forbidden) as scripted:
        await dm.send("안녕")
    server.block_dms(USER)
    with pytest.raises(discord.Forbidden) as blocked:
        await dm.send("안녕")

    assert (scripted.value.code, scripted.value.text) == (50007, "Cannot send messages to this user")
    assert blocked.value.code == 50007
    assert server.channel_messages(dm.id) == []
    assert server.invalid_requests == 2


async def test_an_enforced_nonce_does_not_send_twice(server: FakeDiscordServer, rest: discord.Client) -> None:
    dm = await rest.create_dm(discord.Object(id=USER))

    first = await dm.send("한 번만", nonce="answer-42")
    again = await dm.send("한 번만", nonce="answer-42")
    other = await dm.send("다른 것", nonce="answer-43")

    assert first.id == again.id != other.id
    assert [c.json["enforce_nonce"] for c in server.calls_to("send_message")] == [True, True, True]
    assert (server.created_messages, server.nonce_duplicates) == (2, 1)
    assert [m.content for m in server.channel_messages(dm.id)] == ["한 번만", "다른 것"]


async def test_messages_over_discords_limits_are_invalid_form_bodies(
    server: FakeDiscordServer, rest: discord.Client
) -> None:
    dm = await rest.create_dm(discord.Object(id=USER))
    crowded = discord.Embed(title="t")
    for index in range(26):
        crowded.add_field(name=f"n{index}", value="v")

    with pytest.raises(discord.HTTPException) as too_long:
        await dm.send("가" * 2001)
    with pytest.raises(discord.HTTPException) as too_many_fields:
        await dm.send(embed=crowded)
    with pytest.raises(discord.HTTPException) as empty:
        await rest.http.send_message(dm.id, params=discord.http.handle_message_parameters(content=""))
    await dm.send("가" * 2000)

    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    assert server.calls_to("send_message")[0].response["errors"] == {
        "content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}
    }
    assert too_many_fields.value.code == 50035
    assert "fields" in server.calls_to("send_message")[1].response["errors"]["embeds"]["0"]
    assert (empty.value.code, empty.value.text) == (50006, "Cannot send an empty message")
    assert server.created_messages == 1


async def test_files_are_sent_as_multipart_and_served_back(server: FakeDiscordServer, rest: discord.Client) -> None:
    dm = await rest.create_dm(discord.Object(id=USER))

    sent = await dm.send("일기", file=discord.File(io.BytesIO(b"\x00\x01binary\r\n--"), filename="diary.bin"))
    edited = await sent.edit(content="일기 (수정)")

    [stored] = server.channel_messages(dm.id)
    [attachment] = stored.attachments
    assert (attachment.filename, attachment.data) == ("diary.bin", b"\x00\x01binary\r\n--")
    assert server.calls_to("send_message")[0].files[0].field == "files[0]"
    assert stored.contents == ["일기", "일기 (수정)"]
    assert edited.edited_at is not None
    assert await edited.attachments[0].read() == b"\x00\x01binary\r\n--"


async def test_a_configured_rate_limit_is_honoured_per_channel(server: FakeDiscordServer) -> None:
    with FakeDiscordServer(token=TOKEN, rate_limits={"POST /channels/{id}/messages": (2, 0.3)}) as limited:
        with pointed_at(limited):
            client = discord.Client(intents=discord.Intents.none())
            await client.login(TOKEN)
            try:
                one = client.get_partial_messageable(int(limited.dm_channel(USER)))
                two = client.get_partial_messageable(int(limited.dm_channel(USER + 1)))
                for text in ("1", "2", "3"):
                    await one.send(text)
                await two.send("다른 채널")
            finally:
                await client.close()

        calls = limited.calls_to("send_message")
        assert [c.status for c in calls] == [200, 200, 200, 200]  # discord.py waited pre-emptively
        assert calls[1].response is not None
        assert calls[2].at - calls[0].at >= 0.25
        assert limited.rate_limited == 0


# --- interactions over REST -----------------------------------------------------------------------------------


async def test_interaction_callbacks_are_acknowledged_once(server: FakeDiscordServer) -> None:
    payload = server.slash_command("hello", {"topic": "잠"}, user_id=USER)
    url = f"{server.api_base}/interactions/{payload['id']}/{payload['token']}/callback"

    first = await raw_post(url, {"type": 4, "data": {"content": "안녕"}})
    second = await raw_post(url, {"type": 4, "data": {"content": "또"}})
    unknown = await raw_post(f"{server.api_base}/interactions/123/nope/callback", {"type": 5})

    assert first == (204, "")
    assert second == (400, {"message": "Interaction has already been acknowledged.", "code": 40060})
    assert unknown == (404, {"message": "Unknown interaction", "code": 10062})
    [original] = server.interaction_messages(payload["id"])
    assert (original.content, original.type, original.webhook_id) == ("안녕", 20, APPLICATION_ID)


async def test_a_webhook_follow_up_after_a_defer_edits_the_loading_message(server: FakeDiscordServer) -> None:
    payload = server.slash_command("hello", user_id=USER)  # as if it came over HTTP
    server.record_http_response(payload["id"], {"type": 5, "data": {"flags": EPHEMERAL}})

    async with aiohttp.ClientSession() as session:
        webhook = discord.Webhook.partial(int(APPLICATION_ID), payload["token"], session=session)
        first = await webhook.send("다 됐어요", wait=True)
        second = await webhook.send("하나 더", wait=True)
        await webhook.edit_message(second.id, content="하나 더 (수정)")

    original, followup = server.interaction_messages(payload["id"])
    assert first.id == int(original.id)
    assert [(v.content, v.flags) for v in original.versions] == [("", LOADING | EPHEMERAL), ("다 됐어요", EPHEMERAL)]
    assert followup.contents == ["하나 더", "하나 더 (수정)"]
    assert server.calls_to("execute_webhook")[0].query == {"wait": "1", "with_components": "0"}


# --- gateway --------------------------------------------------------------------------------------------------


async def test_a_sharded_client_answers_a_deferred_slash_command(server: FakeDiscordServer) -> None:
    client = sharded()
    tree = app_commands.CommandTree(client)
    finished: asyncio.Future[tuple[discord.Locale, int]] = asyncio.get_running_loop().create_future()

    @tree.command(name="hello", description="Say hello")
    @app_commands.describe(topic="What to talk about")
    async def hello(interaction: discord.Interaction, topic: str) -> None:
        try:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content=f"{topic} 이야기를 생각 중…")
            followup = await interaction.followup.send("더 할 말", wait=True)
            await followup.edit(content="더 할 말이 있어요")
            finished.set_result((interaction.locale, followup.id))
        except Exception as error:  # noqa: BLE001 — handed to the test
            finished.set_exception(error)

    async with connected(client):
        await tree.set_translator(KoreanTranslator())
        await tree.sync()
        payload = server.slash_command("hello", {"topic": "잠"}, user_id=USER)
        server.dispatch("INTERACTION_CREATE", payload)
        locale, followup_id = await asyncio.wait_for(finished, 5)

    assert [c.name for c in server.calls][:3] == ["get_current_user", "application_info", "get_bot_gateway"]
    [identify] = server.identify_payloads
    assert (identify["intents"], identify["shard"]) == (discord.Intents.default().value, [0, 1])
    [command] = server.synced_commands
    assert (command["name_localizations"], command["description_localizations"]) == (
        {"ko": "안녕"},
        {"ko": "인사해요"},
    )
    assert command["options"][0]["name_localizations"] == {"ko": "주제"}
    assert locale is discord.Locale.korean
    [callback] = server.interaction_callbacks
    assert (callback.type, callback.data, callback.query, callback.status) == (5, None, {"with_response": "1"}, 200)
    original, followup = server.interaction_messages(payload["id"])
    assert [(v.content, v.flags) for v in original.versions] == [("", LOADING), ("잠 이야기를 생각 중…", 0)]
    assert followup.contents == ["더 할 말", "더 할 말이 있어요"]
    assert int(followup.id) == followup_id
    await server.wait_gateway_disconnected()
    assert (server.gateway_connections[0].closed_by, server.gateway_connections[0].close_code) == ("client", 1000)
    assert server.gateway_sessions[0].valid is False  # a 1000 close ends the session


async def test_the_gateway_is_stream_compressed_as_discord_py_asks(server: FakeDiscordServer) -> None:
    """zlib-stream here; zstd-stream when discord.py finds `zstandard` (the fake then compresses with it)."""
    client = sharded()
    received: asyncio.Future[discord.Message] = asyncio.get_running_loop().create_future()

    @client.event
    async def on_message(message: discord.Message) -> None:
        received.set_result(message)

    async with connected(client):
        server.dispatch("MESSAGE_CREATE", server.dm_message(USER, "오늘 너무 피곤해요", [("mood.txt", b"tired")]))
        message = await asyncio.wait_for(received, 5)
        attachment = await message.attachments[0].read()

    [connection] = server.gateway_connections
    asked = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert connection.query == {"v": "10", "encoding": "json", "compress": asked}
    sent = [f for f in server.gateway_sent if f.connection == connection.index]
    assert sent and all(f.binary for f in sent)
    assert [f.t for f in sent if f.op == 0][:1] == ["READY"]
    assert [f.op for f in server.gateway_received][:2] == [1, 2]  # the first heartbeat comes right after HELLO
    assert (message.content, message.author.id, attachment) == ("오늘 너무 피곤해요", USER, b"tired")
    assert isinstance(message.channel, discord.DMChannel)


@pytest.mark.parametrize("how", ["close 4000", "op 7 RECONNECT"])
async def test_a_resumed_session_gets_what_it_missed(server: FakeDiscordServer, how: str) -> None:
    client = sharded()
    contents: list[str] = []
    second = asyncio.Event()

    @client.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)
        if len(contents) == 2:
            second.set()

    async with connected(client):
        server.dispatch("MESSAGE_CREATE", server.dm_message(USER, "하나"))
        if how == "close 4000":
            assert server.gateway_close(4000) == 1
        else:
            server.gateway_reconnect()
        server.dispatch("MESSAGE_CREATE", server.dm_message(USER, "둘"))  # sent live or replayed on RESUME
        await server.wait_gateway_resumed()
        await asyncio.wait_for(second.wait(), 5)

    assert contents == ["하나", "둘"]
    [session] = server.gateway_sessions
    assert session.resumes == 1
    resume = next(f.d for f in server.gateway_received if f.op == 6)
    assert resume["session_id"] == session.session_id
    assert len(server.identify_payloads) == 1
    assert [f.t for f in server.gateway_sent if f.op == 0][-1] == "RESUMED"


async def test_guilds_arrive_after_ready_and_guild_messages_lose_their_content(server: FakeDiscordServer) -> None:
    server.add_guild(GUILD, name="마음 서버", channels={CHANNEL: "일반"})
    client = sharded(guild_ready_timeout=0.2)  # on_ready waits this long after the last GUILD_CREATE
    received: list[discord.Message] = []
    both = asyncio.Event()

    @client.event
    async def on_message(message: discord.Message) -> None:
        received.append(message)
        if len(received) == 2:
            both.set()

    async with connected(client):
        guild = client.get_guild(GUILD)
        assert guild is not None
        assert (guild.name, guild.preferred_locale) == ("마음 서버", discord.Locale.korean)
        channel = client.get_channel(CHANNEL)
        assert channel is not None
        assert channel.name == "일반"  # type: ignore[union-attr]
        server.dispatch("MESSAGE_CREATE", server.guild_message(CHANNEL, USER, "비밀"))
        server.dispatch("MESSAGE_CREATE", server.guild_message(CHANNEL, USER, "불렀어요", mention_bot=True))
        await asyncio.wait_for(both.wait(), 5)

    assert [m.content for m in received] == ["", f"<@{APPLICATION_ID}> 불렀어요"]  # no MESSAGE_CONTENT intent
    assert all(m.guild is not None and m.guild.id == GUILD for m in received)


async def test_a_guild_command_answers_ephemerally_with_a_button(server: FakeDiscordServer) -> None:
    server.add_guild(GUILD, channels={CHANNEL: "일반"})
    client = sharded(guild_ready_timeout=0.2)
    tree = app_commands.CommandTree(client)
    finished: asyncio.Future[tuple[Any, discord.InteractionMessage, int | None]] = (
        asyncio.get_running_loop().create_future()
    )

    @tree.command(name="diary", description="Write a diary", guild=discord.Object(id=GUILD))
    async def diary(interaction: discord.Interaction) -> None:
        try:
            view = discord.ui.View(timeout=None)
            view.add_item(discord.ui.Button(label="저장", custom_id="save"))
            response = await interaction.response.send_message("오늘의 일기", ephemeral=True, view=view)
            original = await interaction.original_response()
            finished.set_result((response, original, interaction.guild_id))
        except Exception as error:  # noqa: BLE001 — handed to the test
            finished.set_exception(error)

    async with connected(client):
        await tree.sync(guild=discord.Object(id=GUILD))
        payload = server.slash_command("diary", user_id=USER, guild_id=GUILD)
        server.dispatch("INTERACTION_CREATE", payload)
        response, original, guild_id = await asyncio.wait_for(finished, 5)

    assert (payload["data"]["guild_id"], payload["guild_id"], payload["channel_id"]) == (
        str(GUILD),
        str(GUILD),
        str(CHANNEL),
    )
    assert [c["name"] for c in server.guild_synced_commands(GUILD)] == ["diary"]
    assert server.synced_commands == []
    assert guild_id == GUILD
    assert isinstance(response.resource, discord.InteractionMessage)
    assert response.resource.flags.ephemeral
    assert response.message_id == original.id
    assert original.content == "오늘의 일기"
    [stored] = server.interaction_messages(payload["id"])
    assert stored.ephemeral
    assert stored.components[0]["components"][0]["custom_id"] == "save"


async def test_a_button_press_updates_its_message(server: FakeDiscordServer) -> None:
    client = sharded()
    done = asyncio.Event()

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.edit_message(content="좋아요를 눌렀어요", view=None)
            done.set()

    async with connected(client):
        payload = server.button_press("like", user_id=USER)
        server.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(done.wait(), 5)

    message = server.message(payload["message"]["id"])
    assert message is not None
    assert [(v.content, v.components) for v in message.versions][-1] == ("좋아요를 눌렀어요", [])
    [callback] = server.interaction_callbacks
    assert callback.type == 7


async def test_the_raw_gateway_speaks_text_and_refuses_a_bad_token(server: FakeDiscordServer) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{server.gateway_url}?v=10&encoding=json") as ws:
        hello = await ws.receive()
        assert hello.type is aiohttp.WSMsgType.TEXT
        assert json.loads(hello.data) == {
            "op": 10,
            "d": {"heartbeat_interval": 41250, "_trace": ['["gateway-prd-fake-1",{"micros":0}]']},
            "s": None,
            "t": None,
        }
        await ws.send_json({"op": 1, "d": None})
        assert json.loads((await ws.receive()).data)["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}})
        closing = await ws.receive()

    assert closing.type is aiohttp.WSMsgType.CLOSE
    assert closing.data == 4004
    assert server.gateway_connections[0].close_code == 4004


async def test_resuming_an_unknown_session_is_an_invalid_session(server: FakeDiscordServer) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{server.gateway_url}?v=10&encoding=json") as ws:
        await ws.receive()
        await ws.send_json({"op": 6, "d": {"token": TOKEN, "session_id": "gone", "seq": 3}})
        invalid = json.loads((await ws.receive()).data)

    assert (invalid["op"], invalid["d"]) == (9, False)


def test_http_interactions_are_signed_with_the_applications_key(server: FakeDiscordServer) -> None:
    from nacl.signing import VerifyKey

    ping = server.ping_interaction()
    body = json.dumps(ping).encode()
    headers = server.sign_interaction(body)

    signed = headers["X-Signature-Timestamp"].encode() + body
    VerifyKey(bytes.fromhex(server.public_key)).verify(signed, bytes.fromhex(headers["X-Signature-Ed25519"]))
    assert server.record_http_response(ping["id"], {"type": 1}) == 204
    assert server.interaction_response_type(ping["id"]) == 1


async def test_the_raw_gateway_frames_inflate_with_one_zlib_context(server: FakeDiscordServer) -> None:
    url = f"{server.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    inflater = zlib.decompressobj()
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        hello = await ws.receive()
        await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": 1 << 12, "properties": {}}})
        ready = await ws.receive()
        await ws.close()

    assert hello.data.endswith(b"\x00\x00\xff\xff") and ready.data.endswith(b"\x00\x00\xff\xff")
    assert json.loads(inflater.decompress(hello.data))["op"] == 10
    decoded = json.loads(inflater.decompress(ready.data))
    assert (decoded["t"], decoded["s"], decoded["d"]["shard"]) == ("READY", 1, [0, 1])
    assert decoded["d"]["resume_gateway_url"] == server.gateway_url
    await server.wait_gateway_disconnected()
