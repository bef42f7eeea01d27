"""maeum on Discord with discord.py: slash commands, buttons and DMs over the gateway (`maeum discord`), or the same
commands as HTTP interactions (`POST /discord/interactions` in `maeum serve`).

Every interaction is acknowledged first (a deferred response: "maeum is thinking…", within Discord's 3 seconds),
then recorded in the durable inbox (platform + interaction id, unique) and answered through the interaction's
webhook as the core streams its reply. An interaction seen twice is handled once; one accepted just before a crash
is answered after it, while its token is still valid (15 minutes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import discord

from bots.discord.responder import ChannelResponder, InteractionResponder
from bots.discord.sdk_endpoints import use_api_base, use_gateway
from bots.discord.slash_commands import CatalogTranslator, build_tree
from bots.discord.translate import PLATFORM, from_interaction, from_message
from bots.shared.streaming import ThrottledResponder
from core.bootstrap import App
from core.domain.values import ChatKind, locale_from_platform
from core.face import PlatformFace
from core.inbound import IncomingMessage
from core.ports import Responder
from core.usecases.inbox_intake import ReplyJournal, recover_forever

logger = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0  # Discord allows 5 edits per 5 seconds on a message's bucket
MAX_RATELIMIT_WAIT = 30.0
NO_MENTIONS = discord.AllowedMentions.none()  # replies echo what people typed: "@everyone" must not ping anyone
GUILD_READY_TIMEOUT = 2.0  # how long discord.py waits for the guilds of READY before calling on_ready


def interaction_payload(interaction: discord.Interaction) -> dict[str, Any]:
    """The parts of an interaction the core needs, in Discord's wire format (what HTTP interactions carry)."""
    user = interaction.user
    payload: dict[str, Any] = {
        "id": str(interaction.id),
        "application_id": str(interaction.application_id),
        "type": interaction.type.value,
        "token": interaction.token,
        "data": dict(interaction.data or {}),
        "locale": interaction.locale.value,
        "channel_id": str(interaction.channel_id or ""),
        "user": {"id": str(user.id), "username": user.name, "global_name": user.global_name, "bot": user.bot},
    }
    if interaction.guild_id is not None:
        payload["guild_id"] = str(interaction.guild_id)
    channel_type = getattr(interaction.channel, "type", None)  # None for a channel discord.py has not cached
    if channel_type is not None:
        payload["channel"] = {"id": payload["channel_id"], "type": channel_type.value}
    return payload


def message_payload(message: discord.Message) -> dict[str, Any]:
    author = message.author
    payload: dict[str, Any] = {
        "id": str(message.id),
        "channel_id": str(message.channel.id),
        "author": {"id": str(author.id), "username": author.name, "global_name": author.global_name, "bot": author.bot},
        "content": message.content,
        "attachments": [{"filename": a.filename} for a in message.attachments],
        "sticker_items": [{"id": str(s.id)} for s in message.stickers],
        "mentions": [{"id": str(m.id)} for m in message.mentions],
    }
    if message.guild is not None:
        payload["guild_id"] = str(message.guild.id)
    return payload


