"""Requests as Slack sends them to an app's Request URL: real-shaped payloads, signed with the signing secret.

    body = slash_command_body("오늘 너무 힘들었어")
    headers = signed_headers(body, SIGNING_SECRET)
    response = await http.post("/slack/events", content=body, headers=headers)

Slack signs `v0:{X-Slack-Request-Timestamp}:{raw body}` with HMAC-SHA256 keyed by the app's signing secret and sends
`X-Slack-Signature: v0=<hex digest>`. Slash commands and interactivity arrive form-encoded (interactivity as a single
`payload=<JSON>` field), Events API callbacks as JSON.

The `*_payload` builders give the same payloads as dicts: what Socket Mode carries in an envelope's `payload`
(`FakeSlackServer.socket_send("slash_commands", slash_command_payload(...))`). Event builders (`dm_message_event`,
…) give the inner `event`, for `event_body(event)` or `event_payload(event)`.

Ids follow the fake server's workspace (tests.servers.slack_api): team T000 "maeum-test", app A000, bot user UBOT
with bot id BBOT.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from tests.servers.slack_api import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

__all__ = [
    "FORM",
    "JSON",
    "VERIFICATION_TOKEN",
    "app_home_opened_event",
    "app_mention_event",
    "block_actions_body",
    "block_actions_payload",
    "bot_message_event",
    "channel_message_event",
    "dm_message_event",
    "event_body",
    "event_payload",
    "sign",
    "signed_headers",
    "slash_command_body",
    "slash_command_payload",
    "url_verification_body",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
VERIFICATION_TOKEN = "fake-verification-token"  # the deprecated `token` field every payload still carries
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

_sequence = itertools.count(1)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


# --- signing ------------------------------------------------------------------------------------


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The `X-Slack-Signature` value for `body` sent at `timestamp` (Unix seconds)."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: bytes,
    secret: str,
    *,
    timestamp: int | None = None,
    content_type: str | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """The headers Slack sends with `body`: the timestamp (default: now), the v0 signature, the content type
    (default: JSON for a body starting with `{`, else form-encoded) and Slack's user agent. `retry_num` adds the
    `X-Slack-Retry-Num` / `X-Slack-Retry-Reason` headers of an Events API redelivery."""
    at = int(time.time()) if timestamp is None else timestamp
    if content_type is None:
        content_type = JSON if body.lstrip().startswith(b"{") else FORM
    headers = {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-Slack-Request-Timestamp": str(at),
        "X-Slack-Signature": sign(body, secret, at),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


# --- ids ----------------------------------------------------------------------------------------


def _ts() -> str:
    """A message ts: now, with a unique micro part."""
    return f"{int(time.time())}.{next(_sequence) % 1_000_000:06d}"


def _trigger_id() -> str:
    return f"{int(time.time())}{next(_sequence):03d}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def _event_id() -> str:
    return "Ev" + secrets.token_hex(5).upper()


def _response_url(kind: str, team_id: str) -> str:
    return (
        f"https://hooks.slack.com/{kind}/{team_id}/{next(_sequence)}{secrets.randbelow(10**8)}/{secrets.token_hex(12)}"
    )


def _channel_name(channel_id: str) -> str:
    if channel_id.startswith("D"):
        return "directmessage"
    if channel_id.startswith("G"):
        return "privategroup"
    return "general"


# --- slash commands -----------------------------------------------------------------------------


def slash_command_payload(
    text: str,
    *,
    command: str = "/maeum",
    user_id: str = "U123",
    user_name: str | None = None,
    channel_id: str = "D123",
    channel_name: str | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, str]:
    """A slash command's fields, all strings, in Slack's order (`channel_name` is "directmessage" in a DM)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name or _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or _trigger_id(),
    }


