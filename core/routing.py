"""The ONE verb table: text, slash commands and button actions all become Commands here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.commands import (
    AskWorry,
    CancelReminder,
    Command,
    ConfirmForget,
    ExportData,
    ListReminders,
    MarkHelpful,
    RequestForget,
    SetConsent,
    SetLanguage,
    SetReminder,
    SetTimezone,
    ShowHelp,
    ShowHome,
    Start,
    StartNewConversation,
)
from core.domain.timekeeping import parse_timezone
from core.domain.values import ChatKind, Locale, Persona, WorryId
from core.errors import UsageError
from core.inbound import Invocation

ACTION_PREFIX = "mm"
ACTION_MAX_BYTES = 64  # Telegram callback_data; Slack and Discord allow more
_BOTH = frozenset({ChatKind.DIRECT, ChatKind.GROUP})
_DIRECT = frozenset({ChatKind.DIRECT})


@dataclass(frozen=True, kw_only=True)
class Verb:
    name: str
    parse: Callable[[Invocation], Command]
    usage_key: str
    summary_key: str
    where: frozenset[ChatKind] = _BOTH
    listed: bool = True  # shown in /help and platform menus; button-only verbs are not
    aliases: tuple[str, ...] = ()


def _no_args(command: Command) -> Callable[[Invocation], Command]:
    return lambda _inv: command


def _lang(inv: Invocation) -> Command:
    if not inv.args:
        return SetLanguage(locale=None)
    try:
        return SetLanguage(locale=Locale(inv.args[0].lower()))
    except ValueError:
        raise UsageError("lang.usage") from None


def _tz(inv: Invocation) -> Command:
    if not inv.args:
        return SetTimezone(zone=None)
    zone = parse_timezone(inv.args[0]) if len(inv.args) == 1 else None
    if zone is None:
        raise UsageError("tz.usage")
    return SetTimezone(zone=zone)


def _worry(inv: Invocation) -> Command:
    if not inv.rest.strip():
        raise UsageError("worry.usage")
    return AskWorry(text=inv.rest.strip())


def _consent(inv: Invocation) -> Command:
    choice = inv.args[0].lower() if inv.args else ""
    if choice in {"yes", "y", "네", "동의"}:
        return SetConsent(agree=True)
    if choice in {"no", "n", "아니오", "철회"}:
        return SetConsent(agree=False)
    raise UsageError("consent.usage")


def _forget_confirm(inv: Invocation) -> Command:
    if inv.args and inv.args[0] in {"yes", "no"}:
        return ConfirmForget(confirmed=inv.args[0] == "yes")
    raise UsageError("forget.usage")


_MERIDIEM = {"오전", "오후", "am", "pm"}


def _remind(inv: Invocation) -> Command:
    args = inv.args
    if not args:
        raise UsageError("remind.usage")
    head = args[0].lower()
    if head in {"list", "목록"} and len(args) == 1:
        return ListReminders()
    if head in {"cancel", "취소"}:
        if len(args) == 2 and args[1].isdigit() and 0 < int(args[1]) < 10_000:
            return CancelReminder(position=int(args[1]))
        raise UsageError("remind.usage")
    taken = 2 if head in _MERIDIEM and len(args) > 1 else 1
    when = "".join(args[:taken])
    text = inv.rest.split(None, taken)[taken].strip() if len(inv.rest.split(None, taken)) > taken else ""
    if not text:
        raise UsageError("remind.usage")
    return SetReminder(when=when, text=text)


def _helpful(inv: Invocation) -> Command:
    if len(inv.args) == 2 and inv.args[0] in {"F", "T"} and inv.args[1].isdigit():
        return MarkHelpful(persona=Persona(inv.args[0]), worry_id=WorryId(int(inv.args[1])))
    raise UsageError("action.expired")


VERBS: tuple[Verb, ...] = (
    Verb(
        name="start",
        parse=lambda inv: Start(payload=inv.rest.strip()),
        usage_key="start.usage",
        summary_key="start.summary",
    ),
    Verb(name="help", parse=_no_args(ShowHelp()), usage_key="help.usage", summary_key="help.summary"),
    Verb(name="worry", parse=_worry, usage_key="worry.usage", summary_key="worry.summary", aliases=("고민",)),
    Verb(
        name="new",
        parse=_no_args(StartNewConversation()),
        usage_key="new.usage",
        summary_key="new.summary",
        aliases=("새로",),
    ),
    Verb(name="lang", parse=_lang, usage_key="lang.usage", summary_key="lang.summary", aliases=("language",)),
    Verb(name="tz", parse=_tz, usage_key="tz.usage", summary_key="tz.summary", aliases=("timezone",)),
    Verb(
        name="export",
        parse=_no_args(ExportData()),
        usage_key="export.usage",
        summary_key="export.summary",
        where=_DIRECT,
    ),
    Verb(
        name="forget",
        parse=_no_args(RequestForget()),
        usage_key="forget.usage",
        summary_key="forget.summary",
        where=_DIRECT,
    ),
    Verb(name="remind", parse=_remind, usage_key="remind.usage", summary_key="remind.summary", aliases=("알림",)),
    Verb(
        name="home", parse=_no_args(ShowHome()), usage_key="home.usage", summary_key="home.summary_verb", listed=False
    ),
    Verb(name="consent", parse=_consent, usage_key="consent.usage", summary_key="consent.summary", listed=False),
    Verb(
        name="forget_confirm",
        parse=_forget_confirm,
        usage_key="forget.usage",
        summary_key="forget.summary",
        listed=False,
    ),
    Verb(name="helpful", parse=_helpful, usage_key="action.expired", summary_key="helpful.summary", listed=False),
)

_BY_NAME: dict[str, Verb] = {name: verb for verb in VERBS for name in (verb.name, *verb.aliases)}
_COMMAND = re.compile(r"^/(?P<verb>[^\s@]+)(?:@(?P<bot>\S+))?(?P<rest>.*)$", re.DOTALL)


def listed_verbs() -> tuple[Verb, ...]:
    return tuple(v for v in VERBS if v.listed)


def lookup(name: str) -> Verb | None:
    return _BY_NAME.get(name.lower())


def parse_text(text: str) -> Invocation | None:
    """ "/verb@bot a b" → Invocation; plain text → None."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    rest = match.group("rest").strip()
    return Invocation(verb=match.group("verb").lower(), args=tuple(rest.split()), rest=rest)


def to_command(inv: Invocation, chat_kind: ChatKind) -> Command:
    verb = lookup(inv.verb)
    if verb is None:
        raise UsageError("unknown_verb", verb=inv.verb[:32])
    if chat_kind not in verb.where:
        raise UsageError("direct_only", verb=verb.name)
    return verb.parse(inv)


def encode_action(verb: str, *args: str) -> str:
    encoded = ":".join((ACTION_PREFIX, verb, *args))
    if len(encoded.encode()) > ACTION_MAX_BYTES:
        raise ValueError(f"action id over {ACTION_MAX_BYTES} bytes: {verb}")
    return encoded


def decode_action(data: str) -> Invocation:
    """A button's action id back into an Invocation; anything unrecognised is an expired button."""
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != ACTION_PREFIX or lookup(parts[1]) is None:
        raise UsageError("action.expired")
    return Invocation(verb=parts[1], args=tuple(parts[2:]), rest=" ".join(parts[2:]))