class DiscordBot:
    """What both ways in share: the inbox, translation, and answering through the core."""

    def __init__(self, app: PlatformFace, client: discord.Client) -> None:
        self.app = app
        self.client = client
        self.inbox = app.inbox_intake(PLATFORM, self._handle_stored)
        self._live: dict[str, discord.Interaction] = {}

    @property
    def application_id(self) -> int:
        configured = self.app.settings.discord_application_id
        return int(configured) if configured else int(self.client.application_id or 0)

    async def receive_interaction(self, interaction: discord.Interaction) -> None:
        """Gateway: acknowledge at once, then record and answer."""
        try:
            await interaction.response.defer(thinking=True)
        except discord.NotFound:
            logger.warning("discord interaction %s expired before it was acknowledged", interaction.id)
            return
        except discord.HTTPException as error:
            if error.code != 40060:  # already acknowledged (a repeat): the inbox decides what to do
                raise
        payload = interaction_payload(interaction)
        self._live[payload["id"]] = interaction
        try:
            await self.inbox.receive(f"interaction:{payload['id']}", _stored("interaction", payload))
        finally:
            self._live.pop(payload["id"], None)

    async def accept_interaction(self, payload: dict[str, Any]) -> int | None:
        """HTTP: record before answering Discord's request; None when seen before."""
        return await self.inbox.accept(f"interaction:{payload.get('id', '')}", _stored("interaction", payload))

    async def receive_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        mentioned = self.client.user is not None and self.client.user in message.mentions
        if message.guild is not None and not mentioned and not self.app.settings.discord_message_content:
            return
        await self.inbox.receive(f"message:{message.id}", _stored("message", message_payload(message)))

    async def recover_inbox(self, *, fresh_too: bool = False) -> int:
        return await self.inbox.recover(fresh_too=fresh_too)

    async def _handle_stored(self, payload: str, journal: ReplyJournal) -> None:
        stored = json.loads(payload)
        if stored["kind"] == "interaction":
            await self.handle_interaction(stored["body"], journal=journal)
        else:
            await self.handle_message(stored["body"], journal=journal)

    async def handle_interaction(self, payload: dict[str, Any], *, journal: ReplyJournal | None = None) -> None:
        incoming = from_interaction(payload)
        if incoming is None:
            return
        if _token_expired(str(payload.get("id", "")), now=self.app.clock.now()):
            # recovered from the inbox too late: Discord no longer takes answers on this token (15 minutes)
            logger.warning("discord interaction %s is past its 15-minute token; not answered", payload.get("id"))
            return
        webhook = discord.Webhook.partial(self.application_id, str(payload["token"]), client=self.client)
        # An interaction's follow-up webhook is the application's (type 3), which is what lets discord.py send
        # ephemeral messages through it; `partial` makes an incoming one (type 1).
        webhook.type = discord.WebhookType.application
        inner = InteractionResponder(
            webhook, interaction=self._live.get(str(payload.get("id"))), in_guild=incoming.chat.kind is ChatKind.GROUP
        )
        await self._dispatch(incoming, ThrottledResponder(inner, interval=EDIT_INTERVAL), journal)

    async def _dispatch(self, incoming: IncomingMessage, responder: Responder, journal: ReplyJournal | None) -> None:
        if journal is not None:
            incoming, responder = journal.message(incoming), journal.wrap(responder)
        await self.app.dispatcher.handle(incoming, responder)

    async def handle_message(self, payload: dict[str, Any], *, journal: ReplyJournal | None = None) -> None:
        bot_user = self.client.user
        incoming = from_message(payload, bot_user_id=str(bot_user.id) if bot_user else "")
        if incoming is None:
            return
        channel = self.client.get_partial_messageable(int(incoming.chat.id))
        author_id = int(incoming.sender.external_id)

        async def tell_in_dm() -> None:
            async with self.app.uow() as uow:
                user = await uow.users.by_identity(PLATFORM, str(author_id))
            locale = user.locale if user is not None else locale_from_platform(None)
            notice = self.app.catalog.text(locale, "discord.notice.no_permission")
            dm = await self.client.create_dm(discord.Object(id=author_id))
            await dm.send(notice)

        inner = ChannelResponder(channel, on_forbidden=tell_in_dm)
        await self._dispatch(incoming, ThrottledResponder(inner, interval=EDIT_INTERVAL), journal)


INTERACTION_TOKEN_LIFETIME = timedelta(minutes=15)


def _token_expired(interaction_id: str, *, now: datetime) -> bool:
    """Whether an interaction's token has expired, from the time in its id (a Discord snowflake)."""
    if not interaction_id.isdecimal():
        return False
    return now - discord.utils.snowflake_time(int(interaction_id)) > INTERACTION_TOKEN_LIFETIME - timedelta(seconds=30)


