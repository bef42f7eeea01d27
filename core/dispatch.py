"""The dispatcher: every platform hands incoming messages here, and only here."""

from __future__ import annotations

import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace

from core.commands import Command
from core.domain.safety import SafetyVerdict
from core.domain.users import User
from core.domain.values import ChatKind, Locale, locale_from_platform
from core.errors import LimitExceeded, MaeumError, UsageError
from core.i18n import Catalog
from core.inbound import IncomingMessage, Invocation
from core.ports import Clock, IdentityTaken, Metrics, Responder, UnitOfWorkFactory
from core.registration import Handler, Listener
from core.replies import Reply
from core.routing import VerbTable, parse_text
from core.usecases.choices import Choices
from core.usecases.context import Context
from core.usecases.talk import Talk

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
        plain_text: str | None,
        listeners: Sequence[Listener] = (),
        talk: Talk | None = None,
        choices: Choices | None = None,
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
        self._plain_text = plain_text  # the verb a direct message without one is (a worry), the message its text
        self._talk = talk  # plain messages understood before they are taken for that verb
        self._choices = choices  # buttons that stand for held texts
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
        alarm = self._alarm(incoming, text) if invocation is None else None
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
            user, first = await self._resolve_user(incoming)
            locale = user.locale
            ctx = Context(user=user, incoming=incoming, responder=responder, catalog=self._catalog)
            if first and alarm is None and direct and invocation is None and incoming.action is None and text:
                # someone who just wrote, before any /start: one line on who we are and where consent is, then the
                # answer (a first command, /start above all, shows they know their way already)
                await responder.send(Reply.text(self._catalog.text(locale, "welcome.first_message")))
            await self._answer(ctx, invocation, text, claimed, alarm)
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

    def _alarm(self, incoming: IncomingMessage, text: str) -> SafetyVerdict | None:
        """Plain words addressed to the bot are read for a crisis before anything else reads them: a listener
        awaiting an answer, small talk ("다들 고마웠어 잘 있어" can be a farewell), a verb, a worry."""
        spoken = incoming.chat.kind is ChatKind.DIRECT or incoming.mentioned
        if self._talk is None or incoming.action is not None or not text or not spoken:
            return None
        return self._talk.alarm(text) if len(text) <= self._max_input_chars else None

    async def _answer(
        self,
        ctx: Context,
        invocation: Invocation | None,
        text: str,
        claimed: tuple[Listener, Command] | None,
        alarm: SafetyVerdict | None,
    ) -> None:
        if alarm is not None and self._talk is not None:
            await self._talk.answer_alarm(alarm, ctx)
            if claimed is not None and claimed[0].crisis is not None:
                await claimed[0].crisis(claimed[1], ctx)  # what it awaited was a crisis: the product may pause
            return
        if ctx.incoming.action is not None and invocation is not None and self._choices is not None:
            invocation = await self._choices.restore(invocation, ctx.user.id)  # a button standing for a held text
        command = await self._command(invocation, text, ctx, claimed[1] if claimed else None)
        if command is None:
            return  # understood and answered already (small talk, a hint, a question back)
        handler = self._handlers.get(type(command))
        if handler is None:
            raise UsageError("unknown_verb", verb=invocation.verb if invocation else "")
        await handler(command, ctx)

    async def _claim(self, incoming: IncomingMessage, text: str) -> tuple[Listener, Command] | None:
        """The first product listening for this plain text (an awaited answer, a live meeting's talk)."""
        for listener in self._listeners[incoming.chat.kind]:
            command = await listener.claim(incoming, text)
            if command is not None:
                return listener, command
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

    async def _command(
        self, invocation: Invocation | None, text: str, ctx: Context, claimed: Command | None
    ) -> Command | None:
        incoming = ctx.incoming
        size = len(invocation.rest) if invocation and incoming.invocation else len(text)
        if size > self._max_input_chars:
            raise LimitExceeded("input.too_long", limit=f"{self._max_input_chars:,}", size=f"{size:,}")
        if claimed is not None:
            return claimed
        if invocation is None:
            if not text:
                raise UsageError("worry.usage")
            if self._talk is not None:
                understood = await self._talk.understand(text, ctx)
                if understood.answered:
                    return None
                if understood.invocation is not None:
                    return self._verbs.to_command(understood.invocation, incoming.chat.kind)
            if self._plain_text is None:
                raise UsageError("help.hint")
            return self._verbs.to_command(
                Invocation(verb=self._plain_text, args=tuple(text.split()), rest=text), incoming.chat.kind
            )
        if incoming.invocation is not None:
            invocation = Invocation(verb=invocation.verb, args=invocation.args, rest=clean_text(invocation.rest))
        return self._verbs.to_command(invocation, incoming.chat.kind)

    async def _noting_account(self, user: User) -> User:
        """A linked person's pushes follow the account they last wrote from (unless they chose one with /link
        primary): written only when they switch accounts, so a message costs no write otherwise."""
        arrived, current = user.arrived_via, user.push_identity_id
        if user.push_pinned or arrived is None or current is None or arrived == current:
            return user
        async with self._uow() as uow:
            await uow.users.set_push_identity(user.id, arrived, pinned=False)
            await uow.commit()
        return replace(user, push_identity_id=arrived)

    async def _resolve_user(self, incoming: IncomingMessage) -> tuple[User, bool]:
        """The sender's user with their settings, and whether this message made them one (their very first — also
        when the same platform update is handled again after a crash, so that it says the same things in the same
        order). A known sender costs one read outside any transaction (one round trip, no lock): the command's own
        unit of work is then the message's only transaction."""
        sender = incoming.sender
        key = incoming.update_key
        async with self._uow(reading=True) as reader:
            known = await reader.users.by_identity(incoming.platform, sender.external_id)
        if known is not None:
            return await self._noting_account(known), key is not None and known.first_update_key == key
        try:
            async with self._uow() as uow:
                user = await uow.users.by_identity(incoming.platform, sender.external_id)
                if user is not None:
                    return user, key is not None and user.first_update_key == key
                user = await uow.users.create(
                    platform=incoming.platform,
                    external_id=sender.external_id,
                    display_name=sender.name,
                    locale=locale_from_platform(sender.locale) if sender.locale else self._default_locale,
                    timezone=self._default_timezone,
                    now=self._clock.now(),
                    update_key=key,
                )
                await uow.commit()
        except IdentityTaken:
            # a person's first two messages arrived together (a double tap, a command and a button): one created
            # the user, the other reads it
            async with self._uow() as uow:
                user = await uow.users.by_identity(incoming.platform, sender.external_id)
            if user is None:
                raise
            return user, False
        logger.info("new user %s on %s", user.id, incoming.platform)
        return user, True

    async def _reply(self, responder: Responder, locale: Locale, error: MaeumError, *, usage: bool) -> None:
        message = self._catalog.text(locale, error.key, **error.params)
        if usage and error.key == "unknown_verb":
            message = message + "\n" + self._catalog.text(locale, "help.hint")
        # Usage and limit notes concern only the asker: ephemeral where the platform allows.
        await responder.send(replace(Reply.text(message), ephemeral=True))
