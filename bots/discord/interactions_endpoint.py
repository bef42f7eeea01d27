"""Discord's HTTP interactions (the "Interactions Endpoint URL"), for deployments without a gateway connection.

discord.py has no server for these, so the protocol is here, kept free of any web framework (bots/web.py routes
`POST /discord/interactions` to it):

- every request is signed with Ed25519: the signature (hex, `X-Signature-Ed25519`) of `X-Signature-Timestamp`
  followed by the raw body, made with the application's key; `DISCORD_PUBLIC_KEY` verifies it (PyNaCl). A missing or
  bad signature, or a timestamp more than five minutes away from now (a replay), answers 401 and does nothing else.
- PING (type 1) answers PONG (type 1): how Discord checks the URL when it is saved.
- a slash command or a button press is recorded in the inbox, then acknowledged in the HTTP answer as a deferred
  response (type 5, "maeum is thinking…"); the answer itself follows through the interaction's webhook, as over the
  gateway (bots.discord.app.DiscordBot).
"""

from __future__ import annotations

import binascii
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from bots.discord.app import DiscordBot
from bots.discord.translate import INTERACTION_COMMAND, INTERACTION_COMPONENT, INTERACTION_PING

logger = logging.getLogger(__name__)

MAX_CLOCK_SKEW_SECONDS = 300
PONG = 1
DEFERRED_CHANNEL_MESSAGE = 5


@dataclass(frozen=True)
class EndpointAnswer:
    status: int
    body: dict[str, Any] | None = None
    after: Callable[[], Awaitable[None]] | None = None  # work to do once the answer is on its way


class SignatureChecker:
    def __init__(self, public_key_hex: str, *, now: Callable[[], float] = time.time) -> None:
        self._key = VerifyKey(bytes.fromhex(public_key_hex))
        self._now = now

    def valid(self, headers: Mapping[str, str], body: bytes) -> bool:
        signature = headers.get("x-signature-ed25519", "")
        timestamp = headers.get("x-signature-timestamp", "")
        if not signature or not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return False
        if abs(self._now() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
            return False
        try:
            self._key.verify(timestamp.encode() + body, binascii.unhexlify(signature))
        except (BadSignatureError, binascii.Error, ValueError):
            return False
        return True


def _interaction(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


class InteractionsEndpoint:
    def __init__(self, bot: DiscordBot, checker: SignatureChecker) -> None:
        self._bot = bot
        self._checker = checker

    async def answer(self, headers: Mapping[str, str], body: bytes) -> EndpointAnswer:
        if not self._checker.valid(headers, body):
            return EndpointAnswer(401, {"message": "invalid request signature"})
        payload = _interaction(body)
        if payload is None:
            return EndpointAnswer(400, {"message": "not an interaction"})
        kind = payload.get("type")
        if kind == INTERACTION_PING:
            return EndpointAnswer(200, {"type": PONG})
        if kind not in (INTERACTION_COMMAND, INTERACTION_COMPONENT):
            logger.info("discord: interaction type %s is not handled", kind)
            return EndpointAnswer(400, {"message": "unsupported interaction type"})
        inbox_id = await self._bot.accept_interaction(payload)
        if inbox_id is None:  # the same interaction again: it was acknowledged and is being answered
            return EndpointAnswer(200, {"type": DEFERRED_CHANNEL_MESSAGE})

        async def process() -> None:
            await self._bot.inbox.process(inbox_id)

        return EndpointAnswer(200, {"type": DEFERRED_CHANNEL_MESSAGE}, after=process)