def _stored(kind: str, body: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, "body": body}, ensure_ascii=False)


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?s).+"):
    """Every button maeum sends: its custom id is a core action id (`mm:verb:args`), so presses are understood
    after a restart. Registered at start-up; any custom id reaches the core, which answers stale ones with a
    short notice."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(custom_id=custom_id, label="·"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ActionButton:
        return cls(match.group(0))

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if isinstance(client, GatewayClient):
            await client.maeum.receive_interaction(interaction)


class GatewayClient(discord.AutoShardedClient):
    """The gateway bot. Sharded automatically: discord.py asks GET /gateway/bot for the shard count and URL."""

    def __init__(self, app: PlatformFace, *, guild_ready_timeout: float = GUILD_READY_TIMEOUT) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True  # DMs carry their text without the privileged message-content intent
        intents.guild_messages = True  # …and so do messages that mention the bot
        # a server channel's other talk (a book club's live meeting) needs the privileged intent, when enabled
        intents.message_content = app.settings.discord_message_content
        options: dict[str, Any] = {
            "intents": intents,
            "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
            "guild_ready_timeout": guild_ready_timeout,
            "allowed_mentions": NO_MENTIONS,
        }
        if app.settings.discord_application_id:  # else discord.py learns it when logging in
            options["application_id"] = int(app.settings.discord_application_id)
        super().__init__(**options)
        self.maeum = DiscordBot(app, self)
        self.tree = build_tree(self, app.verbs, app.catalog, self.maeum.receive_interaction)
        self.ready_once = asyncio.Event()

    async def setup_hook(self) -> None:
        settings = self.maeum.app.settings
        use_gateway(await discover_gateway(settings.discord_api_base, settings.discord_bot_token or ""))
        self.add_dynamic_items(ActionButton)
        await self.tree.set_translator(CatalogTranslator(self.maeum.app.catalog))
        synced = await self.tree.sync()
        logger.info("discord: %d slash commands synced", len(synced))

    async def on_ready(self) -> None:
        if not self.ready_once.is_set():
            self.ready_once.set()
            recovered = await self.maeum.recover_inbox(fresh_too=True)  # the gateway is the only receiver
            logger.info("discord: connected as %s (%d unfinished updates recovered)", self.user, recovered)

    async def on_message(self, message: discord.Message) -> None:
        await self.maeum.receive_message(message)


async def _recover_when_ready(client: GatewayClient, stop: asyncio.Event) -> None:
    """Retries and updates a crashed process left, once connected (on_ready has taken what was pending)."""
    await client.ready_once.wait()
    await recover_forever([client.maeum.inbox], stop)


async def discover_gateway(api_base: str, token: str) -> str:
    """The gateway URL from GET /gateway/bot on the configured REST base (discord.py's plain clients would go
    straight to Discord's public gateway)."""
    headers = {"Authorization": f"Bot {token}", "User-Agent": "DiscordBot (maeum, 1.0)"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{api_base.rstrip('/')}/gateway/bot", headers=headers) as response,
    ):
        response.raise_for_status()
        body = await response.json()
    return str(body["url"])


async def sync_commands(app: App) -> int:
    """Register the slash commands (with their Korean localizations) and return how many: what `maeum discord`
    does at start, for deployments that only use HTTP interactions."""
    settings = app.settings
    assert settings.discord_bot_token is not None
    use_api_base(settings.discord_api_base)

    async def not_served_here(interaction: discord.Interaction) -> None:
        raise RuntimeError("this client only syncs commands")

    options: dict[str, Any] = {"intents": discord.Intents.none()}
    if settings.discord_application_id:
        options["application_id"] = int(settings.discord_application_id)
    client = discord.Client(**options)
    tree = build_tree(client, app.verbs, app.catalog, not_served_here)
    async with client:
        await client.login(settings.discord_bot_token)
        await tree.set_translator(CatalogTranslator(app.catalog))
        return len(await tree.sync())


async def run_gateway(
    app: App,
    *,
    stop: asyncio.Event,
    guild_ready_timeout: float = GUILD_READY_TIMEOUT,
    started: asyncio.Event | None = None,
) -> None:
    """`maeum discord`: connected until `stop` is set. `started` is set once on_ready ran (inbox recovered)."""
    settings = app.settings
    assert settings.discord_bot_token is not None
    use_api_base(settings.discord_api_base)
    client = GatewayClient(app, guild_ready_timeout=guild_ready_timeout)
    if started is not None:
        client.ready_once = started
    async with client:
        runner = asyncio.create_task(client.start(settings.discord_bot_token))
        stopper = asyncio.create_task(stop.wait())
        recovery = asyncio.create_task(_recover_when_ready(client, stop))
        try:
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                runner.result()  # a failure to log in or connect ends the process with its reason
        finally:
            stopper.cancel()
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery
            await client.close()
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await runner
