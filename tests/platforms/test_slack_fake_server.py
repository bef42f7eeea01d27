"""FakeSlackServer's Web API additions and its Socket Mode, driven by the real slack_sdk clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.servers.slack_api import UPLOAD, FakeSlackServer
from tests.servers.slack_signing import (
    block_actions_payload,
    dm_message_event,
    event_payload,
    slash_command_payload,
)

TOKEN = "xoxb-1"
APP_TOKEN = "xapp-1-test"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN, app_token=APP_TOKEN) as running:
        yield running


@pytest.fixture
def slack(server: FakeSlackServer) -> FakeSlackServer:
    server.reset()
    return server


@pytest.fixture
async def web(slack: FakeSlackServer) -> AsyncIterator[AsyncWebClient]:
    client = AsyncWebClient(token=TOKEN, base_url=slack.base_url, retry_handlers=[])
    yield client
    if client.session is not None:
        await client.session.close()


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# --- Web API ------------------------------------------------------------------------------------


async def test_auth_test_names_the_bot(web: AsyncWebClient) -> None:
    answer = await web.auth_test()

    assert (answer["user_id"], answer["bot_id"], answer["team_id"], answer["team"]) == (
        "UBOT",
        "BBOT",
        "T000",
        "maeum-test",
    )
    assert answer["url"] == "https://maeum-test.slack.com/"


async def test_users_info_gives_the_configured_locale_only_when_asked(
    slack: FakeSlackServer, web: AsyncWebClient
) -> None:
    slack.set_user("U777", name="민지", locale="en-US")

    configured = (await web.users_info(user="U777", include_locale=True))["user"]
    unknown = (await web.users_info(user="U123", include_locale=True))["user"]
    without = (await web.users_info(user="U777"))["user"]

    assert (configured["id"], configured["name"], configured["locale"], configured["tz"]) == (
        "U777",
        "민지",
        "en-US",
        "Asia/Seoul",
    )
    assert configured["profile"]["display_name"] == "민지"
    assert configured["is_bot"] is False
    assert (unknown["locale"], unknown["team_id"], unknown["profile"]["display_name"]) == ("ko-KR", "T000", "")
    assert "locale" not in without
    assert slack.calls_to("users.info")[0].body["include_locale"] == "1"  # the SDK sends booleans as 0/1


async def test_users_info_rejects_a_malformed_id_and_obeys_scripted_failures(
    slack: FakeSlackServer, web: AsyncWebClient
) -> None:
    slack.fail_next("users.info", status=429, retry_after=3)

    with pytest.raises(SlackApiError) as limited:
        await web.users_info(user="U1")
    with pytest.raises(SlackApiError, match="user_not_found"):
        await web.users_info(user="C1")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["retry-after"] == "3"


async def test_a_rate_limit_can_cap_any_method() -> None:
    with FakeSlackServer(token=TOKEN, rate_limits={"users.info": 1}) as limited:
        client = AsyncWebClient(token=TOKEN, base_url=limited.base_url, retry_handlers=[])
        await client.users_info(user="U1")
        with pytest.raises(SlackApiError) as raised:
            await client.users_info(user="U1")

        assert raised.value.response.status_code == 429
        assert limited.rate_limited == 1


async def test_chat_post_ephemeral_is_recorded(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    answer = await web.chat_postEphemeral(channel="C1", user="U1", text="나만 보여요", blocks=[section("나만")])

    assert answer["message_ts"]
    [ephemeral] = slack.ephemerals
    assert (ephemeral["channel"], ephemeral["user"], ephemeral["text"]) == ("C1", "U1", "나만 보여요")
    assert ephemeral["blocks"] == [section("나만")]
    assert slack.posted == []


async def test_chat_post_ephemeral_checks_like_a_post(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError, match="no_text"), pytest.warns(UserWarning, match="`text` argument"):
        await web.chat_postEphemeral(channel="C1", user="U1", text="")
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await web.chat_postEphemeral(channel="C1", user="U1", text="x", blocks=[section("x")] * 51)

    assert slack.ephemerals == []


async def test_views_publish_keeps_the_latest_home_view_per_user(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "마음"}}]}

    first = await web.views_publish(user_id="U1", view=home)
    updated = {**home, "blocks": [section("오늘의 기분"), {"type": "divider"}]}
    second = await web.views_publish(user_id="U1", view=updated)

    assert first["view"]["id"] == second["view"]["id"]
    assert first["view"]["id"].startswith("V")
    assert slack.home_views["U1"]["blocks"] == [section("오늘의 기분"), {"type": "divider"}]
    assert slack.home_views["U1"]["type"] == "home"
    with pytest.raises(SlackApiError, match="hash_conflict"):
        await web.views_publish(user_id="U1", view=home, hash="stale")


async def test_views_publish_takes_the_view_as_a_json_string_too(slack: FakeSlackServer) -> None:
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"{slack.base_url}views.publish",
            data={"user_id": "U2", "view": json.dumps({"type": "home", "blocks": [section("안녕")]})},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        answer = await response.json()

    assert answer["ok"] is True
    assert slack.home_views["U2"]["blocks"] == [section("안녕")]


async def test_views_publish_checks_the_type_and_block_limits(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_arguments") as modal:
        await web.views_publish(user_id="U1", view={"type": "modal", "blocks": [section("x")]})
    with pytest.raises(SlackApiError, match="invalid_arguments") as too_many:
        await web.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 101})
    await web.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 100})

    assert "home" in modal.value.response["response_metadata"]["messages"][0]
    assert "100" in too_many.value.response["response_metadata"]["messages"][0]
    assert len(slack.home_views["U1"]["blocks"]) == 100


async def test_files_upload_v2_delivers_the_bytes_intact(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    content = "날짜,기분\n2024-05-01,😊\n".encode() + bytes(range(256))

    answer = await web.files_upload_v2(
        channel="C1", content=content, filename="diary.csv", title="감정 일기", initial_comment="이번 주 기록이에요"
    )

    [stored] = slack.files
    assert stored["bytes"] == content
    assert (stored["filename"], stored["title"], stored["channel"]) == ("diary.csv", "감정 일기", "C1")
    assert stored["initial_comment"] == "이번 주 기록이에요"
    assert answer["file"]["id"] == stored["id"]
    assert answer["file"]["size"] == len(content)
    [asked] = slack.calls_to("files.getUploadURLExternal")
    assert (asked.body["filename"], asked.body["length"]) == ("diary.csv", str(len(content)))
    [upload] = slack.calls_to(UPLOAD)
    assert upload.headers["content-type"] == "application/octet-stream"  # raw bytes, not multipart
    assert upload.response == f"OK - {len(content)}"


async def test_the_upload_url_takes_multipart_too(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    step1 = await web.files_getUploadURLExternal(filename="a.txt", length=5)
    form = aiohttp.FormData()
    form.add_field("filename", "a.txt")
    form.add_field("file", b"\x00abc\xff", filename="a.txt", content_type="application/octet-stream")
    async with aiohttp.ClientSession() as http:
        response = await http.post(step1["upload_url"], data=form)
        assert (response.status, await response.text()) == (200, "OK - 5")

    await web.files_completeUploadExternal(files=[{"id": step1["file_id"], "title": "a"}], channel_id="C9")

    assert [(f["bytes"], f["title"], f["channel"]) for f in slack.files] == [(b"\x00abc\xff", "a", "C9")]


async def test_a_failed_upload_surfaces_in_the_sdk(slack: FakeSlackServer, web: AsyncWebClient) -> None:
    from slack_sdk.errors import SlackRequestError

    slack.fail_next(UPLOAD, status=500)

    with pytest.raises(SlackRequestError, match="status: 500"):
        await web.files_upload_v2(channel="C1", content=b"x", filename="x.bin")
    with pytest.raises(SlackApiError, match="file_not_found"):
        await web.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id="C1")

    assert slack.files == []


async def test_tokens_are_not_interchangeable(slack: FakeSlackServer) -> None:
    bot = AsyncWebClient(token=TOKEN, base_url=slack.base_url, retry_handlers=[])
    app = AsyncWebClient(token=APP_TOKEN, base_url=slack.base_url, retry_handlers=[])

    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await bot.apps_connections_open(app_token=TOKEN)
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await bot.apps_connections_open(app_token="xapp-1-other")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await app.auth_test()
    opened = await bot.apps_connections_open(app_token=APP_TOKEN)

    assert opened["url"] == f"ws://127.0.0.1:{slack.port}/socket-mode"


# --- Socket Mode --------------------------------------------------------------------------------


@pytest.fixture
async def socket_client(slack: FakeSlackServer) -> AsyncIterator[tuple[SocketModeClient, list[dict[str, Any]]]]:
    """The SDK's aiohttp Socket Mode client, connected, acking every request (with a payload for commands)."""
    web_client = AsyncWebClient(token=TOKEN, base_url=slack.base_url)
    client = SocketModeClient(app_token=APP_TOKEN, web_client=web_client)
    seen: list[dict[str, Any]] = []

    async def on_message(_: Any, message: dict[str, Any], raw: str | None) -> None:
        seen.append(message)

    async def on_request(socket: Any, request: SocketModeRequest) -> None:
        payload = {"text": "잠시만요"} if request.type == "slash_commands" else None
        await socket.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=payload))

    client.message_listeners.append(on_message)
    client.socket_mode_request_listeners.append(on_request)
    await client.connect()  # type: ignore[no-untyped-call]
    try:
        yield client, seen
    finally:
        await client.close()  # type: ignore[no-untyped-call]
        if web_client.session is not None:
            await web_client.session.close()
        await slack.wait_socket_closed()


