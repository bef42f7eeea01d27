"""maeum on Slack with slack-bolt: `/maeum <verb>`, direct messages, @mentions, buttons and App Home,
over HTTP (`POST /slack/events` in `maeum serve`) or Socket Mode (`maeum slack-socket`).

Every request is recorded in the durable inbox and acknowledged before any other work (Slack wants an
answer within 3 seconds); the answer follows as messages. A retried event (X-Slack-Retry-Num) or the same
event id twice is handled once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bots.shared.streaming import ThrottledResponder
from bots.slack.responder import HomeResponder, SlackResponder
from bots.slack.translate import PLATFORM, from_action, from_command, from_mention, from_message
from core.bootstrap import App
from core.domain.values import ChatKind
from core.face import PlatformFace
from core.inbound import ChatRef, IncomingMessage, Invocation, Sender
from core.ports import Responder
from core.usecases.inbox_intake import ReplyJournal, recover_forever

logger = logging.getLogger(__name__)

EDIT_INTERVAL = 1.2  # chat.update: Slack allows about one message a second per channel
LOCALE_CACHE = 10_000


class SlackBot:
    def __init__(self, app: PlatformFace, client: AsyncWebClient) -> None:
        self.app = app
        self.client = client
        self._locales: OrderedDict[str, str | None] = OrderedDict()
        self.inbox = app.inbox_intake(PLATFORM, self._handle_stored)

    async def locale_of(self, user_id: str) -> str | None:
        """The user's Slack locale (users.info include_locale), asked once per user and process."""
        if user_id in self._locales:
            return self._locales[user_id]
        locale = None
        try:
            answer = await self.client.users_info(user=user_id, include_locale=True)
            locale = (answer.get("user") or {}).get("locale")
        except Exception:  # noqa: BLE001 — a missing scope or an unknown user falls back to the default language
            logger.info("slack users.info failed for a user; default language")
        self._locales[user_id] = locale
        if len(self._locales) > LOCALE_CACHE:
            self._locales.popitem(last=False)
        return locale

    async def recover_inbox(self, *, fresh_too: bool = False) -> int:
        return await self.inbox.recover(fresh_too=fresh_too)

    async def accept(self, kind: str, dedupe_id: str, body: dict[str, Any]) -> int | None:
        return await self.inbox.accept(f"{kind}:{dedupe_id}", json.dumps({"kind": kind, "body": body}))

    async def process(self, inbox_id: int) -> None:
        await self.inbox.process(inbox_id)

    async def _handle_stored(self, payload: str, journal: ReplyJournal) -> None:
        stored = json.loads(payload)
        await self.handle(stored["kind"], stored["body"], journal=journal)

    async def handle(self, kind: str, body: dict[str, Any], *, journal: ReplyJournal | None = None) -> None:
        if kind == "home":
            await self.publish_home(str(body["user"]))
            return
        user_id = _user_of(kind, body)
        locale = await self.locale_of(user_id) if user_id else None
        incoming: IncomingMessage | None
        if kind == "command":
            incoming = from_command(body, locale=locale)
        elif kind == "action":
            incoming = from_action(body, locale=locale)
        elif kind == "mention":
            incoming = from_mention(body, locale=locale)
        else:
            incoming = from_message(body, locale=locale)
        if incoming is None:
            return
        if incoming.chat.id.startswith("home:"):
            # a button on the Home tab answers in the user's DM with the bot
            opened = await self.client.conversations_open(users=user_id)
            incoming = IncomingMessage(
                platform=incoming.platform,
                chat=ChatRef(id=opened["channel"]["id"], kind=ChatKind.DIRECT),
                sender=incoming.sender,
                action=incoming.action,
                message_id=incoming.message_id,
            )
        responder: Responder = ThrottledResponder(
            SlackResponder(self.client, incoming.chat.id, user=user_id), interval=EDIT_INTERVAL
        )
        if journal is not None:
            incoming, responder = journal.message(incoming), journal.wrap(responder)
        await self.app.dispatcher.handle(incoming, responder)
        if kind != "message" or incoming.chat.kind is ChatKind.DIRECT:
            await self.publish_home(user_id)  # the Home tab shows the latest summary (not after each channel line)

    async def publish_home(self, user_id: str) -> None:
        incoming = IncomingMessage(
            platform=PLATFORM,
            chat=ChatRef(id=f"home:{user_id}", kind=ChatKind.DIRECT),
            sender=Sender(external_id=user_id, name=user_id, locale=await self.locale_of(user_id)),
            invocation=Invocation(verb="home"),
        )
        await self.app.dispatcher.handle(incoming, HomeResponder(self.client, user_id))


