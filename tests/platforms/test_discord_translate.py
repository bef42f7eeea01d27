"""Discord payloads → IncomingMessage, and the Ed25519 check of HTTP interactions."""

from __future__ import annotations

import time

import pytest
from nacl.signing import SigningKey

from bots.discord.interactions_endpoint import SignatureChecker
from bots.discord.translate import from_interaction, from_message
from core.domain.values import ChatKind

USER = {"id": "111", "username": "minji", "global_name": "민지"}


def command(name: str, *options: tuple[str, str], guild: bool = False) -> dict:
    payload = {
        "id": "900",
        "type": 2,
        "token": "tok",
        "channel_id": "555",
        "locale": "en-US",
        "data": {
            "id": "1",
            "name": name,
            "type": 1,
            "options": [{"name": n, "type": 3, "value": v} for n, v in options],
        },
    }
    if guild:
        payload["guild_id"] = "777"
        payload["member"] = {"user": USER}
    else:
        payload["user"] = USER
    return payload


def test_a_slash_command_in_a_dm_is_the_verb_with_its_option_text() -> None:
    incoming = from_interaction(command("remind", ("what", "10m 물 마시기")))
    assert incoming is not None
    assert incoming.invocation is not None
    assert (incoming.invocation.verb, incoming.invocation.rest) == ("remind", "10m 물 마시기")
    assert incoming.invocation.args == ("10m", "물", "마시기")
    assert incoming.chat.kind is ChatKind.DIRECT
    assert (incoming.sender.external_id, incoming.sender.name, incoming.sender.locale) == ("111", "민지", "en-US")


def test_in_a_server_the_user_comes_from_member_and_the_chat_is_a_group() -> None:
    incoming = from_interaction(command("worry", ("text", "요즘 잠이 안 와요"), guild=True))
    assert incoming is not None
    assert incoming.chat.kind is ChatKind.GROUP
    assert incoming.sender.external_id == "111"


def test_a_button_press_is_its_custom_id_and_pings_are_not_messages() -> None:
    press = {"id": "901", "type": 3, "token": "t", "channel_id": "555", "user": USER, "data": {"custom_id": "mm:new"}}
    incoming = from_interaction(press)
    assert incoming is not None
    assert incoming.action == "mm:new"
    assert from_interaction({"id": "1", "type": 1}) is None


def test_dm_text_is_a_worry_bots_are_ignored_and_server_talk_is_not_addressed() -> None:
    dm = {"id": "1", "channel_id": "42", "author": USER, "content": "요즘 힘들어요"}
    incoming = from_message(dm, bot_user_id="999")
    assert incoming is not None
    assert (incoming.text, incoming.chat.kind) == ("요즘 힘들어요", ChatKind.DIRECT)
    assert from_message({**dm, "author": {**USER, "bot": True}}, bot_user_id="999") is None
    in_server = {**dm, "guild_id": "7", "content": "그냥 잡담"}
    talk = from_message(in_server, bot_user_id="999")  # with the Message Content intent: a live meeting's log
    assert talk is not None and (talk.text, talk.mentioned, talk.chat.kind) == ("그냥 잡담", False, ChatKind.GROUP)
    assert from_message({**in_server, "content": ""}, bot_user_id="999") is None  # without it: no text at all
    mention = {**in_server, "content": "<@999> remind 10m 물", "mentions": [{"id": "999"}]}
    incoming = from_message(mention, bot_user_id="999")
    assert incoming is not None
    assert (incoming.text, incoming.mentioned, incoming.invocation) == ("remind 10m 물", True, None)
    worry = from_message({**mention, "content": "<@!999> 요즘 힘들어"}, bot_user_id="999")
    assert worry is not None  # the core reads a verb first, else a worry (tests/unit/test_routing.py)
    assert (worry.text, worry.mentioned) == ("요즘 힘들어", True)


def test_a_photo_alone_in_a_dm_is_non_text() -> None:
    incoming = from_message(
        {"id": "1", "channel_id": "42", "author": USER, "content": "", "attachments": [{"filename": "a.png"}]},
        bot_user_id="999",
    )
    assert incoming is not None
    assert incoming.non_text


@pytest.fixture
def signing() -> tuple[SigningKey, SignatureChecker]:
    key = SigningKey.generate()
    return key, SignatureChecker(key.verify_key.encode().hex())


def signed(key: SigningKey, body: bytes, timestamp: str) -> dict[str, str]:
    return {
        "x-signature-ed25519": key.sign(timestamp.encode() + body).signature.hex(),
        "x-signature-timestamp": timestamp,
    }


def test_a_real_ed25519_signature_is_accepted(signing: tuple[SigningKey, SignatureChecker]) -> None:
    key, checker = signing
    body = b'{"type":1}'
    assert checker.valid(signed(key, body, str(int(time.time()))), body)


def test_forged_tampered_stale_and_missing_signatures_are_refused(signing: tuple[SigningKey, SignatureChecker]) -> None:
    key, checker = signing
    body = b'{"type":1}'
    now = str(int(time.time()))
    headers = signed(key, body, now)
    assert not checker.valid(headers, b'{"type":2}')  # body changed after signing
    assert not checker.valid(signed(SigningKey.generate(), body, now), body)  # someone else's key
    assert not checker.valid(signed(key, body, str(int(time.time()) - 600)), body)  # a replay
    assert not checker.valid({}, body)
    assert not checker.valid({**headers, "x-signature-ed25519": "zz"}, body)


def test_an_interaction_older_than_its_token_is_not_answered() -> None:
    from datetime import UTC, datetime, timedelta

    import discord

    from bots.discord.app import _token_expired

    now = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    fresh = str(discord.utils.time_snowflake(now - timedelta(minutes=1)))
    stale = str(discord.utils.time_snowflake(now - timedelta(minutes=16)))
    assert not _token_expired(fresh, now=now)
    assert _token_expired(stale, now=now)
    assert not _token_expired("not-a-snowflake", now=now)
