"""The dispatcher: every platform hands incoming messages here, and only here."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from core.commands import Command
from core.domain.users import User
from core.domain.values import ChatKind, Locale, locale_from_platform
from core.errors import LimitExceeded, MaeumError, UsageError
from core.i18n import Catalog
from core.inbound import IncomingMessage, Invocation
from core.ports import Clock, IdentityTaken, Metrics, Responder, UnitOfWorkFactory
from core.registration import Handler, Listener
from core.replies import Reply
from core.routing import VerbTable, parse_text
from core.usecases.context import Context

logger = logging.getLogger(__name__)


# C0/C1 controls (except tab and newline), bidi overrides and zero-width characters: invisible,
# and a way to smuggle text past a reader. Removed before anything looks at the text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_text(text: str) -> str:
    """NFC (macOS sends decomposed Hangul), unified newlines, no invisible control characters."""
    normalized = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _INVISIBLE.sub("", normalized).strip()


def new_incident_id() -> str:
    return secrets.token_hex(4).upper()


class Dispatcher:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        handlers: Mapping[type[Command], Handler],
        verbs: VerbTable,
        plain_text: Callable[[str], Command] | None,
        listeners: Sequence[Listener] = (),
        max_input_chars: int,
        default_locale: Locale,
        default_timezone: str,
        metrics: Metrics,
    ) -> None:
        self._metrics = metrics
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._handlers = dict(handlers)
        self._verbs = verbs
        self._plain_text = plain_text  # what a direct message without a verb asks for (a worry)
        self._listeners = {
            kind: tuple(listener for listener in listeners if kind in listener.where) for kind in ChatKind
        }
        self._max_input_chars = max_input_chars
        self._default_locale = default_locale
        self._default_timezone = default_timezone

    async def handle(self, incoming: IncomingMessage, responder: Responder) -> None:
        """Answer one incoming message. Never raises: failures become a reply in the user's language."""
        if incoming.sender.is_bot:
            return
        raw = incoming.text
        text = clean_text(raw) if raw is not None else ""
        invocation = incoming.invocation or (parse_text(text) if text else None)
        if invocation is None and incoming.mentioned:
            invocation = self._mentioned(text)
        direct = incoming.chat.kind is ChatKind.DIRECT
        addressed = (
            invocation is not None
            or incoming.action is not None
            or incoming.mentioned
            or (direct and (raw is not None or incoming.non_text))
        )
        claimable = invocation is None and incoming.action is None and not incoming.mentioned and bool(text)
        if not addressed and not (claimable and self._listeners[incoming.chat.kind]):
            return  # group small talk, joins, stickers in groups: not addressed to the bot
        locale = self._default_locale
        try:
            claimed = await self._claim(incoming, text) if claimable else None
            if not addressed and claimed is None:
                return  # group talk no product is listening to
            if incoming.action is not None:
                invocation = self._verbs.decode_action(incoming.action)
            elif incoming.non_text and invocation is None:
                raise UsageError("input.text_only")
            await self._metrics.count("messages_in", incoming.platform)
            user = await self._resolve_user(incoming)
            locale = user.locale
            ctx = Context(user=user, incoming=incoming, responder=responder, catalog=self._catalog)
            command = self._command(invocation, text, incoming, claimed)
            handler = self._handlers.get(type(command))
            if handler is None:
                raise UsageError("unknown_verb", verb=invocation.verb if invocation else "")
            await handler(command, ctx)
        except UsageError as error:
            await self._reply(responder, locale, error, usage=True)
        except MaeumError as error:
            await self._reply(responder, locale, error, usage=False)
        except Exception:
            incident = new_incident_id()
            logger.exception(
                "incident %s: unhandled error platform=%s chat_kind=%s",
                incident,
                incoming.platform,
                incoming.chat.kind.value,
                extra={"incident": incident},
            )
            await responder.send(Reply.text(self._catalog.text(locale, "error.internal", incident=incident)))

    async def _claim(self, incoming: IncomingMessage, text: str) -> Command | None:
        """The first product listening for this plain text (an awaited answer, a live meeting's talk)."""
        for listener in self._listeners[incoming.chat.kind]:
            command = await listener.claim(incoming, text)
            if command is not None:
                return command
        return None

    def _mentioned(self, text: str) -> Invocation | None:
        """`@maeum remind 10m 물` is that verb, `@maeum` alone is help; `@maeum 요즘 힘들어` is plain text (None)."""
        parts = text.split(maxsplit=1)
        if not parts:
            return Invocation(verb="help")
        if self._verbs.lookup(parts[0]) is None:
            return None
        rest = parts[1].strip() if len(parts) > 1 else ""
        return Invocation(verb=parts[0].lower(), args=tuple(rest.split()), rest=rest)

    def _command(
        self, invocation: Invocation | None, text: str, incoming: IncomingMessage, claimed: Command | None
    ) -> Command:
        size = len(invocation.rest) if invocation and incoming.invocation else len(text)
        if size > self._max_input_chars:
            raise LimitExceeded("input.too_long", limit=f"{self._max_input_chars:,}", size=f"{size:,}")
        if claimed is not None:
            return claimed
        if invocation is None:
            if not text:
                raise UsageError("worry.usage")
            if self._plain_text is None:
                raise UsageError("help.hint")
            return self._plain_text(text)
        if incoming.invocation is not None:
            invocation = Invocation(verb=invocation.verb, args=invocation.args, rest=clean_text(invocation.rest))
        return self._verbs.to_command(invocation, incoming.chat.kind)

    async def _resolve_user(self, incoming: IncomingMessage) -> User:
        """The sender's user with their settings. A known sender costs one read outside any transaction (one round
        trip, no lock): the command's own unit of work is then the message's only transaction."""
        sender = incoming.sender
        async with self._uow(reading=True) as reader:
            known = await reader.users.by_identity(incoming.platform, sender.external_id)
        if known is not None:
            return known
        try:
            async with self._uow() as uow:
                user = await uow.users.by_identity(incoming.platform, sender.external_id)
                if user is not None:
                    return user
                user = await uow.users.create(
                    platform=incoming.platform,
                    external_id=sender.external_id,
                    display_name=sender.name,
                    locale=locale_from_platform(sender.locale) if sender.locale else self._default_locale,
                    timezone=self._default_timezone,
                    now=self._clock.now(),
                )
                await uow.commit()
        except IdentityTaken:
            # a person's first two messages arrived together (a double tap, a command and a button): one created
            # the user, the other reads it
            async with self._uow() as uow:
                user = await uow.users.by_identity(incoming.platform, sender.external_id)
            if user is None:
                raise
            return user
        logger.info("new user %s on %s", user.id, incoming.platform)
        return user

    async def _reply(self, responder: Responder, locale: Locale, error: MaeumError, *, usage: bool) -> None:
        message = self._catalog.text(locale, error.key, **error.params)
        if usage and error.key == "unknown_verb":
            message = message + "\n" + self._catalog.text(locale, "help.hint")
        # Usage and limit notes concern only the asker: ephemeral where the platform allows.
        await responder.send(replace(Reply.text(message), ephemeral=True))