def _user_of(kind: str, body: dict[str, Any]) -> str:
    if kind == "command":
        return str(body.get("user_id", ""))
    if kind == "action":
        return str((body.get("user") or {}).get("id", ""))
    return str(body.get("user", ""))


def web_client(app: PlatformFace) -> AsyncWebClient:
    """slack_sdk does not retry 429s by default: the SDK's own handler waits out Retry-After."""
    return AsyncWebClient(
        token=app.settings.slack_bot_token,
        base_url=app.settings.slack_api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )


def _quiet_bolt_logger() -> logging.Logger:
    """Bolt logs a request that fails verification — headers and body, a DM's text — at INFO (a skewed clock or a
    rotated secret is enough): its loggers speak from WARNING up."""
    bolt_logger = logging.getLogger("slack_bolt")
    bolt_logger.setLevel(logging.WARNING)
    return bolt_logger


def build_bolt_app(app: PlatformFace, *, socket_mode: bool = False) -> tuple[AsyncApp, SlackBot]:
    """The Bolt app with maeum's listeners. Listeners record, ack, then hand over: they decide nothing."""
    settings = app.settings
    client = web_client(app)
    bolt = AsyncApp(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        request_verification_enabled=not socket_mode,  # Socket Mode traffic is authenticated by the app token
        process_before_response=False,
        logger=_quiet_bolt_logger(),
    )
    slack = SlackBot(app, client)

    async def intake(kind: str, dedupe_id: str, body: dict[str, Any], ack: Any) -> None:
        inbox_id = await slack.accept(kind, dedupe_id, body)
        await ack()
        if inbox_id is not None:
            await slack.process(inbox_id)

    @bolt.command("/maeum")
    async def on_command(ack: Any, body: dict[str, Any]) -> None:
        await intake("command", str(body.get("trigger_id", "")), body, ack)

    @bolt.action(re.compile(".*"))  # every button: stale ones get the core's "expired" notice
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        await intake("action", str(body.get("trigger_id", "")), body, ack)

    @bolt.event("message")
    async def on_message(ack: Any, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        bot_user = getattr(context, "bot_user_id", None) or context.get("bot_user_id")
        if event.get("channel_type") != "im" and bot_user and f"<@{bot_user}" in str(event.get("text", "")):
            await ack()  # Slack sends a mention in a channel twice (message and app_mention): app_mention answers
            return
        await intake("message", str(body.get("event_id", "")), event, ack)

    @bolt.event("app_mention")
    async def on_mention(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await intake("mention", str(body.get("event_id", "")), event, ack)

    @bolt.event("app_home_opened")
    async def on_home(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await intake("home", str(body.get("event_id", "")), {"user": event.get("user", "")}, ack)

    return bolt, slack


async def run_socket_mode(app: App, *, stop: Any) -> None:
    """`maeum slack-socket`: the same listeners over Socket Mode (no public URL needed)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    bolt, slack = build_bolt_app(app, socket_mode=True)
    handler = AsyncSocketModeHandler(bolt, app.settings.slack_app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    logger.info("slack: connected over Socket Mode")
    recovery = asyncio.create_task(recover_forever([slack.inbox], stop))
    try:
        await stop.wait()
    finally:
        await recovery
        await handler.close_async()  # type: ignore[no-untyped-call]
