"""The `web` process (ASGI): health, readiness, Prometheus metrics, the Telegram webhook, Slack's events,
commands and interactivity, and Discord's HTTP interactions."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bots.shared.starting import Backoff, PlatformStarter, PlatformState
from core.adapters.monitoring import SchemaWatch, database_ready, gather_metrics, redis_ready
from core.bootstrap import App
from core.usecases.inbox_intake import InboxIntake

logger = logging.getLogger(__name__)


MAX_BODY_BYTES = 1_000_000  # the platforms' own payloads are far smaller; anything bigger is refused unread


class BodyLimit:
    """Pure ASGI: a body over the limit gets 413 before any route reads it — by Content-Length when the client
    sends one, and by counting the bytes as they arrive when it does not (or lies)."""

    def __init__(self, app: Any, *, limit: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self._limit:
            await Response(status_code=413)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if len(body) > self._limit:
                await Response(status_code=413)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self._app(scope, replay, send)


def _telegram_update(body: bytes, bot: Any) -> Any:
    """The Update in a webhook body, or None for anything else (not JSON, or JSON that is no Update)."""
    from telegram import Update

    try:
        data = json.loads(body)
        if not (isinstance(data, dict) and isinstance(data.get("update_id"), int)):
            return None
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _slack_refusal(verifier: Any, headers: Any, body: bytes) -> int | None:
    """Bolt parses the body before it checks the signature, so a stranger's malformed request would be a 500 (and
    an ops alert): check the signature first with the SDK's own verifier (401), then the body's shape (400)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and signature.isascii()):
        return 401
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return 401
    if not _slack_body_parses(body, headers.get("content-type", "")):
        return 400
    return None


def _slack_body_parses(body: bytes, content_type: str) -> bool:
    """The shapes Slack sends: a JSON object, or a form whose `payload` (when present) is a JSON object."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json") or text.lstrip().startswith("{"):
            return isinstance(json.loads(text), dict)
        form = parse_qs(text, strict_parsing=bool(text), keep_blank_values=True)
        return "payload" not in form or isinstance(json.loads(form["payload"][0]), dict)
    except ValueError:
        return False


NOT_RUNNING_POLL_SECONDS = 1.0  # how soon inbox recovery notices that a platform started
PLATFORM_WAIT_SECONDS = 2.5  # a request arriving while its platform's first start is under way waits this long


def _telegram_start(app: App) -> Callable[[], Awaitable[Any]] | None:
    token = app.settings.telegram_bot_token
    if not token:
        return None

    async def start() -> Any:
        from telegram import Bot

        from bots.telegram.app import TelegramBot

        bot = Bot(token, base_url=app.settings.telegram_api_base_url)
        try:
            await bot.initialize()  # getMe: the bot's username, for commands addressed to it in groups
        except BaseException:
            with contextlib.suppress(Exception):
                await bot.shutdown()  # its HTTP clients
            raise
        return TelegramBot(app, bot)

    return start


def _slack_start(app: App) -> Callable[[], Awaitable[Any]] | None:
    settings = app.settings
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        return None
    signing_secret = settings.slack_signing_secret

    async def start() -> Any:
        from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
        from slack_sdk.signature import SignatureVerifier

        from bots.slack.app import build_bolt_app

        bolt, slack = build_bolt_app(app)
        return AsyncSlackRequestHandler(bolt), slack, SignatureVerifier(signing_secret)

    return start


def _discord_start(app: App) -> Callable[[], Awaitable[Any]] | None:
    """The HTTP-interactions endpoint, with a REST-only discord.py client for the answers (no gateway)."""
    settings = app.settings
    token, public_key = settings.discord_bot_token, settings.discord_public_key
    if not (token and public_key):
        return None

    async def start() -> Any:
        import discord

        from bots.discord.app import MAX_RATELIMIT_WAIT, NO_MENTIONS, DiscordBot
        from bots.discord.interactions_endpoint import InteractionsEndpoint, SignatureChecker
        from bots.discord.sdk_endpoints import use_api_base

        use_api_base(settings.discord_api_base)
        client = discord.Client(
            intents=discord.Intents.none(), max_ratelimit_timeout=MAX_RATELIMIT_WAIT, allowed_mentions=NO_MENTIONS
        )
        try:
            await client.login(token)
        except BaseException:
            with contextlib.suppress(Exception):
                await client.close()
            raise
        bot = DiscordBot(app, client)
        return InteractionsEndpoint(bot, SignatureChecker(public_key)), bot

    return start


def _platform_starters(app: App) -> dict[str, PlatformStarter[Any]]:
    settings = app.settings
    backoff = Backoff(
        first_seconds=settings.platform_start_backoff_seconds,
        max_seconds=settings.platform_start_backoff_max_seconds,
        attempt_timeout_seconds=settings.platform_start_timeout_seconds,
    )
    return {
        "telegram": PlatformStarter("telegram", _telegram_start(app), backoff),
        "slack": PlatformStarter("slack", _slack_start(app), backoff),
        "discord": PlatformStarter("discord", _discord_start(app), backoff),
    }


def _intake(name: str, handle: Any) -> InboxIntake:
    """The inbox intake of this platform's running handle."""
    intake: InboxIntake = (handle if name == "telegram" else handle[1]).inbox
    return intake


