"""The conversation on Discord: answers to an interaction (through its webhook) or in a channel, streamed by edits.

A reply may need several messages (see bots.discord.render); a MessageRef stands for all of them and edits keep
them in step, adding a message when streamed text outgrows the ones sent.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bots.discord.render import DiscordMessage, EmbedPart, render
from core.ports import MessageRef
from core.replies import Reply

logger = logging.getLogger(__name__)

UNSENT = "unsent"  # the ref of a reply Discord refused to show (missing permissions): edits do nothing


def embed_of(part: EmbedPart) -> discord.Embed:
    embed = discord.Embed(title=part.title, description=part.description or None, color=part.color)
    if part.footer:
        embed.set_footer(text=part.footer)
    return embed


def view_of(message: DiscordMessage) -> discord.ui.View | None:
    """Buttons whose custom ids are core action ids; presses reach bots.discord.app.ActionButton."""
    if not message.rows:
        return None
    view = discord.ui.View(timeout=None)
    for row, buttons in enumerate(message.rows):
        for button in buttons:
            view.add_item(
                discord.ui.Button(
                    label=button.label, custom_id=button.action, style=discord.ButtonStyle.secondary, row=row
                )
            )
    return view


def release(view: discord.ui.View | None) -> None:
    """discord.py keeps a sent view to route its presses; ours are routed by custom id, so it need not be kept."""
    if view is not None:
        view.stop()


def send_kwargs(message: DiscordMessage) -> tuple[dict[str, Any], discord.ui.View | None]:
    view = view_of(message)
    kwargs: dict[str, Any] = {}
    if message.content is not None:
        kwargs["content"] = message.content
    if message.embeds:
        kwargs["embeds"] = [embed_of(e) for e in message.embeds]
    if view is not None:
        kwargs["view"] = view
    if message.attachments:
        kwargs["files"] = [discord.File(io.BytesIO(a.content), filename=a.filename) for a in message.attachments]
    return kwargs, view


def edit_kwargs(message: DiscordMessage) -> tuple[dict[str, Any], discord.ui.View | None]:
    """An edit replaces content, embeds and buttons (None clears them); attachments stay as sent."""
    view = view_of(message)
    return {"content": message.content, "embeds": [embed_of(e) for e in message.embeds], "view": view}, view


class _MessagesResponder:
    """Sends a reply as its messages and keeps, per ref, the ids of the messages that show it."""

    def __init__(self) -> None:
        self._parts: dict[str, list[int]] = {}

    async def _post(self, message: DiscordMessage, *, first: bool, ephemeral: bool) -> int:
        raise NotImplementedError

    async def _patch(self, message_id: int, message: DiscordMessage) -> None:
        raise NotImplementedError

    async def send(self, reply: Reply) -> MessageRef:
        ids: list[int] = []
        for index, message in enumerate(render(reply)):
            ids.append(await self._post(message, first=index == 0, ephemeral=reply.ephemeral))
        if not ids or ids[0] == 0:
            return MessageRef(id=UNSENT)
        ref = MessageRef(id=str(ids[0]))
        self._parts[ref.id] = ids
        return ref

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        if ref.id == UNSENT:
            return
        ids = self._parts.setdefault(ref.id, [int(ref.id)])
        for index, message in enumerate(render(reply)):
            if index < len(ids):
                await self._patch(ids[index], message)
            else:  # streamed text outgrew the messages sent so far
                ids.append(await self._post(message, first=False, ephemeral=reply.ephemeral))
        if final:
            self._parts.pop(ref.id, None)


class InteractionResponder(_MessagesResponder):
    """Answers an interaction that was deferred ("maeum is thinking…"): the first message replaces the placeholder,
    the rest are follow-ups. Interaction webhooks need no channel permission and stay valid for 15 minutes.

    `interaction` is the live discord.py Interaction when this process received it over the gateway; for HTTP
    interactions (and ones recovered from the inbox) only the webhook is known, and the first follow-up fills the
    placeholder, as Discord documents for a follow-up sent right after a deferred response.
    """

    def __init__(
        self, webhook: discord.Webhook, *, interaction: discord.Interaction | None = None, in_guild: bool = False
    ) -> None:
        super().__init__()
        self._webhook = webhook
        self._interaction = interaction
        self._in_guild = in_guild
        self._placeholder = True
        self._original_id: int | None = None
        # Over HTTP, Discord may not know of the deferral yet when the answer starts: the first follow-up
        # waits for it (see _first_follow_up), and every later message waits for the first.
        self._first_sent = asyncio.Event()

    async def _post(self, message: DiscordMessage, *, first: bool, ephemeral: bool) -> int:
        kwargs, view = send_kwargs(message)
        try:
            if self._placeholder:
                self._placeholder = False
                if self._interaction is not None and ephemeral and self._in_guild:
                    # a usage note is for the asker only: the public placeholder goes, a private note comes
                    await self._interaction.delete_original_response()
                    sent = await self._webhook.send(wait=True, ephemeral=True, **kwargs)
                    return sent.id
                if self._interaction is not None:
                    files = kwargs.pop("files", None)
                    if files:
                        kwargs["attachments"] = files  # what editing the original calls its uploads
                    original = await self._interaction.edit_original_response(**kwargs)
                    self._original_id = original.id
                    return original.id
                try:
                    sent = await _first_follow_up(self._webhook, message)
                finally:
                    self._first_sent.set()
                self._original_id = sent.id
                return sent.id
            if self._interaction is None:
                await self._first_sent.wait()
            sent = await self._webhook.send(wait=True, ephemeral=ephemeral and self._in_guild, **kwargs)
            return sent.id
        finally:
            release(view)

    async def _patch(self, message_id: int, message: DiscordMessage) -> None:
        kwargs, view = edit_kwargs(message)
        try:
            if self._interaction is not None and message_id == self._original_id:
                await self._interaction.edit_original_response(**kwargs)
            else:
                await self._webhook.edit_message(message_id, **kwargs)
        finally:
            release(view)

    async def show_typing(self) -> None:
        return None  # the deferred response already shows "maeum is thinking…"


UNKNOWN_WEBHOOK = 10015
_FIRST_FOLLOW_UP_TRIES = 4


def _webhook_not_known_yet(error: BaseException) -> bool:
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_WEBHOOK


async def _first_follow_up(webhook: discord.Webhook, message: DiscordMessage) -> discord.WebhookMessage:
    """The first follow-up to an HTTP interaction. Discord learns of the deferral from our HTTP answer, which may
    still be on its way when a quick reply is ready: "Unknown Webhook" then means "not yet", so it is tried again
    for about a second before giving up."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(_webhook_not_known_yet),
        stop=stop_after_attempt(_FIRST_FOLLOW_UP_TRIES),
        wait=wait_exponential(multiplier=0.15, max=1.0),
        reraise=True,
    ):
        with attempt:
            kwargs, view = send_kwargs(message)  # afresh each time: a send closes its files
            try:
                return await webhook.send(wait=True, **kwargs)
            finally:
                release(view)
    raise AssertionError("unreachable: tenacity re-raises the last error")


