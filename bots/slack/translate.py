"""Slack payloads (slash commands, events, block actions) → IncomingMessage. Translation only."""

from __future__ import annotations

import re
from typing import Any

from core.domain.values import ChatKind, Platform
from core.inbound import ChatRef, IncomingMessage, Invocation, Sender

PLATFORM = Platform.SLACK
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def _chat(channel_id: str) -> ChatRef:
    # D… is a direct message with the bot; C…/G… are channels and group conversations.
    return ChatRef(id=channel_id, kind=ChatKind.DIRECT if channel_id.startswith("D") else ChatKind.GROUP)


def _sender(user_id: str, name: str, locale: str | None) -> Sender:
    return Sender(external_id=user_id, name=name or user_id, locale=locale)


def _invocation(text: str) -> Invocation:
    verb, _, rest = text.strip().partition(" ")
    rest = rest.strip()
    return Invocation(verb=(verb or "help").lower(), args=tuple(rest.split()), rest=rest)


def from_command(body: dict[str, Any], *, locale: str | None) -> IncomingMessage:
    """`/maeum worry 요즘 잠이 안 와요` → the verb and its text; `/maeum` alone → help."""
    return IncomingMessage(
        platform=PLATFORM,
        chat=_chat(str(body.get("channel_id", ""))),
        sender=_sender(str(body.get("user_id", "")), str(body.get("user_name", "")), locale),
        invocation=_invocation(str(body.get("text", ""))),
        message_id=str(body.get("trigger_id", "")),
    )


# Where `message` events come from: a direct message with the bot, or a channel or group conversation it is in
# (those arrive only with the message.channels / message.groups events subscribed — the core keeps them only while
# a product listens, such as a book club's live meeting).
_MESSAGE_CHANNELS = frozenset({"im", "channel", "group", "mpim"})


def from_message(event: dict[str, Any], *, locale: str | None) -> IncomingMessage | None:
    """A direct message to the bot (plain text is a worry), or talk in a conversation it is in. Bots' messages,
    edits and joins are ignored."""
    if event.get("bot_id") or event.get("subtype") or event.get("channel_type") not in _MESSAGE_CHANNELS:
        return None
    text = event.get("text")
    if not isinstance(text, str):
        return None
    user = str(event.get("user", ""))
    return IncomingMessage(
        platform=PLATFORM,
        chat=_chat(str(event.get("channel", ""))),
        sender=_sender(user, user, locale),
        text=text,
        non_text=not text.strip() and bool(event.get("files")),
        message_id=str(event.get("ts", "")),
    )


def from_mention(event: dict[str, Any], *, locale: str | None) -> IncomingMessage | None:
    """`@maeum remind 10m 물` is that verb; `@maeum 요즘 힘들어` (no verb first) is a worry."""
    if event.get("bot_id"):
        return None
    text = _MENTION.sub("", str(event.get("text", ""))).strip()
    user = str(event.get("user", ""))
    return IncomingMessage(
        platform=PLATFORM,
        chat=_chat(str(event.get("channel", ""))),
        sender=_sender(user, user, locale),
        text=text,
        mentioned=True,
        message_id=str(event.get("ts", "")),
    )


def from_action(body: dict[str, Any], *, locale: str | None) -> IncomingMessage | None:
    actions = body.get("actions") or []
    if not actions:
        return None
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return IncomingMessage(
        platform=PLATFORM,
        chat=_chat(str(channel)) if channel else ChatRef(id=f"home:{user.get('id', '')}", kind=ChatKind.DIRECT),
        sender=_sender(str(user.get("id", "")), str(user.get("name") or user.get("username") or ""), locale),
        action=str(actions[0].get("value") or actions[0].get("action_id") or ""),
        message_id=str(body.get("trigger_id", "")),
    )
