"""Pushes to Telegram through the Bot API: a Reply rendered as HTML messages and sent with python-telegram-bot.

The durable delivery workers call `TelegramMessenger.push`; they own retries, backoff and pacing. So nothing here
waits or retries by itself, and python-telegram-bot's errors are translated into the port's vocabulary:

  RetryAfter (HTTP 429, flood control)            → RetryLater(after=retry_after seconds)
  Forbidden (403: blocked by the user, kicked     → RecipientUnreachable (retrying will not help)
  from the group, user deactivated, …)
  BadRequest "chat not found", "user is           → RecipientUnreachable
  deactivated", "bot was kicked", "have no
  rights to send", …
  InvalidToken (401 / 404 on the token)           → RuntimeError("Telegram rejected the bot token") — a
                                                    configuration error; to the caller it is transient
  anything else (other BadRequests, 5xx,          → propagates unchanged, retried with backoff
  TimedOut, NetworkError)

A group that became a supergroup (ChatMigrated) is followed once to its new id, remembered for later pushes.

A reply longer than one message is several sendMessage calls, then one upload per attachment. Telegram has no
idempotency key, so a push retried after a failure part-way through would repeat what already went out: the
messenger remembers, per `idempotency_key` (in this process, the last 10,000 keys), how many parts were delivered,
and a retry of the same key resumes after them (a key already delivered in full returns its last message_id without
sending again). A retry in another process, or after a timeout whose message did arrive, can still repeat a part.
"""

from __future__ import annotations

import asyncio
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bots.telegram.render import TelegramMessage, render, render_document
from core.ports import Recipient, RecipientUnreachable, RetryLater
from core.replies import Attachment, Reply

__all__ = ["TELEGRAM_API_URL", "UNREACHABLE_HINTS", "TelegramMessenger", "retry_after_seconds", "translate_error"]

TELEGRAM_API_URL = "https://api.telegram.org/bot"

# Fragments of BadRequest descriptions that mean the chat cannot be reached (compared in lower case).
UNREACHABLE_HINTS = (
    "chat not found",
    "user is deactivated",
    "bot was kicked",
    "bot was blocked",
    "have no rights to send",
    "not enough rights to send",
    "need administrator rights",
    "chat_write_forbidden",
    "chat_restricted",
    "peer_id_invalid",
    "group chat was deactivated",
    "bot can't initiate conversation",
    "user_banned_in_channel",
)
_PROGRESS_SIZE = 10_000  # idempotency keys remembered
_MAX_MIGRATIONS = 1


@dataclass
class _Progress:
    parts_done: int = 0
    last_message_id: str | None = None


def retry_after_seconds(error: RetryAfter) -> float:
    """RetryAfter's delay as float seconds. PTB 22 returns an int (with a deprecation warning) or, with
    PTB_TIMEDELTA=true, a timedelta; both are accepted here without the warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(0.0, seconds)


def translate_error(error: Exception) -> Exception:
    """The port's exception for a python-telegram-bot error; the error itself when the caller should retry."""
    if isinstance(error, RetryAfter):
        return RetryLater(after=retry_after_seconds(error), reason="Telegram flood control")
    if isinstance(error, Forbidden):
        return RecipientUnreachable(error.message)
    if isinstance(error, InvalidToken):
        return RuntimeError("Telegram rejected the bot token")
    if isinstance(error, BadRequest):  # checked after the others: BadRequest is a NetworkError, not a superclass
        description = error.message.lower()
        if any(hint in description for hint in UNREACHABLE_HINTS):
            return RecipientUnreachable(error.message)
    return error


