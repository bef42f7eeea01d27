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
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, NamedTuple

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
PROFILE_CACHE = 10_000


class SlackProfile(NamedTuple):
    locale: str | None
    name: str | None


def profile_from(user: dict[str, Any]) -> SlackProfile:
    """A users.info `user`: its locale, and the name Slack shows for it — the display name, which many leave empty,
    else the full name, else the handle."""
    details = user.get("profile") or {}
    candidates = (details.get("display_name"), details.get("real_name"), user.get("real_name"), user.get("name"))
    name = next((" ".join(c.split()) for c in candidates if isinstance(c, str) and c.strip()), None)
    locale = user.get("locale")
    return SlackProfile(locale=locale if isinstance(locale, str) else None, name=name)


class SlackBot:
    def __init__(self, app: PlatformFace, client: AsyncWebClient) -> None:
        self.app = app
        self.client = client
        self._profiles: OrderedDict[str, SlackProfile] = OrderedDict()
        self.inbox = app.inbox_intake(PLATFORM, self._handle_stored)

    async def profile_of(self, user_id: str) -> SlackProfile:
        """The user's Slack locale and name (users.info include_locale), asked once per user and process."""
        if user_id in self._profiles:
            return self._profiles[user_id]
        profile = SlackProfile(locale=None, name=None)
        try:
            answer = await self.client.users_info(user=user_id, include_locale=True)
            profile = profile_from(answer.get("user") or {})
        except Exception:  # noqa: BLE001 — a missing scope or an unknown user falls back to the default language
            logger.info("slack users.info failed for a user; default language, the name from the payload")
        self._profiles[user_id] = profile
        if len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)
        return profile

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
        profile = await self.profile_of(user_id) if user_id else SlackProfile(locale=None, name=None)
        locale = profile.locale
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
        if profile.name:
            # the name the workspace knows them by: message events carry only the U… id, commands and buttons the
            # legacy handle — and the first one names the user for good (a club's crown, a meeting's summary)
            incoming = replace(incoming, sender=replace(incoming.sender, name=profile.name))
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
        profile = await self.profile_of(user_id)
        incoming = IncomingMessage(
            platform=PLATFORM,
            chat=ChatRef(id=f"home:{user_id}", kind=ChatKind.DIRECT),
            sender=Sender(external_id=user_id, name=profile.name or user_id, locale=profile.locale),
            invocation=Invocation(verb="home"),
        )
        await self.app.dispatcher.handle(incoming, HomeResponder(self.client, user_id))


def _mention_twin(event: dict[str, Any], bot_user: str | None) -> bool:
    return event.get("channel_type") != "im" and bool(bot_user) and f"<@{bot_user}" in str(event.get("text", ""))


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

    def recorded(kind: str) -> Callable[..., Awaitable[None]]:
        """Bolt acknowledges an event before its listener runs (a command or a button waits for the listener's
        ack), so an event is recorded here, in the listener's middleware, which runs before that: a crash after
        Slack's 200 loses nothing."""

        async def record(body: dict[str, Any], event: dict[str, Any], context: Any, next: Any) -> None:
            context["inbox_id"] = None
            # Slack sends a mention in a channel twice (message and app_mention): the app_mention answers
            if not (kind == "message" and _mention_twin(event, context.get("bot_user_id"))):
                payload = {"user": event.get("user", "")} if kind == "home" else event
                context["inbox_id"] = await slack.accept(kind, str(body.get("event_id", "")), payload)
            await next()

        return record

    async def handed_over(context: Any) -> None:
        inbox_id = context.get("inbox_id")
        if inbox_id is not None:
            await slack.process(inbox_id)

    @bolt.event("message", middleware=[recorded("message")])
    async def on_message(context: Any) -> None:
        await handed_over(context)

    @bolt.event("app_mention", middleware=[recorded("mention")])
    async def on_mention(context: Any) -> None:
        await handed_over(context)

    @bolt.event("app_home_opened", middleware=[recorded("home")])
    async def on_home(context: Any) -> None:
        await handed_over(context)

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
