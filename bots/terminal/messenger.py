"""Pushes to terminal users: printed with the recipient's name, here or in whichever `maeum chat` listens."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

from core.domain.values import Platform
from core.ports import Recipient, RecipientUnreachable
from core.replies import Reply

PLATFORM = Platform.TERMINAL
CHANNEL = "maeum:terminal:pushes"


def recipient_name(recipient: Recipient) -> str:
    """Who a push is printed for: a person by name, a group chat (a book club's room) as `#GROUPNAME`."""
    if recipient.chat_id is not None and recipient.chat_id.startswith("group:"):
        return "#" + recipient.chat_id.removeprefix("group:")
    return recipient.display_name or recipient.user_external_id or "?"


def format_push(name: str, reply: Reply) -> str:
    return f"\n📨 → {name}: {reply.plain_text}\n"


class PrintingTerminalMessenger:
    """`maeum chat` without Redis: the clock and delivery run in the chat process and print directly."""

    platform = PLATFORM

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._sent = 0

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        self._write(format_push(recipient_name(recipient), reply))
        self._sent += 1
        return f"terminal-{self._sent}"


class RedisTerminalMessenger:
    """Workers publish terminal pushes; a running `maeum chat` subscribed to the channel prints them."""

    platform = PLATFORM

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        name = recipient_name(recipient)
        listeners = await self._redis.publish(CHANNEL, json.dumps({"name": name, "text": reply.plain_text}))
        if not listeners:
            raise RecipientUnreachable("no maeum chat is listening")
        return idempotency_key


async def print_published_pushes(redis: Any, write: Callable[[str], None], stop: asyncio.Event) -> None:
    """In `maeum chat` with Redis: print what workers deliver to terminal users."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(CHANNEL)
    try:
        while not stop.is_set():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message is None:
                continue
            with contextlib.suppress(ValueError, KeyError):
                data = json.loads(message["data"])
                write(f"\n📨 → {data['name']}: {data['text']}\n")
    finally:
        await pubsub.unsubscribe(CHANNEL)
        await pubsub.aclose()
