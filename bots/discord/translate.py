"""Discord payloads (interactions and messages, as Discord sends them) → IncomingMessage. Translation only.

The same functions serve the gateway (`maeum discord`) and HTTP interactions (`POST /discord/interactions`): both
hand over the interaction object in Discord's wire format, so a command means the same whichever way it came.
"""

from __future__ import annotations

import re
from typing import Any

from core.domain.values import ChatKind, Platform
from core.inbound import ChatRef, IncomingMessage, Invocation, Sender

PLATFORM = Platform.DISCORD

INTERACTION_PING = 1
INTERACTION_COMMAND = 2
INTERACTION_COMPONENT = 3
CHANNEL_DM = 1
CHANNEL_GROUP_DM = 3
_MENTION = re.compile(r"<@!?\d+>")


def _user_of(payload: dict[str, Any]) -> dict[str, Any]:
    """In a server the user is inside `member`; in a DM it is `user`."""
    member = payload.get("member") or {}
    user = member.get("user") or payload.get("user") or payload.get("author") or {}
    return user if isinstance(user, dict) else {}


def _sender(user: dict[str, Any], locale: str | None) -> Sender:
    name = user.get("global_name") or user.get("username") or str(user.get("id", ""))
    return Sender(external_id=str(user.get("id", "")), name=str(name), locale=locale, is_bot=bool(user.get("bot")))


def _chat(payload: dict[str, Any]) -> ChatRef:
    channel = payload.get("channel") or {}
    channel_id = str(payload.get("channel_id") or channel.get("id") or "")
    direct = not payload.get("guild_id") and channel.get("type", CHANNEL_DM) != CHANNEL_GROUP_DM
    return ChatRef(id=channel_id, kind=ChatKind.DIRECT if direct else ChatKind.GROUP, title=channel.get("name"))


def _option_text(options: list[dict[str, Any]]) -> str:
    """Every option value in order, as one line (a subcommand's options are flattened)."""
    values: list[str] = []
    for option in options:
        if option.get("options"):
            values.append(str(option.get("name", "")))
            values.append(_option_text(option["options"]))
        elif option.get("value") is not None:
            values.append(str(option["value"]))
    return " ".join(v for v in values if v).strip()


def from_interaction(payload: dict[str, Any]) -> IncomingMessage | None:
    """A slash command or a button press; None for anything else (pings, autocomplete, modals)."""
    kind = payload.get("type")
    data = payload.get("data") or {}
    user = _user_of(payload)
    if user.get("bot"):
        return None
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "chat": _chat(payload),
        "sender": _sender(user, payload.get("locale")),
        "message_id": str(payload.get("id", "")),
    }
    if kind == INTERACTION_COMMAND:
        rest = _option_text(list(data.get("options") or []))
        verb = str(data.get("name") or "help")
        return IncomingMessage(**common, invocation=Invocation(verb=verb.lower(), args=tuple(rest.split()), rest=rest))
    if kind == INTERACTION_COMPONENT:
        return IncomingMessage(**common, action=str(data.get("custom_id", "")))
    return None


def from_message(payload: dict[str, Any], *, bot_user_id: str) -> IncomingMessage | None:
    """A direct message (plain text is a worry) or, in a server channel, a message that mentions the bot
    (`@maeum remind 10m 물` is that verb; `@maeum 요즘 힘들어` is a worry) or other talk there. Bots' messages are
    ignored."""
    author = payload.get("author") or {}
    if author.get("bot") or str(author.get("id", "")) == bot_user_id:
        return None
    text = str(payload.get("content") or "")
    chat = _chat(payload)
    sender = _sender(author, None)
    message_id = str(payload.get("id", ""))
    if chat.kind is ChatKind.DIRECT:
        return IncomingMessage(
            platform=PLATFORM,
            chat=chat,
            sender=sender,
            text=text,
            non_text=not text.strip() and bool(payload.get("attachments") or payload.get("sticker_items")),
            message_id=message_id,
        )
    mentioned = any(str(m.get("id", "")) == bot_user_id for m in payload.get("mentions") or [])
    if not mentioned:
        # talk in a server channel (it reaches the bot only with the Message Content intent): the core keeps it
        # only while a product listens, such as a book club's live meeting
        return (
            IncomingMessage(platform=PLATFORM, chat=chat, sender=sender, text=text, message_id=message_id)
            if text.strip()
            else None
        )
    text = _MENTION.sub("", text).strip()
    return IncomingMessage(
        platform=PLATFORM, chat=chat, sender=sender, text=text, mentioned=True, message_id=message_id
    )