async def _recover_inbox_forever(
    name: str, platform: PlatformStarter[Any], schema: SchemaWatch, stop: asyncio.Event
) -> None:
    """Failed updates after their backoff, and ones a crashed process left, every third of a lease: by each
    platform from the moment it runs, while the schema is the code's."""
    while not stop.is_set() and platform.state is not PlatformState.OFF:
        wait = NOT_RUNNING_POLL_SECONDS
        if platform.handle is not None and await schema.current():
            intake = _intake(name, platform.handle)
            wait = min(max(intake.heartbeat_seconds, 0.1), 10.0)
            try:
                await intake.recover()
            except Exception:
                logger.exception("inbox recovery failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)


async def _close_platforms(platforms: dict[str, PlatformStarter[Any]]) -> None:
    for platform in platforms.values():
        await platform.stop()
    telegram, discord = platforms["telegram"].handle, platforms["discord"].handle
    if telegram is not None:
        await telegram.bot.shutdown()
    if discord is not None:
        await discord[1].client.close()


async def _running(state: dict[str, Any], name: str) -> Any:
    """The platform's handle, or the response to give instead: 404 when it is not configured, 503 while it is not
    running yet or the schema is behind (the platforms send the request again later)."""
    platform: PlatformStarter[Any] = state["platforms"][name]
    if platform.state is PlatformState.OFF:
        return Response(status_code=404)
    handle = await platform.wait_running(patience=PLATFORM_WAIT_SECONDS)
    if handle is None or not await state["schema"].current():
        return Response(status_code=503, headers={"Retry-After": "5"})
    return handle


async def _readiness(state: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """503 for what every request needs (the database, its schema, Redis); the platforms are listed, each with its
    state, and never make the process unready: one platform down must not take the others off."""
    (database, schema), redis = await asyncio.gather(database_ready(state["schema"]), redis_ready(state["app"]))
    problems = [p for p in (database, redis) if p]
    body = {
        "status": "not ready" if problems else "ready",
        "problems": problems,
        "schema": schema,
        "platforms": {name: platform.report() for name, platform in state["platforms"].items()},
    }
    return body, not problems


def create_web_app(build_app: Callable[[], App]) -> Starlette:
    """`build_app` runs at startup, inside the server's event loop (an async engine belongs to one loop).

    Nothing a platform does at start can stop the process: each starts on its own in the background and is
    retried until it runs (its state in `/readyz`); until then its route answers 503, which Telegram and Slack
    retry. A schema behind the code also leaves the process up: `/readyz` says so with 503."""
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(web: Starlette) -> AsyncIterator[None]:
        app = state["app"] = web.state.maeum = build_app()
        schema = state["schema"] = SchemaWatch(app)
        platforms = state["platforms"] = web.state.platforms = _platform_starters(app)
        for platform in platforms.values():
            platform.launch()
        stop = asyncio.Event()
        recovery = [
            asyncio.create_task(_recover_inbox_forever(name, platform, schema, stop))
            for name, platform in platforms.items()
        ]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*recovery)
            await _close_platforms(platforms)
            await app.aclose()

    async def telegram_webhook(request: Request) -> Response:
        if state["platforms"]["telegram"].state is PlatformState.OFF:
            return Response(status_code=404)
        secret = state["app"].settings.telegram_webhook_secret or ""
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        telegram_bot = await _running(state, "telegram")
        if isinstance(telegram_bot, Response):
            return telegram_bot
        update = _telegram_update(await request.body(), telegram_bot.bot)
        if update is None:
            return Response(status_code=400)
        # In the inbox before the 200: a crash after answering loses nothing, a repeat is handled once.
        inbox_id = await telegram_bot.accept(update)
        task = BackgroundTask(telegram_bot.process, inbox_id) if inbox_id is not None else None
        return Response(status_code=200, background=task)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        body, ready = await _readiness(state)
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(_: Request) -> Response:
        body = await gather_metrics(state["app"], database=await state["schema"].current())
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def slack_events(request: Request) -> Response:
        slack = await _running(state, "slack")
        if isinstance(slack, Response):
            return slack
        refused = _slack_refusal(slack[2], request.headers, await request.body())
        if refused is not None:
            return Response(status_code=refused)
        response: Response = await slack[0].handle(request)
        return response

    async def discord_interactions(request: Request) -> Response:
        discord = await _running(state, "discord")
        if isinstance(discord, Response):
            return discord
        answer = await discord[0].answer(request.headers, await request.body())
        task = BackgroundTask(answer.after) if answer.after is not None else None
        return JSONResponse(answer.body, status_code=answer.status, background=task)

    web = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/discord/interactions", discord_interactions, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    web.add_middleware(BodyLimit)
    return web