class ChannelResponder(_MessagesResponder):
    """Answers in a channel or DM (a plain message to the bot). When Discord refuses for missing permissions, the
    asker is told once through `on_forbidden` (a DM) and nothing else is attempted."""

    def __init__(
        self,
        channel: discord.PartialMessageable,
        *,
        on_forbidden: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self._channel = channel
        self._on_forbidden = on_forbidden
        self._refused = False

    async def _post(self, message: DiscordMessage, *, first: bool, ephemeral: bool) -> int:
        if self._refused:
            return 0
        kwargs, view = send_kwargs(message)
        try:
            sent = await self._channel.send(**kwargs)
        except discord.Forbidden:
            await self._refuse()
            return 0
        finally:
            release(view)
        return sent.id

    async def _patch(self, message_id: int, message: DiscordMessage) -> None:
        if self._refused or message_id == 0:
            return
        kwargs, view = edit_kwargs(message)
        try:
            await self._channel.get_partial_message(message_id).edit(**kwargs)
        except discord.Forbidden:
            await self._refuse()
        finally:
            release(view)

    async def _refuse(self) -> None:
        logger.info("discord: no permission to post in channel %s", self._channel.id)
        if not self._refused and self._on_forbidden is not None:
            self._refused = True
            try:
                await self._on_forbidden()
            except discord.HTTPException:
                logger.info("discord: could not tell the user either (DMs closed)")
        self._refused = True

    async def show_typing(self) -> None:
        if self._refused:
            return
        try:
            await self._channel.typing()
        except discord.HTTPException:
            return  # typing is a courtesy; the message itself reports real problems