async def test_socket_mode_says_hello_and_carries_envelopes_and_acks(
    slack: FakeSlackServer, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    _, seen = socket_client
    await slack.wait_socket_connected()

    command = slash_command_payload("안녕", user_id="U7")
    event = event_payload(dm_message_event("안녕", user="U7"))
    command_id = slack.socket_send("slash_commands", command)
    event_id = slack.socket_send("events_api", event)
    command_ack = await slack.wait_for_ack(command_id)
    event_ack = await slack.wait_for_ack(event_id)

    [opened] = slack.calls_to("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"
    hello, first, second = seen
    assert hello["type"] == "hello"
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A000"}
    assert (first["type"], first["envelope_id"], first["payload"]) == ("slash_commands", command_id, command)
    assert (first["accepts_response_payload"], first["retry_attempt"], first["retry_reason"]) == (True, 0, "")
    assert (second["type"], second["accepts_response_payload"], second["payload"]) == ("events_api", False, event)
    assert command_ack.payload == {"text": "잠시만요"}
    assert event_ack.payload is None
    sent = {e.envelope_id: e for e in slack.socket_envelopes}
    assert 0 <= command_ack.at - sent[command_id].at < 2.0
    assert [a.envelope_id for a in slack.socket_acks] == [command_id, event_id]


async def test_socket_mode_reconnects_after_a_disconnect_notice(
    slack: FakeSlackServer, socket_client: tuple[SocketModeClient, list[dict[str, Any]]]
) -> None:
    await slack.wait_socket_connected()

    slack.socket_disconnect("refresh_requested")
    deadline = asyncio.get_running_loop().time() + 5
    while slack.socket_connects < 2 or slack.socket_connections != 1:  # the old connection closed, a new one open
        assert asyncio.get_running_loop().time() < deadline, "the client did not reconnect"
        await asyncio.sleep(0.01)
    envelope_id = slack.socket_send("interactive", block_actions_payload("m:helped:7", "m:helped:7"))

    ack = await slack.wait_for_ack(envelope_id)
    assert ack.envelope_id == envelope_id
    assert len(slack.calls_to("apps.connections.open")) == 2  # a fresh URL for the new connection


def test_socket_send_without_a_client_fails_fast(slack: FakeSlackServer) -> None:
    with pytest.raises(RuntimeError, match="no Socket Mode client"):
        slack.socket_send("events_api", {}, timeout=0.05)


async def test_slack_bolts_socket_mode_handler_runs_against_the_fake(slack: FakeSlackServer) -> None:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncApp

    app = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=slack.base_url))

    @app.command("/maeum")
    async def command(ack: Any, say: Any, command: dict[str, Any]) -> None:
        await ack("받았어요")
        await say(f"{command['text']}에 답해요")

    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        await slack.wait_socket_connected()
        envelope_id = slack.socket_send("slash_commands", slash_command_payload("안녕", channel_id="D7"))
        ack = await slack.wait_for_ack(envelope_id)
        for _ in range(200):
            if slack.posted:
                break
            await asyncio.sleep(0.01)
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await slack.wait_socket_closed()

    assert ack.payload == {"text": "받았어요"}
    assert [(p["channel"], p["text"]) for p in slack.posted] == [("D7", "안녕에 답해요")]
    assert [c.method for c in slack.calls][:2] == ["apps.connections.open", "auth.test"]
