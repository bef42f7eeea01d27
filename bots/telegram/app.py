"""maeum on Telegram: long polling (`maeum telegram`) or webhook (`maeum serve`), one way of handling updates.

Every update goes through the durable inbox first (platform + update_id, unique): an update seen twice is
handled once, and one accepted just before a crash is handled after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from telegram import Bot, BotCommand, BotCommandScopeDefault, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bots.shared.streaming import ThrottledResponder
from bots.telegram.responder import TelegramResponder, call_telegram
from bots.telegram.translate import PLATFORM, translate
from core.bootstrap import App
from core.domain.values import ChatKind, Locale
from core.face import PlatformFace
from core.ports import Responder
from core.usecases.inbox_intake import ReplyJournal, recover_forever

logger = logging.getLogger(__name__)

EDIT_INTERVAL_DIRECT = 1.0  # Telegram: about one message a second per chat
EDIT_INTERVAL_GROUP = 3.0  # and 20 a minute per group
ALLOWED_UPDATES = ["message", "callback_query"]


def menu(app: PlatformFace, locale: Locale) -> list[BotCommand]:
    """The / menu in one language: every listed verb of the registered products, with its summary."""
    return [BotCommand(verb.name, app.catalog.text(locale, verb.summary_key)[:256]) for verb in app.verbs.listed()]


class TelegramBot:
    def __init__(self, app: PlatformFace, bot: Bot) -> None:
        self.app = app
        self.bot = bot
        self.inbox = app.inbox_intake(PLATFORM, self._handle_stored)

    @property
    def username(self) -> str:
        return self.bot.username or ""

    async def register_commands(self) -> None:
        """The / menu: Korean for everyone, English for clients set to English."""
        for locale, language_code in ((Locale.KO, None), (Locale.EN, "en")):
            commands = menu(self.app, locale)

            async def register(
                commands: list[BotCommand] = commands, language_code: str | None = language_code
            ) -> bool:
                return await self.bot.set_my_commands(
                    commands, scope=BotCommandScopeDefault(), language_code=language_code
                )

            await call_telegram(register)

    async def accept(self, update: Update) -> int | None:
        """Record the update in the inbox; its row id, or None when it was seen before."""
        return await self.inbox.accept(str(update.update_id), json.dumps(update.to_dict()))

    async def process(self, inbox_id: int) -> None:
        await self.inbox.process(inbox_id)

    async def receive(self, update: Update) -> None:
        """Polling and webhook both land here."""
        await self.inbox.receive(str(update.update_id), json.dumps(update.to_dict()))

    async def recover_inbox(self, *, fresh_too: bool = False) -> int:
        """Updates due again: failed ones after their backoff, and ones a crashed process left unfinished."""
        return await self.inbox.recover(fresh_too=fresh_too)

    async def _handle_stored(self, payload: str, journal: ReplyJournal) -> None:
        await self.handle(Update.de_json(json.loads(payload), self.bot), journal=journal)

    async def handle(self, update: Update, *, journal: ReplyJournal | None = None) -> None:
        if update.callback_query is not None:
            # Every press is answered at once, or the client shows a spinner for a long time. Handled again later
            # (a retry), the query may be too old to answer: the press itself still counts.
            try:
                await call_telegram(update.callback_query.answer)
            except BadRequest as error:
                logger.info("telegram: callback query not answered (%s)", type(error).__name__)
        incoming = translate(update, bot_username=self.username)
        if incoming is None:
            return
        interval = EDIT_INTERVAL_DIRECT if incoming.chat.kind is ChatKind.DIRECT else EDIT_INTERVAL_GROUP
        responder: Responder = ThrottledResponder(TelegramResponder(self.bot, incoming.chat.id), interval=interval)
        if journal is not None:
            incoming, responder = journal.message(incoming), journal.wrap(responder)
        await self.app.dispatcher.handle(incoming, responder)


def build_application(app: PlatformFace) -> Application:  # type: ignore[type-arg]
    settings = app.settings
    assert settings.telegram_bot_token is not None
    return (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .concurrent_updates(True)  # a worry takes seconds; others must not wait behind it
        .build()
    )


async def run_polling(app: App, *, stop: asyncio.Event) -> None:
    """`maeum telegram`: long polling until `stop` is set."""
    application = build_application(app)
    telegram_bot = TelegramBot(app, application.bot)

    async def on_update(update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await telegram_bot.receive(update)

    application.add_handler(TypeHandler(Update, on_update))
    async with application:
        await call_telegram(application.bot.delete_webhook)  # polling is refused while a webhook is set
        await telegram_bot.register_commands()
        await telegram_bot.recover_inbox(fresh_too=True)  # the only poller: nobody else is handling them
        recovery = asyncio.create_task(recover_forever([telegram_bot.inbox], stop))
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=30)
        logger.info("telegram: polling as @%s", telegram_bot.username)
        try:
            await stop.wait()
        finally:
            await recovery
            await application.updater.stop()
            with contextlib.suppress(Exception):
                await application.stop()


async def set_webhook(app: App, url: str) -> None:
    settings = app.settings
    assert settings.telegram_bot_token is not None
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url)
    async with bot:
        await call_telegram(
            lambda: bot.set_webhook(url, secret_token=settings.telegram_webhook_secret, allowed_updates=ALLOWED_UPDATES)
        )
        await TelegramBot(app, bot).register_commands()