def slash_command_body(
    text: str,
    *,
    command: str = "/maeum",
    user_id: str = "U123",
    user_name: str | None = None,
    channel_id: str = "D123",
    channel_name: str | None = None,
    team_id: str = TEAM_ID,
    team_domain: str = TEAM_DOMAIN,
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> bytes:
    """A slash command as Slack POSTs it: form-encoded (see slash_command_payload)."""
    payload = slash_command_payload(
        text,
        command=command,
        user_id=user_id,
        user_name=user_name,
        channel_id=channel_id,
        channel_name=channel_name,
        team_id=team_id,
        team_domain=team_domain,
        api_app_id=api_app_id,
        trigger_id=trigger_id,
        response_url=response_url,
    )
    return urlencode(payload).encode()


# --- the Events API -----------------------------------------------------------------------------


def event_payload(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    event_time: int | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
) -> dict[str, Any]:
    """An `event_callback` wrapping `event`, authorized for the bot user UBOT."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or _event_id(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(24),
    }


def event_body(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    event_time: int | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
) -> bytes:
    """An Events API callback as Slack POSTs it: JSON (see event_payload)."""
    payload = event_payload(event, event_id=event_id, event_time=event_time, team_id=team_id, api_app_id=api_app_id)
    return json.dumps(payload).encode()


def url_verification_body(challenge: str) -> bytes:
    """The handshake Slack sends when the Request URL is saved; the app answers with the challenge."""
    return json.dumps({"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}).encode()


def _rich_text(text: str) -> list[dict[str, Any]]:
    """The rich_text block Slack's clients attach to a typed message (mentions become user elements)."""
    elements: list[dict[str, Any]] = []
    position = 0
    for mention in _MENTION.finditer(text):
        if mention.start() > position:
            elements.append({"type": "text", "text": text[position : mention.start()]})
        elements.append({"type": "user", "user_id": mention.group(1)})
        position = mention.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    block_id = secrets.token_urlsafe(4)[:5]
    return [
        {"type": "rich_text", "block_id": block_id, "elements": [{"type": "rich_text_section", "elements": elements}]}
    ]


def dm_message_event(
    text: str,
    *,
    user: str = "U123",
    channel: str = "D123",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A person's message in a direct message with the bot (`message.im`)."""
    at = ts or _ts()
    event: dict[str, Any] = {
        "user": user,
        "type": "message",
        "ts": at,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "team": team,
        "blocks": _rich_text(text),
        "channel": channel,
        "event_ts": at,
        "channel_type": "im",
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def channel_message_event(
    text: str,
    *,
    user: str = "U123",
    channel: str = "C123",
    channel_type: str = "channel",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A person's message in a conversation the bot is in: a public channel (`message.channels`), or with
    `channel_type="group"` a private one (`message.groups`). A message mentioning the bot comes this way too, beside
    its `app_mention` twin."""
    event = dm_message_event(text, user=user, channel=channel, ts=ts, thread_ts=thread_ts, team=team)
    event["channel_type"] = channel_type
    return event


def app_mention_event(
    text: str,
    *,
    user: str = "U123",
    channel: str = "C123",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A message mentioning the bot in a channel (`app_mention`); `<@UBOT> ` is put first unless `text` has it."""
    mention = f"<@{BOT_USER_ID}>"
    full = text if mention in text else f"{mention} {text}"
    at = ts or _ts()
    event: dict[str, Any] = {
        "user": user,
        "type": "app_mention",
        "ts": at,
        "client_msg_id": str(uuid.uuid4()),
        "text": full,
        "team": team,
        "blocks": _rich_text(full),
        "channel": channel,
        "event_ts": at,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def bot_message_event(
    text: str,
    *,
    bot_id: str = BOT_ID,
    username: str = BOT_NAME,
    channel: str = "D123",
    channel_type: str = "im",
    ts: str | None = None,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A message posted by a bot (by default this bot, BBOT), as the Events API delivers it back."""
    at = ts or _ts()
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": text,
        "ts": at,
        "username": username,
        "bot_id": bot_id,
        "app_id": app_id,
        "channel": channel,
        "event_ts": at,
        "channel_type": channel_type,
    }


def app_home_opened_event(
    user: str,
    *,
    channel: str = "D123",
    tab: str = "home",
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A user opening the app's Home tab (`view` is the one published before, if any)."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab, "event_ts": _ts()}
    if view is not None:
        event["view"] = view
    return event


# --- interactivity ------------------------------------------------------------------------------


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    user_id: str = "U123",
    user_name: str | None = None,
    channel_id: str = "D123",
    message_ts: str | None = None,
    trigger_id: str | None = None,
    block_id: str | None = None,
    label: str | None = None,
    message_text: str = "",
    message_blocks: list[dict[str, Any]] | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A button click on one of the bot's messages (`block_actions`)."""
    ts = message_ts or _ts()
    name = user_name or user_id.lower()
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": name, "name": name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": _channel_name(channel_id)},
        "message": {
            "user": BOT_USER_ID,
            "type": "message",
            "ts": ts,
            "bot_id": BOT_ID,
            "app_id": api_app_id,
            "text": message_text,
            "team": team_id,
            "blocks": message_blocks or [],
        },
        "state": {"values": {}},
        "response_url": response_url or _response_url("actions", team_id),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id or secrets.token_urlsafe(4)[:4],
                "text": {"type": "plain_text", "text": label or value, "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def block_actions_body(
    action_id: str,
    value: str,
    *,
    user_id: str = "U123",
    user_name: str | None = None,
    channel_id: str = "D123",
    message_ts: str | None = None,
    trigger_id: str | None = None,
    block_id: str | None = None,
    label: str | None = None,
    message_text: str = "",
    message_blocks: list[dict[str, Any]] | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    response_url: str | None = None,
) -> bytes:
    """A button click as Slack POSTs it: form-encoded `payload=<JSON>` (see block_actions_payload)."""
    payload = block_actions_payload(
        action_id,
        value,
        user_id=user_id,
        user_name=user_name,
        channel_id=channel_id,
        message_ts=message_ts,
        trigger_id=trigger_id,
        block_id=block_id,
        label=label,
        message_text=message_text,
        message_blocks=message_blocks,
        team_id=team_id,
        api_app_id=api_app_id,
        response_url=response_url,
    )
    return urlencode({"payload": json.dumps(payload)}).encode()
