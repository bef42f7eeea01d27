"""The account product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.commands import Command
from core.domain.accounts import PLATFORM_WORDS
from core.domain.timekeeping import parse_timezone
from core.domain.values import Locale
from core.errors import UsageError
from core.inbound import Invocation
from core.products.account.commands import (
    ChoosePushAccount,
    ConfirmForget,
    ExportData,
    LinkAccount,
    ListLinkedAccounts,
    RequestForget,
    SetConsent,
    SetLanguage,
    SetQuietHours,
    SetTimezone,
    ShowHelp,
    ShowHome,
    Start,
    UnlinkAccount,
)
from core.registration import DIRECT, Verb, Words
from core.routing import no_args


def _help(inv: Invocation) -> Command:
    if inv.args in ((), ("lines",)):
        return ShowHelp(lines_only=bool(inv.args))
    raise UsageError("help.usage")


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
    zone = parse_timezone(inv.rest)  # "new york" is two words
    if zone is None:
        raise UsageError("tz.usage")
    return SetTimezone(zone=zone)


def _consent(inv: Invocation) -> Command:
    choice = inv.args[0].lower() if inv.args else ""
    if choice in {"yes", "y", "네", "동의"}:
        return SetConsent(agree=True)
    if choice in {"no", "n", "아니오", "철회"}:
        return SetConsent(agree=False)
    if choice in {"withdraw", "철회확인"}:
        return SetConsent(agree=False, confirmed=True)
    if choice in {"keep", "유지"}:
        return SetConsent(agree=True)
    raise UsageError("consent.usage")


def _forget_confirm(inv: Invocation) -> Command:
    if inv.args and inv.args[0] in {"yes", "no"}:
        return ConfirmForget(confirmed=inv.args[0] == "yes")
    raise UsageError("forget.usage")


def _link(inv: Invocation) -> Command:
    if len(inv.args) == 1 and inv.args[0].lower() in {"list", "목록"}:
        return ListLinkedAccounts()
    if inv.args and inv.args[0].lower() in {"primary", "기본", "알림"}:
        which = inv.args[1].lower().removeprefix("#") if len(inv.args) == 2 else ""
        if which in {"auto", "자동"}:
            return ChoosePushAccount(position=None)
        if which.isdecimal() and len(which) < 4 and int(which) > 0:
            return ChoosePushAccount(position=int(which))
        raise UsageError("link.primary_usage")
    return LinkAccount(code="".join(inv.args) or None)


_UNLINK_ANSWERS = {"yes": "yes", "확인": "yes", "네": "yes", "no": "no", "keep": "no", "취소": "no", "아니오": "no"}


def _unlink(inv: Invocation) -> Command:
    if not inv.args:
        return ListLinkedAccounts()  # the list says how to choose one
    if len(inv.args) > 2 or (len(inv.args) == 2 and inv.args[1].lower() not in _UNLINK_ANSWERS):
        raise UsageError("unlink.usage")
    answer = _UNLINK_ANSWERS[inv.args[1].lower()] if len(inv.args) == 2 else "ask"
    which = inv.args[0].lower().removeprefix("#")
    if which.isdecimal() and len(which) < 4 and int(which) > 0:
        return UnlinkAccount(position=int(which), answer=answer)
    if which in PLATFORM_WORDS:
        return UnlinkAccount(platform=PLATFORM_WORDS[which], answer=answer)
    raise UsageError("unlink.usage")


VERBS: tuple[Verb, ...] = (
    Verb(
        name="start",
        parse=lambda inv: Start(payload=inv.rest.strip()),
        usage_key="start.usage",
        summary_key="start.summary",
        aliases=("시작",),
    ),
    Verb(name="help", parse=_help, usage_key="help.usage", summary_key="help.summary", aliases=("도움말", "도움")),
    Verb(
        name="lang",
        parse=_lang,
        usage_key="lang.usage",
        summary_key="lang.summary",
        aliases=("language", "언어"),
        words=Words(key="language", required=False, choices=(("한국어", "ko"), ("English", "en"))),
    ),
    Verb(
        name="link",
        parse=_link,
        usage_key="link.usage",
        summary_key="link.summary",
        where=DIRECT,
        aliases=("연결",),
        words=Words(key="code", required=False, max_length=20),
    ),
    Verb(
        name="unlink",
        parse=_unlink,
        usage_key="unlink.usage",
        summary_key="unlink.summary",
        where=DIRECT,
        aliases=("연결끊기", "연결해제"),
        words=Words(key="account", required=False, max_length=20),
    ),
    Verb(
        name="quiet",
        parse=lambda inv: SetQuietHours(window=inv.rest.strip() or None),
        usage_key="quiet.usage",
        summary_key="quiet.summary",
        where=DIRECT,
        aliases=("방해금지",),
        words=Words(key="window", required=False, max_length=20),
    ),
    Verb(
        name="tz",
        parse=_tz,
        usage_key="tz.usage",
        summary_key="tz.summary",
        aliases=("timezone", "시간대"),
        words=Words(key="zone", required=False, max_length=64),
    ),
    Verb(
        name="export",
        parse=no_args(ExportData()),
        usage_key="export.usage",
        summary_key="export.summary",
        where=DIRECT,
    ),
    Verb(
        name="forget",
        parse=no_args(RequestForget()),
        usage_key="forget.usage",
        summary_key="forget.summary",
        where=DIRECT,
    ),
    Verb(name="home", parse=no_args(ShowHome()), usage_key="home.usage", summary_key="home.summary_verb", listed=False),
    Verb(name="consent", parse=_consent, usage_key="consent.usage", summary_key="consent.summary", listed=False),
    Verb(
        name="forget_confirm",
        parse=_forget_confirm,
        usage_key="forget.usage",
        summary_key="forget.summary",
        listed=False,
    ),
)
