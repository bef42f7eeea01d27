"""The ONE verb table: text, slash commands and button actions all become Commands here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from core.commands import (
    AcceptFriend,
    AskWorry,
    CancelReminder,
    ChangeEntry,
    Command,
    CommentOnEntry,
    ConfirmForget,
    ExportData,
    InviteFriend,
    LinkAccount,
    ListDiaries,
    ListFriends,
    ListLinkedAccounts,
    ListReminders,
    MarkHelpful,
    RemoveFriend,
    RequestForget,
    SetConsent,
    SetDiaryNudge,
    SetLanguage,
    SetQuietHours,
    SetReminder,
    SetTimezone,
    ShowFeed,
    ShowGuestbook,
    ShowHelp,
    ShowHome,
    ShowPoints,
    ShowStats,
    Start,
    StartNewConversation,
    UnlinkAccount,
    WriteDiary,
    WriteGuestbook,
)
from core.domain.accounts import PLATFORM_WORDS
from core.domain.time_phrases import read_clock_time
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


def _help(inv: Invocation) -> Command:
    if inv.args in ((), ("lines",)):
        return ShowHelp(lines_only=bool(inv.args))
    raise UsageError("help.usage")


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
    if choice in {"withdraw", "철회확인"}:
        return SetConsent(agree=False, confirmed=True)
    if choice in {"keep", "유지"}:
        return SetConsent(agree=True)
    raise UsageError("consent.usage")


def _forget_confirm(inv: Invocation) -> Command:
    if inv.args and inv.args[0] in {"yes", "no"}:
        return ConfirmForget(confirmed=inv.args[0] == "yes")
    raise UsageError("forget.usage")


def _diary_nudge(args: tuple[str, ...]) -> Command:
    if len(args) == 1 and args[0].lower() in {"off", "끄기", "취소"}:
        return SetDiaryNudge(hour=None)
    read = read_clock_time(" ".join(args)) if args else None
    if not isinstance(read, time):
        raise UsageError("remind.diary_usage")
    return SetDiaryNudge(hour=read.hour, minute=read.minute)


def _remind(inv: Invocation) -> Command:
    args = inv.args
    if not args:
        raise UsageError("remind.usage")
    head = args[0].lower()
    if head in {"diary", "일기"}:
        return _diary_nudge(args[1:])
    if head in {"list", "목록"} and len(args) == 1:
        return ListReminders()
    if head in {"cancel", "취소"}:
        number = args[1].removeprefix("#") if len(args) == 2 else ""
        if number.isdecimal() and len(number) < 6 and int(number) > 0:
            return CancelReminder(number=int(number))
        raise UsageError("remind.usage")
    return SetReminder(phrase=inv.rest.strip())  # when and what are told apart by the use case, in the user's zone


def _helpful(inv: Invocation) -> Command:
    if len(inv.args) == 2 and inv.args[0] in {"F", "T"} and inv.args[1].isdecimal() and len(inv.args[1]) < 19:
        return MarkHelpful(persona=Persona(inv.args[0]), worry_id=WorryId(int(inv.args[1])))
    raise UsageError("action.expired")


def _diary(inv: Invocation) -> Command:
    if not inv.rest.strip():
        raise UsageError("diary.usage")
    return WriteDiary(text=inv.rest.strip())


def _cursor(inv: Invocation) -> int | None:
    """The keyset cursor a "more" button carries (an id); typed words are ignored."""
    if inv.args and inv.args[0].isdecimal() and len(inv.args[0]) < 19:
        return int(inv.args[0])
    return None


def _id(word: str, usage: str) -> int:
    word = word.removeprefix("#")
    if not word.isdecimal() or len(word) > 18:
        raise UsageError(usage)
    return int(word)


_ENTRY_CHANGES = {
    "friends": "friends",
    "친구": "friends",
    "공개": "friends",
    "private": "private",
    "비공개": "private",
    "나만": "private",
    "delete": "delete",
    "삭제": "delete",
    "show": "show",
    "보기": "show",
}


def _entry(inv: Invocation) -> Command:
    if not inv.args:
        raise UsageError("entry.usage")
    change = _ENTRY_CHANGES.get(inv.args[1].lower()) if len(inv.args) == 2 else "show" if len(inv.args) == 1 else None
    if len(inv.args) == 3 and _ENTRY_CHANGES.get(inv.args[1].lower()) == "delete" and inv.args[2] in {"yes", "확인"}:
        change = "delete_confirmed"
    if change is None:
        raise UsageError("entry.usage")
    return ChangeEntry(entry_id=_id(inv.args[0], "entry.usage"), change=change)


def _friend(inv: Invocation) -> Command:
    head = inv.args[0].lower() if inv.args else ""
    if head in {"invite", "초대"} and len(inv.args) == 1:
        return InviteFriend()
    if head in {"accept", "수락"} and len(inv.args) >= 2:
        return AcceptFriend(code="".join(inv.args[1:]))
    if head in {"list", "목록"} or not inv.args:
        return ListFriends()
    if head in {"remove", "삭제", "끊기"} and len(inv.args) == 2:
        return RemoveFriend(position=_id(inv.args[1], "friend.usage"))
    raise UsageError("friend.usage")


def _comment(inv: Invocation) -> Command:
    parts = inv.rest.split(None, 1)
    if len(parts) < 2 or not parts[1].strip():
        raise UsageError("comment.usage")
    return CommentOnEntry(entry_id=_id(parts[0], "comment.usage"), text=parts[1].strip())


def _guestbook(inv: Invocation) -> Command:
    if not inv.args:
        return ShowGuestbook()
    parts = inv.rest.split(None, 1)
    if len(parts) < 2 or not parts[1].strip():
        raise UsageError("guestbook.usage")
    return WriteGuestbook(position=_id(parts[0], "guestbook.usage"), text=parts[1].strip())


def _link(inv: Invocation) -> Command:
    if len(inv.args) == 1 and inv.args[0].lower() in {"list", "목록"}:
        return ListLinkedAccounts()
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


def _stats(inv: Invocation) -> Command:
    return ShowStats(week=inv.rest.strip() or None)  # "last week", "지난 주" are two words


VERBS: tuple[Verb, ...] = (
    Verb(
        name="start",
        parse=lambda inv: Start(payload=inv.rest.strip()),
        usage_key="start.usage",
        summary_key="start.summary",
    ),
    Verb(name="help", parse=_help, usage_key="help.usage", summary_key="help.summary"),
    Verb(name="worry", parse=_worry, usage_key="worry.usage", summary_key="worry.summary", aliases=("고민",)),
    Verb(
        name="new",
        parse=_no_args(StartNewConversation()),
        usage_key="new.usage",
        summary_key="new.summary",
        aliases=("새로",),
    ),
    Verb(name="lang", parse=_lang, usage_key="lang.usage", summary_key="lang.summary", aliases=("language",)),
    Verb(
        name="link",
        parse=_link,
        usage_key="link.usage",
        summary_key="link.summary",
        where=_DIRECT,
        aliases=("연결",),
    ),
    Verb(
        name="unlink",
        parse=_unlink,
        usage_key="unlink.usage",
        summary_key="unlink.summary",
        where=_DIRECT,
        aliases=("연결끊기", "연결해제"),
    ),
    Verb(
        name="quiet",
        parse=lambda inv: SetQuietHours(window=inv.rest.strip() or None),
        usage_key="quiet.usage",
        summary_key="quiet.summary",
        where=_DIRECT,
        aliases=("방해금지",),
    ),
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
        name="diary",
        parse=_diary,
        usage_key="diary.usage",
        summary_key="diary.summary",
        where=_DIRECT,
        aliases=("일기",),
    ),
    Verb(
        name="diaries",
        parse=lambda inv: ListDiaries(before_id=_cursor(inv)),
        usage_key="diaries.usage",
        summary_key="diaries.summary",
        where=_DIRECT,
        aliases=("일기장",),
    ),
    Verb(name="entry", parse=_entry, usage_key="entry.usage", summary_key="entry.summary", where=_DIRECT),
    Verb(
        name="feed",
        parse=lambda inv: ShowFeed(before_id=_cursor(inv)),
        usage_key="feed.usage",
        summary_key="feed.summary",
        where=_DIRECT,
        aliases=("친구일기",),
    ),
    Verb(
        name="friend",
        parse=_friend,
        usage_key="friend.usage",
        summary_key="friend.summary",
        where=_DIRECT,
        aliases=("친구",),
    ),
    Verb(
        name="comment",
        parse=_comment,
        usage_key="comment.usage",
        summary_key="comment.summary",
        where=_DIRECT,
        aliases=("댓글",),
    ),
    Verb(
        name="guestbook",
        parse=_guestbook,
        usage_key="guestbook.usage",
        summary_key="guestbook.summary",
        where=_DIRECT,
        aliases=("방명록",),
    ),
    Verb(
        name="stats",
        parse=_stats,
        usage_key="stats.usage",
        summary_key="stats.summary",
        where=_DIRECT,
        aliases=("통계",),
    ),
    Verb(
        name="points",
        parse=lambda inv: ShowPoints(before_id=_cursor(inv)),
        usage_key="points.usage",
        summary_key="points.summary",
        where=_DIRECT,
        aliases=("포인트",),
    ),
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
