"""The conversation on Telegram: send, edit (streaming), typing; 429 waits, "not modified" is success."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, RetryAfter

from bots.telegram.messenger import retry_after_seconds
from bots.telegram.render import TelegramMessage, render, render_document
from core.ports import MessageRef
from core.replies import Attachment, Reply

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RETRY_AFTER_TRIES = 3


async def call_telegram(call: Callable[[], Awaitable[T]]) -> T | None:
    """One Bot API call: waits out 429 retry_after (bounded); "message is not modified" counts as done."""
    for attempt in range(MAX_RETRY_AFTER_TRIES + 1):
        try:
            return await call()
        except RetryAfter as limit:
            if attempt == MAX_RETRY_AFTER_TRIES:
                raise
            seconds = retry_after_seconds(limit)
            logger.info("telegram asked to wait %ss", seconds)
            await asyncio.sleep(seconds)
        except BadRequest as error:
            if "message is not modified" in str(error).lower():
                return None
            raise
    return None


class TelegramResponder:
    """Replies in one chat. A reply longer than 4,096 characters is several messages; edits keep them in step."""

    def __init__(self, bot: Bot, chat_id: int | str) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._parts: dict[str, list[int]] = {}

    async def send(self, reply: Reply) -> MessageRef:
        ids = [await self._send_part(part) for part in render(reply)]
        for attachment in reply.attachments:
            await self._send_attachment(attachment)
        ref = MessageRef(id=str(ids[0]))
        self._parts[ref.id] = ids
        return ref

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        ids = self._parts.setdefault(ref.id, [int(ref.id)])
        for index, part in enumerate(render(reply)):
            if index < len(ids):
                await self._edit_part(ids[index], part)
            else:  # the streamed text outgrew one message: continue in a new one
                ids.append(await self._send_part(part))
        if final:
            self._parts.pop(ref.id, None)

    async def show_typing(self) -> None:
        await call_telegram(lambda: self._bot.send_chat_action(chat_id=self._chat_id, action=ChatAction.TYPING))

    async def _edit_part(self, message_id: int, part: TelegramMessage) -> None:
        async def edit() -> object:
            return await self._bot.edit_message_text(
                chat_id=self._chat_id,
                message_id=message_id,
                text=part.html,
                parse_mode=ParseMode.HTML,
                reply_markup=part.keyboard,
            )

        await call_telegram(edit)

    async def _send_part(self, part: TelegramMessage) -> int:
        sent: Message | None = await call_telegram(
            lambda: self._bot.send_message(
                chat_id=self._chat_id, text=part.html, parse_mode=ParseMode.HTML, reply_markup=part.keyboard
            )
        )
        assert sent is not None
        return sent.message_id

    async def _send_attachment(self, attachment: Attachment) -> None:
        send: Any = self._bot.send_photo if attachment.kind == "image" else self._bot.send_document
        field = "photo" if attachment.kind == "image" else "document"
        await call_telegram(lambda: send(chat_id=self._chat_id, **{field: render_document(attachment)}))