class TelegramMessenger:
    """The Messenger port for Telegram (a bot token from @BotFather).

    No AIORateLimiter (nor any other PTB rate limiter) here on purpose: pacing is shared across every delivery
    worker by the caller (the Pacer port, keyed per chat and globally), and a 429 must reach the caller as
    RetryLater rather than be slept through inside one worker.
    """

    platform = "telegram"

    def __init__(self, *, token: str, base_url: str = TELEGRAM_API_URL) -> None:
        self._token = token
        self._base_url = base_url
        self._bot: Bot | None = None
        self._starting = asyncio.Lock()
        self._progress: OrderedDict[str, _Progress] = OrderedDict()
        self._migrated: dict[int | str, int] = {}

    async def _client(self) -> Bot:
        """The Bot, built and initialised (getMe) on first use."""
        if self._bot is not None:
            return self._bot
        async with self._starting:
            if self._bot is None:
                bot = Bot(self._token, base_url=self._base_url)
                try:
                    await bot.initialize()
                except InvalidToken:
                    await bot.shutdown()
                    # `from None`: PTB's message quotes the whole token, which must not reach logs
                    raise RuntimeError("Telegram rejected the bot token") from None
                except RetryAfter as error:
                    await bot.shutdown()
                    raise translate_error(error) from error
                except BaseException:
                    await bot.shutdown()
                    raise
                self._bot = bot
            return self._bot

    async def aclose(self) -> None:
        """Close the HTTP connections (the messenger can be used again afterwards)."""
        bot, self._bot = self._bot, None
        if bot is not None:
            await bot.shutdown()

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        """Send `reply` (its messages, then its attachments) to the recipient's chat and return the last
        message_id. Raises RetryLater or RecipientUnreachable as the port says; RuntimeError when Telegram rejects
        the token; other TelegramErrors (and network errors) propagate for the caller's backoff."""
        chat_id = _chat_id_of(recipient)
        messages = render(reply)
        parts: list[TelegramMessage | Attachment] = [*messages, *reply.attachments]
        if not parts:
            raise ValueError("an empty reply cannot be pushed")
        progress = self._progress.pop(idempotency_key, None) or _Progress()
        self._progress[idempotency_key] = progress
        while len(self._progress) > _PROGRESS_SIZE:
            self._progress.popitem(last=False)
        bot = await self._client()
        for part in parts[progress.parts_done :]:
            sent = await self._send(bot, chat_id, part, paid=recipient.paid_broadcast)
            progress.parts_done += 1
            progress.last_message_id = str(sent.message_id)
        if progress.last_message_id is None:
            raise RuntimeError("Telegram accepted the messages but returned no message_id")
        return progress.last_message_id

    async def _send(self, bot: Bot, chat_id: int | str, part: TelegramMessage | Attachment, *, paid: bool) -> Message:
        migrations = 0
        while True:
            target = self._migrated.get(chat_id, chat_id)
            try:
                return await _send_one(bot, target, part, paid=paid)
            except ChatMigrated as moved:
                if migrations >= _MAX_MIGRATIONS:
                    raise
                migrations += 1
                self._migrated[chat_id] = moved.new_chat_id
            except (RetryAfter, Forbidden, InvalidToken, BadRequest) as error:
                translated = translate_error(error)
                if translated is error:
                    raise
                if isinstance(error, InvalidToken):
                    raise translated from None  # PTB's message may quote the token
                raise translated from error


async def _send_one(bot: Bot, chat_id: int | str, part: TelegramMessage | Attachment, *, paid: bool) -> Message:
    # A paid broadcast (Recipient.paid_broadcast) may go past 30 messages a second; Telegram charges Stars for it.
    # None leaves the flag out of the request, as every other send has always been.
    paid_broadcast = True if paid else None
    if isinstance(part, TelegramMessage):
        return await bot.send_message(
            chat_id=chat_id,
            text=part.html,
            parse_mode=ParseMode.HTML,
            reply_markup=part.keyboard,
            allow_paid_broadcast=paid_broadcast,
        )
    if part.kind == "image":
        return await bot.send_photo(chat_id=chat_id, photo=render_document(part), allow_paid_broadcast=paid_broadcast)
    return await bot.send_document(chat_id=chat_id, document=render_document(part), allow_paid_broadcast=paid_broadcast)


def _chat_id_of(recipient: Recipient) -> int | str:
    """The chat to send to: the chat id, else the user's id (a private chat's id is the user's id). Numeric ids
    become ints; "@channelname" stays a string."""
    raw = recipient.chat_id or recipient.user_external_id
    if not raw:
        raise RecipientUnreachable("a Telegram recipient needs a chat id or a user id")
    try:
        return int(raw)
    except ValueError:
        return raw
