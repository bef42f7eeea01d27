"""The `web` process (ASGI): health, readiness, Prometheus metrics, the Telegram webhook, Slack's events,
commands and interactivity, and Discord's HTTP interactions."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bots.shared.inbox import recover_forever
from core.bootstrap import App

logger = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 3.0


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


async def _database_ready(app: App) -> str | None:
    if app.engine is None:
        return None
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), app.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 — any failure means "not ready"
        return f"database: {type(error).__name__}"
    return None


async def _redis_ready(app: App) -> str | None:
    if app.redis is None:
        return None
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await app.redis.ping()
    except Exception as error:  # noqa: BLE001
        return f"redis: {type(error).__name__}"
    return None


class _Snapshot:
    """The metric families of one scrape, gathered asynchronously before the registry collects them."""

    def __init__(self) -> None:
        self.families: list[object] = []

    def collect(self) -> list[object]:
        return self.families


async def gather_metrics(app: App) -> bytes:
    snapshot = _Snapshot()
    families = snapshot.families

    async def counter_by(name: str, doc: str, label: str, source: str) -> None:
        try:
            values = await app.metrics.read(source)
        except Exception:  # noqa: BLE001 — Redis down: serve the rest; /readyz tells why
            return
        family = CounterMetricFamily(name, doc, labels=[label])
        for key, value in sorted(values.items()):
            family.add_metric([key], value)
        families.append(family)

    await counter_by("maeum_messages_in", "Messages received, by platform", "platform", "messages_in")
    await counter_by("maeum_messages_out", "Messages sent, by platform", "platform", "messages_out")
    await counter_by("maeum_deliveries", "Push delivery attempts, by outcome", "outcome", "deliveries")
    async with app.uow() as uow:
        states = await uow.outbox.count_by_state()
        usage = await uow.usage.totals()
    outbox = GaugeMetricFamily("maeum_outbox_rows", "Outbox rows by state", labels=["state"])
    for state, count in sorted(states.items()):
        outbox.add_metric([state], count)
    families.append(outbox)
    families.append(
        GaugeMetricFamily("maeum_dead_letters", "Pushes that failed every attempt", value=states.get("dead", 0))
    )
    with contextlib.suppress(Exception):
        families.append(GaugeMetricFamily("maeum_queue_depth", "Delivery jobs waiting", value=app.queue.depth()))
    families.append(CounterMetricFamily("maeum_llm_calls", "Language model calls", value=usage["calls"]))
    tokens = CounterMetricFamily("maeum_llm_tokens", "Language model tokens", labels=["direction"])
    tokens.add_metric(["in"], usage["tokens_in"])
    tokens.add_metric(["out"], usage["tokens_out"])
    families.append(tokens)
    families.append(
        CounterMetricFamily(
            "maeum_llm_cost", f"Language model cost in {app.settings.budget_currency}", value=usage["cost"]
        )
    )
    families.append(
        CounterMetricFamily(
            "maeum_llm_latency_seconds", "Total language model latency (÷ calls = mean)", value=usage["latency_seconds"]
        )
    )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(snapshot)  # type: ignore[arg-type]
    return generate_latest(registry)


async def _start_telegram(app: App) -> Any:
    if not app.settings.telegram_bot_token:
        return None
    from telegram import Bot

    from bots.telegram.app import TelegramBot

    bot = Bot(app.settings.telegram_bot_token, base_url=app.settings.telegram_api_base_url)
    await bot.initialize()  # getMe: the bot's username, for commands addressed to it in groups
    return TelegramBot(app, bot)


def _start_slack(app: App) -> Any:
    if not (app.settings.slack_bot_token and app.settings.slack_signing_secret):
        return None
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_sdk.signature import SignatureVerifier

    from bots.slack.app import build_bolt_app

    bolt, slack = build_bolt_app(app)
    return AsyncSlackRequestHandler(bolt), slack, SignatureVerifier(app.settings.slack_signing_secret)


async def _start_discord(app: App) -> Any:
    """The HTTP-interactions endpoint, with a REST-only discord.py client for the answers (no gateway)."""
    settings = app.settings
    if not (settings.discord_bot_token and settings.discord_public_key):
        return None
    import discord

    from bots.discord.app import MAX_RATELIMIT_WAIT, NO_MENTIONS, DiscordBot
    from bots.discord.interactions_endpoint import InteractionsEndpoint, SignatureChecker
    from bots.discord.sdk_endpoints import use_api_base

    use_api_base(settings.discord_api_base)
    client = discord.Client(
        intents=discord.Intents.none(), max_ratelimit_timeout=MAX_RATELIMIT_WAIT, allowed_mentions=NO_MENTIONS
    )
    try:
        await client.login(settings.discord_bot_token)
    except (discord.DiscordException, OSError):
        # Telegram, Slack and the health endpoints stay up; /discord/interactions answers 404 until a restart
        logger.exception("discord: could not log in; HTTP interactions are off")
        await client.close()
        return None
    bot = DiscordBot(app, client)
    return InteractionsEndpoint(bot, SignatureChecker(settings.discord_public_key)), bot


def create_web_app(build_app: Callable[[], App]) -> Starlette:
    """`build_app` runs at startup, inside the server's event loop (an async engine belongs to one loop)."""
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(web: Starlette) -> AsyncIterator[None]:
        app = state["app"] = web.state.maeum = build_app()
        state["telegram"] = web.state.telegram = await _start_telegram(app)
        state["slack"] = web.state.slack = _start_slack(app)
        state["discord"] = web.state.discord = await _start_discord(app)
        stop = asyncio.Event()
        intakes = [
            h.inbox
            for h in (
                state["telegram"],
                state["slack"][1] if state["slack"] else None,
                state["discord"][1] if state["discord"] else None,
            )
            if h
        ]
        # Failed updates after their backoff, and ones a crashed web process left, every third of a lease.
        recovery = asyncio.create_task(recover_forever(intakes, stop))
        try:
            yield
        finally:
            stop.set()
            await recovery
            if state["telegram"] is not None:
                await state["telegram"].bot.shutdown()
            if state["discord"] is not None:
                await state["discord"][1].client.close()
            await app.aclose()

    async def telegram_webhook(request: Request) -> Response:
        telegram_bot = state.get("telegram")
        if telegram_bot is None:
            return Response(status_code=404)
        secret = state["app"].settings.telegram_webhook_secret or ""
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
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
        app = state["app"]
        problems = [p for p in await asyncio.gather(_database_ready(app), _redis_ready(app)) if p]
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics(_: Request) -> Response:
        body = await gather_metrics(state["app"])
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def slack_events(request: Request) -> Response:
        if state.get("slack") is None:
            return Response(status_code=404)
        refused = _slack_refusal(state["slack"][2], request.headers, await request.body())
        if refused is not None:
            return Response(status_code=refused)
        response: Response = await state["slack"][0].handle(request)
        return response

    async def discord_interactions(request: Request) -> Response:
        if state.get("discord") is None:
            return Response(status_code=404)
        endpoint = state["discord"][0]
        answer = await endpoint.answer(request.headers, await request.body())
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
