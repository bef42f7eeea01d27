"""Pushes to Discord through the REST API with discord.py: a Reply as messages in a channel, or in a person's DM
(opened with POST /users/@me/channels, remembered per user).

The durable delivery workers call `DiscordMessenger.push`; they own retries, backoff and pacing. discord.py's errors
become the port's vocabulary:

  429 (per route or global), discord.RateLimited  → RetryLater(after=retry_after); discord.py itself waits out only
                                                    short limits (up to `MAX_RATELIMIT_WAIT` seconds) in-process
  403: 50007 cannot DM this user, 50013 missing   → RecipientUnreachable (retrying will not help)
  permissions, 50001 missing access; 404 unknown
  channel / user
  401 (the token is wrong or revoked)             → RuntimeError, and no request at all for `TOKEN_COOL_DOWN`
  anything else (5xx, network)                    → propagates unchanged, retried with backoff

Discord bans (for about an hour) an IP that makes 10,000 invalid requests (401, 403, 429) in 10 minutes, so this
process counts its own and stops asking before that (`InvalidRequestGuard`): past its budget every push is put off
as RetryLater until the window has room again.

Each message carries a nonce derived from the push's idempotency key (and the part's index) with
`enforce_nonce`: Discord returns the message already created for that nonce instead of a second one, so a push
retried after a timeout whose message did arrive is not doubled (for a few minutes, as Discord keeps nonces).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable

import discord

from bots.discord.render import render
from bots.discord.responder import release, send_kwargs
from bots.discord.sdk_endpoints import DISCORD_API_BASE, use_api_base
from core.ports import Recipient, RecipientUnreachable, RetryLater
from core.replies import Reply

logger = logging.getLogger(__name__)

MAX_RATELIMIT_WAIT = 30.0  # discord.py's smallest setting: longer limits are raised, not slept through
INVALID_WINDOW = 600.0  # Discord's window for counting invalid requests
INVALID_BUDGET = 1_000  # a tenth of what gets the IP banned: several workers may share it
TOKEN_COOL_DOWN = 600.0
ACCOUNT_HOLD_SECONDS = 600.0
UNREACHABLE_CODES = frozenset({50007, 50013, 50001, 10003, 10013, 50033})
_DM_CHANNELS = 10_000
NONCE_LENGTH = 25  # Discord's limit for a string nonce


def nonce_for(idempotency_key: str, part: int) -> str:
    return hashlib.sha256(f"{idempotency_key}#{part}".encode()).hexdigest()[:NONCE_LENGTH]


class InvalidRequestGuard:
    """Counts 401/403/429 answers in a sliding 10-minute window; refuses to ask once the budget is spent or the
    token was rejected."""

    def __init__(self, *, budget: int = INVALID_BUDGET, now: Callable[[], float] = time.monotonic) -> None:
        self._budget = budget
        self._now = now
        self._seen: deque[float] = deque()
        self._token_rejected_until = float("-inf")

    def _trim(self) -> None:
        cutoff = self._now() - INVALID_WINDOW
        while self._seen and self._seen[0] <= cutoff:
            self._seen.popleft()

    def check(self) -> None:
        if self._now() < self._token_rejected_until:
            raise RuntimeError("Discord rejected the bot token (cooling down before asking again)")
        self._trim()
        if len(self._seen) >= self._budget:
            wait = self._seen[0] + INVALID_WINDOW - self._now()
            raise RetryLater(after=max(wait, 1.0), reason="too many invalid Discord requests in 10 minutes")

    def record(self, status: int) -> None:
        if status in (401, 403, 429):
            self._seen.append(self._now())
        if status == 401:
            self._token_rejected_until = self._now() + TOKEN_COOL_DOWN

    @property
    def recent(self) -> int:
        self._trim()
        return len(self._seen)


def translate_error(error: discord.HTTPException | discord.RateLimited) -> Exception:
    """The port's exception for a discord.py error; the error itself when the caller should retry with backoff."""
    status = getattr(error, "status", 0)
    if isinstance(error, discord.RateLimited):
        return RetryLater(after=error.retry_after, reason="Discord rate limit")
    if status == 429:
        after = _retry_after(error)
        return RetryLater(after=after, reason="Discord rate limit")
    if status == 401:
        return RuntimeError("Discord rejected the bot token")
    if status in (403, 404) and error.code in UNREACHABLE_CODES:
        return RecipientUnreachable(f"Discord {status} code {error.code}")
    if status == 403:
        # the whole bot is held back (opening DMs too fast 40003, sending disabled 40004, anti-spam 20026):
        # not this recipient's fault, so wait long and let the operator know
        logger.error("discord refused a push account-wide: 403 code %s", error.code)
        return RetryLater(after=ACCOUNT_HOLD_SECONDS, reason=f"Discord 403 code {error.code}")
    return error


