"""tests.servers.slack_signing: signatures the real SDK accepts, payloads the real Bolt routes."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier

from tests.servers.slack_signing import (
    FORM,
    JSON,
    app_home_opened_event,
    app_mention_event,
    block_actions_body,
    bot_message_event,
    dm_message_event,
    event_body,
    event_payload,
    sign,
    signed_headers,
    slash_command_body,
    slash_command_payload,
    url_verification_body,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def test_the_signature_verifies_with_the_sdk() -> None:
    body = slash_command_body("오늘 너무 힘들었어")

    headers = signed_headers(body, SECRET)

    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert headers["Content-Type"] == FORM
    assert headers["X-Slack-Signature"].startswith("v0=")
    assert abs(int(headers["X-Slack-Request-Timestamp"]) - time.time()) < 5


def test_the_signature_is_slacks_v0_hmac_of_timestamp_and_body() -> None:
    body = event_body(dm_message_event("안녕"))

    assert SignatureVerifier(SECRET).generate_signature(timestamp="1531420618", body=body) == sign(
        body, SECRET, 1531420618
    )


def test_another_secret_a_changed_body_or_a_stale_timestamp_fail() -> None:
    body = event_body(dm_message_event("안녕"))
    verifier = SignatureVerifier(SECRET)

    assert not verifier.is_valid_request(body, signed_headers(body, "another-secret"))
    assert not verifier.is_valid_request(body + b" ", signed_headers(body, SECRET))
    assert not verifier.is_valid_request(body, signed_headers(body, SECRET, timestamp=int(time.time()) - 301))
    assert verifier.is_valid_request(body, signed_headers(body, SECRET, timestamp=int(time.time()) - 240))


def test_the_content_type_follows_the_body_and_retries_carry_slacks_headers() -> None:
    event = event_body(app_mention_event("안녕"))

    headers = signed_headers(event, SECRET, retry_num=1)

    assert headers["Content-Type"] == JSON
    assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == ("1", "http_timeout")
    assert signed_headers(url_verification_body("c"), SECRET)["Content-Type"] == JSON
    assert signed_headers(block_actions_body("a", "v"), SECRET)["Content-Type"] == FORM


def test_a_slash_command_is_form_encoded_like_slacks() -> None:
    form = {k: v[0] for k, v in parse_qs(slash_command_body("기분 일기", channel_id="D123").decode()).items()}
    in_channel = slash_command_payload("x", channel_id="C123")

    assert form["command"] == "/maeum"
    assert form["text"] == "기분 일기"
    assert (form["user_id"], form["channel_id"], form["channel_name"]) == ("U123", "D123", "directmessage")
    assert (form["team_id"], form["team_domain"], form["api_app_id"]) == ("T000", "maeum-test", "A000")
    assert form["is_enterprise_install"] == "false"
    assert form["response_url"].startswith("https://hooks.slack.com/commands/T000/")
    assert form["trigger_id"]
    assert in_channel["channel_name"] != "directmessage"


def test_an_event_callback_has_slacks_envelope() -> None:
    event = dm_message_event("안녕", user="U9", ts="1700000000.000200")

    body = json.loads(event_body(event, event_id="Ev123"))

    assert body["type"] == "event_callback"
    assert body["event"] == event
    assert (body["event_id"], body["team_id"], body["api_app_id"]) == ("Ev123", "T000", "A000")
    assert isinstance(body["event_time"], int)
    assert body["authorizations"][0]["user_id"] == "UBOT"
    assert event["channel_type"] == "im"
    assert event["event_ts"] == event["ts"] == "1700000000.000200"
    assert event_payload(event)["event_id"] != event_payload(event)["event_id"]


def test_event_builders() -> None:
    mention = app_mention_event("도와줘")
    bot = bot_message_event("자동 응답")
    home = app_home_opened_event("U123")

    assert mention["text"] == "<@UBOT> 도와줘"
    assert mention["blocks"][0]["elements"][0]["elements"][0] == {"type": "user", "user_id": "UBOT"}
    assert app_mention_event("<@UBOT> 안녕")["text"] == "<@UBOT> 안녕"
    assert (bot["subtype"], bot["bot_id"]) == ("bot_message", "BBOT")
    assert (home["type"], home["user"], home["tab"]) == ("app_home_opened", "U123", "home")


def test_block_actions_arrive_as_a_payload_field() -> None:
    body = block_actions_body("m:helped:7", "m:helped:7", user_id="U5", channel_id="D5", message_ts="1.000100")

    [raw] = parse_qs(body.decode())["payload"]
    payload = json.loads(raw)

    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U5"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1.000100",
        "channel_id": "D5",
        "is_ephemeral": False,
    }
    assert payload["channel"]["id"] == "D5"
    assert payload["message"]["ts"] == "1.000100"
    [action] = payload["actions"]
    assert (action["action_id"], action["value"], action["type"]) == ("m:helped:7", "m:helped:7", "button")
    assert {"block_id", "action_ts"} <= action.keys()
    assert payload["trigger_id"]
    assert payload["response_url"].startswith("https://hooks.slack.com/actions/T000/")


# --- the real Bolt routes them ------------------------------------------------------------------


@pytest.fixture
def bolt() -> tuple[App, list[tuple[str, dict[str, Any]]]]:
    def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=None, team_id="T000", bot_token="xoxb-1", bot_user_id="UBOT", bot_id="BBOT"
        )

    app = App(signing_secret=SECRET, authorize=authorize, process_before_response=True)
    seen: list[tuple[str, dict[str, Any]]] = []

    @app.command("/maeum")
    def command(ack: Any, command: dict[str, Any]) -> None:
        ack()
        seen.append(("command", command))

    @app.event("message")
    def message(event: dict[str, Any]) -> None:
        seen.append(("message", event))

    @app.event("app_mention")
    def mention(event: dict[str, Any]) -> None:
        seen.append(("app_mention", event))

    @app.event("app_home_opened")
    def home(event: dict[str, Any]) -> None:
        seen.append(("app_home_opened", event))

    @app.action("m:helped:7")
    def action(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append(("action", body))

    return app, seen


def dispatch(app: App, body: bytes, *, secret: str = SECRET) -> int:
    headers: dict[str, Any] = dict(signed_headers(body, secret))
    return app.dispatch(BoltRequest(body=body.decode(), headers=headers)).status


def test_bolt_routes_every_built_request(bolt: tuple[App, list[tuple[str, dict[str, Any]]]]) -> None:
    app, seen = bolt

    statuses = [
        dispatch(app, slash_command_body("안녕", user_id="U7")),
        dispatch(app, event_body(dm_message_event("안녕", user="U7"))),
        dispatch(app, event_body(app_mention_event("안녕", user="U7"))),
        dispatch(app, event_body(app_home_opened_event("U7"))),
        dispatch(app, block_actions_body("m:helped:7", "m:helped:7", user_id="U7")),
    ]

    assert statuses == [200] * 5
    assert [kind for kind, _ in seen] == ["command", "message", "app_mention", "app_home_opened", "action"]
    assert seen[0][1]["text"] == "안녕"
    assert seen[4][1]["actions"][0]["value"] == "m:helped:7"


def test_bolt_ignores_the_bots_own_messages(bolt: tuple[App, list[tuple[str, dict[str, Any]]]]) -> None:
    app, seen = bolt

    status = dispatch(app, event_body(bot_message_event("내가 보낸 말")))

    assert status == 200
    assert seen == []


def test_bolt_answers_the_url_verification_and_rejects_a_wrong_signature(
    bolt: tuple[App, list[tuple[str, dict[str, Any]]]],
) -> None:
    app, seen = bolt
    body = url_verification_body("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    verification = app.dispatch(BoltRequest(body=body.decode(), headers=dict(signed_headers(body, SECRET))))

    assert verification.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in verification.body
    assert dispatch(app, slash_command_body("안녕"), secret="wrong") == 401
    assert seen == []