def _retry_after(error: discord.HTTPException) -> float:
    response = getattr(error, "response", None)
    header = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(float(header), 0.0) if header is not None else 60.0
    except ValueError:
        return 60.0


class DiscordMessenger:
    """The Messenger port for Discord (a bot token from the Developer Portal)."""

    platform = "discord"

    def __init__(
        self, *, token: str, api_base: str = DISCORD_API_BASE, guard: InvalidRequestGuard | None = None
    ) -> None:
        self._token = token
        self._api_base = api_base
        self._client: discord.Client | None = None
        self._starting = asyncio.Lock()
        self._dm_channels: OrderedDict[str, int] = OrderedDict()
        self.guard = guard or InvalidRequestGuard()

    async def _rest(self) -> discord.Client:
        """A REST-only client (no gateway connection), logged in on first use."""
        if self._client is not None:
            return self._client
        async with self._starting:
            if self._client is None:
                use_api_base(self._api_base)
                client = discord.Client(
                    intents=discord.Intents.none(),
                    max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
                    allowed_mentions=discord.AllowedMentions.none(),  # pushes carry text people wrote
                )
                try:
                    await client.login(self._token)
                except discord.LoginFailure:
                    await client.close()
                    self.guard.record(401)
                    raise RuntimeError("Discord rejected the bot token") from None
                except BaseException:
                    await client.close()
                    raise
                self._client = client
            return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        """Send `reply` and return the id of its last message. Raises RetryLater or RecipientUnreachable as the
        port says; RuntimeError while the token is rejected; other errors propagate for the caller's backoff."""
        self.guard.check()
        client = await self._rest()
        try:
            channel = await self._channel_for(client, recipient)
            last_id = ""
            for index, message in enumerate(render(reply)):
                kwargs, view = send_kwargs(message)
                try:
                    sent = await channel.send(nonce=nonce_for(idempotency_key, index), **kwargs)
                finally:
                    release(view)
                last_id = str(sent.id)
        except (discord.HTTPException, discord.RateLimited) as error:  # RateLimited is not an HTTPException
            self.guard.record(error.status if isinstance(error, discord.HTTPException) else 429)
            translated = translate_error(error)
            if translated is error:
                raise
            raise translated from error
        return last_id

    async def _channel_for(self, client: discord.Client, recipient: Recipient) -> discord.abc.Messageable:
        if recipient.chat_id:
            return client.get_partial_messageable(int(recipient.chat_id))
        user_id = recipient.user_external_id
        if not user_id or not user_id.isdigit():
            raise RecipientUnreachable("a Discord recipient needs a channel id or a user id")
        channel_id = self._dm_channels.get(user_id)
        if channel_id is None:
            dm = await client.create_dm(discord.Object(id=int(user_id)))
            channel_id = dm.id
            self._dm_channels[user_id] = channel_id
            while len(self._dm_channels) > _DM_CHANNELS:
                self._dm_channels.popitem(last=False)
        return client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
