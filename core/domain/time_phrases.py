"""Reading when something is due from what a person typed — exactly, or not at all.

"내일 아침 8시", "모레 저녁 7시", "10분 뒤에", "다음 주 월요일 9시", "금요일 8pm", "in 2 hours", "tomorrow 7am",
"2026-12-03 20:00", "90m", "2h30m": read in the user's zone from a given `now`, into one exact instant. What
cannot be read exactly is refused with a reason (`Refusal`), never rounded or guessed: "8시쯤" is approximate,
"오후 13시" contradicts itself, "8시 70분" and "2월 30일" do not exist, "내일" alone has no time.

Why a small grammar and not a library: dateparser (the well-kept choice) is permissive by design — it fills
in what is missing and guesses where this reader must refuse ("8시쯤" → 8:00, "오후 13시" → 13:00), and it
reads the Korean forms people type (모레, 글피, 담주, 저녁 7시, 8시 반, 10분 뒤에, 있다가) poorly or not at all.

The grammar, as decided (the table test in tests/unit/test_time_phrases.py shows each rule):

- Where: the phrase opens the text ("내일 8시 약 먹기") or, when the text opens with no time words at all, closes
  it ("약 먹기 내일 8시"); the words read never stay in the rest. A phrase ends at a word boundary (spaces, or
  , : ; . ! ?): "8시까지" and "8시쯤" are not 8:00. A bare duration is read only where the text opens ("10분 물")
  — at the end it usually says how long ("플랭크 1분").
- Durations: "10분", "1시간 반", "2h30m", "90m", "3d", "in 2 hours", "2 hours later", "2 hours from now", with
  뒤/후/뒤에/후에/있다가/이따가/지나서. They are elapsed time from `now`, seconds kept ("3일 뒤" is 72 hours).
  "m" is minutes. A bare Korean "3일" is refused (the 3rd, or three days?): "3일 뒤" or "12월 3일".
- Days: 오늘/내일/낼/모레/내일모레/글피, today/tomorrow/tonight/the day after tomorrow; weekdays (월요일, 월욜;
  a lone 월…일 or mon…sun only right before a time and only where the text opens — "할 일 9시" is a to-do);
  이번 주/다음 주(다음주, 담주)/다다음 주 + weekday, and English "this friday"/"next friday" = that weekday of
  this/next calendar week (weeks start on Monday, as 이번 주/다음 주 do, so "next friday" on a Thursday is eight
  days away — the confirmation shows the date); a bare weekday ("금요일", "on friday", "coming friday") = the
  next such day, today included, whose time is still ahead. Dates 2026-12-03, 2026.12.03, 2026/12/03,
  2026년 12월 3일, 12월 3일, 12/3 (month first), Dec 3; a date without a year is this year's if it is today or
  later, else next year's.
- Clock: 8시, 8시 30분, 8시30분, 8시 반, 8시 정각, 여덟 시, 20:00, 8:30pm, 7am, 7 am, at 7, 정오/noon,
  자정/midnight. Without a part of day or am/pm an hour is on the 24-hour clock (9시 = 09:00, 21시 = 21:00).
- Parts of day turn a 12-hour clock into an exact hour, and a contradiction is refused: 새벽 0–7 (새벽 12시 =
  00:00), 아침/morning 5–11, 오전/am 0–11 (오전 12시 = 00:00), 낮 11–5, 점심 11–2, 오후/afternoon/pm 12–11,
  저녁/evening 5–11 pm, 밤/night 7–11 pm and 12–4 after midnight (밤 12시 = 자정 = 00:00 of the next day, so
  "내일 밤 12시" and "내일 자정" are the midnight that ends tomorrow). A 24-hour hour is accepted beside a part
  only inside it ("저녁 19시"); 오전/오후/am/pm take 1–12 only ("오후 13시" is a contradiction).
- With no day, a time already past today means tomorrow; with a day given, a past time is refused. Anything
  more than 365 days ahead is refused. Between midnight and 05:00, 내일/모레/tomorrow are refused as ambiguous
  (many mean the morning after tonight's sleep, which is today): "오늘 아침 8시" or a date says it exactly.
  A wall time the zone skips (a DST gap) does not exist.
- Korean particles 에/에는/엔/은/는 may follow a day, a part of day, a date or a time ("내일은 8시에").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum, StrEnum
from typing import Final
from zoneinfo import ZoneInfo

MAX_AHEAD: Final = timedelta(days=365)


class Refusal(StrEnum):
    UNREADABLE = "unreadable"  # no time words, or words that do not make a time
    NEEDS_TIME = "needs_time"  # a day or a part of day without a clock time: "내일 약 먹기"
    NEEDS_DAY = "needs_day"  # a week without its day: "다음 주 9시"
    APPROXIMATE = "approximate"  # "8시쯤", "around 8pm"
    AMBIGUOUS_DAY = "ambiguous_day"  # "내일 아침 8시" at 1 a.m.: the morning ahead, or the one after?
    PAST = "past"
    TOO_FAR = "too_far"  # more than 365 days ahead
    CONTRADICTION = "contradiction"  # "오후 13시", "아침 8pm", "내일 수요일" on a Thursday
    BAD_CLOCK = "bad_clock"  # "8시 70분", "25:00", a time a DST change skips
    BAD_DATE = "bad_date"  # "2월 30일"


@dataclass(frozen=True, kw_only=True)
class TimePhraseRead:
    due: datetime  # aware UTC
    rest: str  # the text with the phrase taken out
    phrase: str  # the words read, as typed


@dataclass(frozen=True, kw_only=True)
class TimeRefusal:
    reason: Refusal
    phrase: str = ""  # the words that could not be read exactly, when there were some
    due: datetime | None = None  # for PAST and TOO_FAR: the instant those words name

    @property
    def key(self) -> str:
        """The message-catalog key that explains this refusal, with an example."""
        return f"time.refused.{self.reason.value}"


def read_time_phrase(text: str, *, now: datetime, zone: ZoneInfo) -> TimePhraseRead | TimeRefusal:
    """When `text` says something is due, and the text without those words."""
    text = unicodedata.normalize("NFC", text).strip()
    leading = _read_leading(text, now=now, zone=zone)
    if leading is not None:
        return leading
    trailing = _read_trailing(text, now=now, zone=zone)
    return trailing if trailing is not None else TimeRefusal(reason=Refusal.UNREADABLE)


def time_choices(text: str, *, now: datetime, zone: ZoneInfo) -> tuple[TimePhraseRead, ...]:
    """The exact readings that words refused as approximate or as an ambiguous day could mean, for the person to
    choose from (nothing is guessed on their behalf): "8시쯤" → 8:00; "내일 저녁 8시" typed at 1 a.m. → this
    evening or the next one. Empty for any other refusal, and for words read exactly."""
    text = unicodedata.normalize("NFC", text).strip()
    read = read_time_phrase(text, now=now, zone=zone)
    if not isinstance(read, TimeRefusal):
        return ()
    if read.reason is Refusal.APPROXIMATE:
        exact = _APPROX_BEFORE.sub("", _APPROX_AFTER.sub("", text))
        again = read_time_phrase(exact, now=now, zone=zone)
        if isinstance(again, TimePhraseRead):
            return (again,)
        return time_choices(exact, now=now, zone=zone) if again.reason is Refusal.AMBIGUOUS_DAY else ()
    if read.reason is not Refusal.AMBIGUOUS_DAY:
        return ()
    named = _NEXT_DAY.search(text)
    if named is None:
        return ()
    word = re.sub(r"\s", "", named[0].lower())
    days = _KO_DAYS.get(word) or (2 if word.startswith(("theday", "day")) else 1)
    today = now.astimezone(zone).date()
    choices: list[TimePhraseRead] = []
    for offset in (days - 1, days):  # counted from the morning after tonight's sleep, or from the calendar
        exact = text[: named.start()] + (today + timedelta(days=offset)).isoformat() + text[named.end() :]
        again = read_time_phrase(exact, now=now, zone=zone)
        if isinstance(again, TimePhraseRead) and all(again.due != c.due for c in choices):
            choices.append(again)
    return tuple(choices)


def read_duration(text: str) -> timedelta | None:
    """A length of time and nothing else ("30m", "1h", "2h30m", "10분", "1시간 반", "2 hours"), or None."""
    lexed = _whole(text)
    if lexed is None or len(lexed) != 1 or lexed[0].kind is not _Kind.DURATION or lexed[0].has_in:
        return None
    return lexed[0].delta


def read_clock_time(text: str) -> time | TimeRefusal:  # noqa: PLR0911 — one return per refusal
    """A time of day with no day ("21:30", "오후 9시 30분", "9pm", "밤 12시"), e.g. for a daily nudge."""
    lexed = _whole(text)
    phrase = unicodedata.normalize("NFC", text).strip()
    if not lexed:
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)
    if _approximate(lexed) is not None:
        return TimeRefusal(reason=Refusal.APPROXIMATE, phrase=phrase)
    items = [x for x in lexed if x.kind is not _Kind.PARTICLE]
    if any(x.kind not in {_Kind.PART, _Kind.CLOCK} or x.days is not None for x in items):
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)
    clocks = [x for x in items if x.kind is _Kind.CLOCK]
    parts = {x.part for x in items if x.part}
    if len(clocks) != 1:
        return TimeRefusal(reason=Refusal.NEEDS_TIME if not clocks else Refusal.UNREADABLE, phrase=phrase)
    if len(parts) > 1:
        return TimeRefusal(reason=Refusal.CONTRADICTION, phrase=phrase)
    resolved = _resolve_clock(clocks[0], next(iter(parts), None))
    if isinstance(resolved, Refusal):
        return TimeRefusal(reason=resolved, phrase=phrase)
    return time(resolved.hour, resolved.minute)


# ---------------------------------------------------------------------------------------------------------------
# Lexing: the text becomes a run of lexemes, each a piece of a time phrase, glued or separated by spaces.


class _Kind(Enum):
    DAY = "day"  # 내일, tomorrow, tonight (+ part)
    WEEK = "week"  # 다음 주, next week
    WEEKDAY = "weekday"
    DATE = "date"
    PART = "part"  # part of day
    CLOCK = "clock"
    DURATION = "duration"
    MARKER = "marker"  # 뒤, 후, later, from now
    PARTICLE = "particle"  # 에, 에는, 은, 는 (glued only)
    APPROX = "approx"  # 쯤, 경, around


@dataclass(frozen=True, kw_only=True)
class _Lexeme:
    kind: _Kind
    start: int
    end: int
    korean: bool = False  # Korean word order applies (a day or part of day comes before the time)
    closed: bool = True  # ends at a word boundary (set by the lexer)
    days: int | None = None  # DAY: days from today; WEEK: weeks from this one
    part: str | None = None  # PART (and DAY "tonight"): 새벽 아침 오전 낮 점심 오후 저녁 밤
    weekday: int | None = None  # WEEKDAY: Monday 0
    week: int | None = None  # WEEKDAY "next friday": weeks from this one
    short: bool = False  # WEEKDAY written 금 / fri: only right before a time
    year: int | None = None  # DATE
    month: int = 0
    day: int = 0
    hour: int = 0  # CLOCK, as typed (8 in 8pm)
    minute: int = 0
    meridiem: str | None = None  # CLOCK: am / pm
    special: str | None = None  # CLOCK: noon / midnight
    delta: timedelta = timedelta(0)  # DURATION
    has_in: bool = False  # DURATION "in 2 hours"
    needs_marker: bool = False  # DURATION "3일": read only with 뒤/후


_Builder = Callable[[re.Match[str]], _Lexeme | None]
_Rule = tuple[re.Pattern[str], _Builder, str]  # pattern, builder, where ("any" | "glued" | "alone")

_FLAGS: Final = re.IGNORECASE
_END_EN: Final = r"(?![a-z0-9])"
_NATIVE: Final = {
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "열한": 11,
    "열두": 12,
}
_NATIVE_ALT: Final = "|".join(sorted(_NATIVE, key=len, reverse=True))
_KO_WEEKDAYS: Final = "월화수목금토일"
_EN_WEEKDAYS: Final = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_EN_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_ALT: Final = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_KO_DAYS: Final = {"오늘": 0, "내일": 1, "낼": 1, "모레": 2, "내일모레": 2, "낼모레": 2, "글피": 3}
# What time_choices takes out of an approximate time ("8시쯤" → "8시", "around 8pm" → "8pm") and the day word it
# pins to a date when the small hours make it ambiguous.
_APPROX_AFTER: Final = re.compile(r"(?<=[\d시분반])\s?(?:쯤|경|즈음|무렵|정도|께)(?=[\s,.!?에]|$)")
_APPROX_BEFORE: Final = re.compile(
    r"(?:around|about|approximately|approx\.?|roughly|~)\s*(?=(?:at\s+)?\d)", re.IGNORECASE
)
_NEXT_DAY: Final = re.compile(
    r"내일\s?모레|낼\s?모레|내일|낼|모레|글피|(?:the\s+)?day\s+after\s+tomorrow|tomorrow|tmrw|tmr", re.IGNORECASE
)
_EN_PARTS: Final = {"morning": "아침", "afternoon": "오후", "evening": "저녁", "night": "밤"}
_KO_WEEKS: Final = {"이번": 0, "다음": 1, "담": 1, "다다음": 2}
_MERIDIEM: Final = r"(?P<mer>a\.?m\.?|p\.?m\.?)"


def _hour(raw: str) -> int:
    return _NATIVE[raw] if raw in _NATIVE else int(raw)


def _meridiem(raw: str | None) -> str | None:
    return None if raw is None else ("am" if raw.lower().startswith("a") else "pm")


def _rule(pattern: str, build: _Builder, where: str = "any") -> _Rule:
    return re.compile(pattern, _FLAGS), build, where


def _lx(kind: _Kind, m: re.Match[str], **fields: object) -> _Lexeme:
    return _Lexeme(kind=kind, start=m.start(), end=m.end(), **fields)  # type: ignore[arg-type]


def _ko_clock(m: re.Match[str]) -> _Lexeme:
    minute = 30 if m["half"] else int(m["m"] or 0)
    return _lx(_Kind.CLOCK, m, korean=True, hour=_hour(m["h"]), minute=minute)


def _en_weekday(m: re.Match[str]) -> _Lexeme:
    word, modifier = m["wd"].lower(), (m["mod"] or "").lower()
    week = {"this": 0, "next": 1}.get(modifier)
    short = len(word) <= 4 and not modifier
    return _lx(_Kind.WEEKDAY, m, weekday=_EN_WEEKDAYS[word], week=week, short=short)


def _en_date(m: re.Match[str]) -> _Lexeme:
    year = int(m["y"]) if m["y"] else None
    return _lx(_Kind.DATE, m, year=year, month=_EN_MONTHS[m["mon"].lower()], day=int(m["d"]))


def _numeric_date(m: re.Match[str]) -> _Lexeme:
    year = int(m["y"]) if m.groupdict().get("y") else None
    return _lx(_Kind.DATE, m, korean="월" in m[0], year=year, month=int(m["m"]), day=int(m["d"]))


_RULES: Final[tuple[_Rule, ...]] = (
    # days
    _rule(
        r"내일\s?모레|낼\s?모레|오늘|내일|낼|모레|글피",
        lambda m: _lx(_Kind.DAY, m, korean=True, days=_KO_DAYS[re.sub(r"\s", "", m[0])]),
    ),
    _rule(r"(?:the\s+)?day\s+after\s+tomorrow" + _END_EN, lambda m: _lx(_Kind.DAY, m, days=2)),
    _rule(
        r"(?:today|tomorrow|tmrw|tmr)" + _END_EN, lambda m: _lx(_Kind.DAY, m, days=0 if m[0].lower() == "today" else 1)
    ),
    _rule(r"tonight" + _END_EN, lambda m: _lx(_Kind.DAY, m, days=0, part="밤")),
    _rule(
        r"this\s+(?P<p>morning|afternoon|evening)" + _END_EN,
        lambda m: _lx(_Kind.DAY, m, days=0, part=_EN_PARTS[m["p"].lower()]),
    ),
    # weeks and weekdays
    _rule(
        r"(?P<w>다다음|이번|다음|담)\s?주(?![일말간])",
        lambda m: _lx(_Kind.WEEK, m, korean=True, days=_KO_WEEKS[m["w"]]),
    ),
    _rule(
        r"(?P<w>this|next)\s+week" + _END_EN, lambda m: _lx(_Kind.WEEK, m, days=0 if m["w"].lower() == "this" else 1)
    ),
    _rule(
        rf"(?P<wd>[{_KO_WEEKDAYS}])(?:요일|욜)",
        lambda m: _lx(_Kind.WEEKDAY, m, korean=True, weekday=_KO_WEEKDAYS.index(m["wd"])),
    ),
    _rule(
        rf"(?P<wd>[{_KO_WEEKDAYS}])(?=[\s,.!?]|$)",
        lambda m: _lx(_Kind.WEEKDAY, m, korean=True, weekday=_KO_WEEKDAYS.index(m["wd"]), short=True),
        "alone",
    ),
    _rule(
        r"(?:on\s+)?(?:(?P<mod>this|next|coming)\s+)?(?P<wd>"
        + "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
        + ")"
        + _END_EN,
        _en_weekday,
    ),
    # dates
    _rule(
        r"(?:on\s+)?(?P<y>\d{4})\s?(?P<sep>[-./])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<d>\d{1,2})(?!\d)\.?", _numeric_date
    ),
    _rule(r"(?:(?P<y>\d{4})\s?년\s?)?(?P<m>\d{1,2})\s?월\s?(?P<d>\d{1,2})\s?일(?!간)", _numeric_date),
    _rule(r"(?:on\s+)?(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])", _numeric_date),
    _rule(
        rf"(?:on\s+)?(?P<mon>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:a-z])(?:,?\s+(?P<y>\d{{4}})(?!\d))?",
        _en_date,
    ),
    _rule(
        rf"(?:on\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_ALT})\.?"
        + _END_EN
        + r"(?:,?\s+(?P<y>\d{4})(?!\d))?",
        _en_date,
    ),
    # parts of day
    _rule(r"새벽|아침|오전|낮|점심|오후|저녁|밤", lambda m: _lx(_Kind.PART, m, korean=True, part=m[0])),
    _rule(
        r"(?:in\s+the\s+)?(?P<p>morning|afternoon|evening)" + _END_EN,
        lambda m: _lx(_Kind.PART, m, part=_EN_PARTS[m["p"].lower()]),
    ),
    _rule(r"(?:at\s+)?night" + _END_EN, lambda m: _lx(_Kind.PART, m, part="밤")),
    # clock times
    _rule(
        rf"(?P<h>\d{{1,2}}|{_NATIVE_ALT})\s?시(?!간)(?:\s?(?P<m>\d{{1,2}})\s?분|\s?(?P<half>반)|\s?정각)?",
        _ko_clock,
    ),
    _rule(
        r"(?:at\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?" + _MERIDIEM + r"(?![a-z0-9])",
        lambda m: _lx(_Kind.CLOCK, m, hour=int(m["h"]), minute=int(m["m"] or 0), meridiem=_meridiem(m["mer"])),
    ),
    _rule(
        r"(?:at\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])",
        lambda m: _lx(_Kind.CLOCK, m, hour=int(m["h"]), minute=int(m["m"])),
    ),
    _rule(r"at\s+(?P<h>\d{1,2})(?![\d:a-z])", lambda m: _lx(_Kind.CLOCK, m, hour=int(m["h"]))),
    _rule(r"정오", lambda m: _lx(_Kind.CLOCK, m, korean=True, hour=12, special="noon")),
    _rule(r"자정", lambda m: _lx(_Kind.CLOCK, m, korean=True, hour=0, special="midnight")),
    _rule(r"(?:at\s+)?(?:noon|midday)" + _END_EN, lambda m: _lx(_Kind.CLOCK, m, hour=12, special="noon")),
    _rule(r"(?:at\s+)?midnight" + _END_EN, lambda m: _lx(_Kind.CLOCK, m, hour=0, special="midnight")),
    # after a duration; approximations; particles
    _rule(r"뒤에|뒤|후에|후|있다가|이따가|지나서", lambda m: _lx(_Kind.MARKER, m, korean=True)),
    _rule(r"(?:later|from\s+now)" + _END_EN, lambda m: _lx(_Kind.MARKER, m)),
    _rule(r"쯤|경|즈음|무렵|정도|께|~", lambda m: _lx(_Kind.APPROX, m, korean=True)),
    _rule(r"(?:around|about|approximately|approx\.?|roughly|~)(?![a-z])", lambda m: _lx(_Kind.APPROX, m)),
    _rule(r"에는|에|엔|은|는", lambda m: _lx(_Kind.PARTICLE, m, korean=True), "glued"),
)

_UNITS: Final = (  # (unit words, rank, length of one)
    (("주일", "주", "weeks", "week", "wks", "wk", "w"), 5, timedelta(weeks=1)),
    (("일", "days", "day", "d"), 4, timedelta(days=1)),
    (("시간", "hours", "hour", "hrs", "hr", "h"), 3, timedelta(hours=1)),
    (("분", "minutes", "minute", "mins", "min", "m"), 2, timedelta(minutes=1)),
    (("초", "seconds", "second", "secs", "sec", "s"), 1, timedelta(seconds=1)),
)
_UNIT_OF: Final = {word: (rank, one) for words, rank, one in _UNITS for word in words}
_UNIT_ALT: Final = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_PIECE: Final = re.compile(
    rf"(?P<n>\d{{1,6}}|{_NATIVE_ALT}|an?|one)\s?(?P<u>{_UNIT_ALT})(?![a-z])(?P<half>\s?반)?", _FLAGS
)
_WORD_DURATIONS: Final = {"하루": timedelta(days=1), "이틀": timedelta(days=2), "일주일": timedelta(weeks=1)}
_WORD_DURATION: Final = re.compile(r"하루|이틀|일주일|half\s+an\s+hour" + _END_EN, _FLAGS)
_IN: Final = re.compile(r"in\s+", _FLAGS)
_PIECE_GAP: Final = re.compile(r"\s?(?:and\s+)?", _FLAGS)


def _duration(text: str, pos: int) -> _Lexeme | None:
    """Number-unit pieces in falling order ("2시간 30분", "1d2h", "1시간 반"), optionally after "in"."""
    start = pos
    opened = _IN.match(text, pos)
    if opened is not None:
        pos = opened.end()
    word = _WORD_DURATION.match(text, pos)
    if word is not None:
        spoken = word[0].lower()
        delta = timedelta(minutes=30) if spoken.startswith("half") else _WORD_DURATIONS[spoken]
        return _Lexeme(
            kind=_Kind.DURATION,
            start=start,
            end=word.end(),
            delta=delta,
            has_in=opened is not None,
            needs_marker=not spoken.startswith("half"),
        )
    delta, end, last_rank, units, last_one = timedelta(0), pos, 9, [], timedelta.max
    while (piece := _PIECE.match(text, pos)) is not None:
        unit = piece["u"].lower()
        rank, one = _UNIT_OF[unit]
        amount_word = piece["n"].lower()
        korean_amount = amount_word in _NATIVE
        if (
            rank >= last_rank
            or (korean_amount and unit != "시간")
            or (amount_word in {"a", "an", "one"} and (not unit.isascii() or len(unit) == 1))
        ):
            break
        amount = 1 if amount_word in {"a", "an", "one"} else _hour(piece["n"])
        if amount * one >= last_one:
            break  # "in 2 hours 90m …": 90 minutes is no part of an hour, it is the next thing said (a length)
        delta += amount * one
        if piece["half"]:
            if unit != "시간":
                break
            delta += timedelta(minutes=30)
        end, last_rank, last_one = piece.end(), rank, one
        units.append(unit)
        if piece["half"]:
            break
        gap = _PIECE_GAP.match(text, end)
        pos = gap.end() if gap is not None else end
    if not units:
        return None
    return _Lexeme(
        kind=_Kind.DURATION,
        start=start,
        end=end,
        delta=delta,
        has_in=opened is not None,
        needs_marker=units == ["일"],
    )


_CLOSERS: Final = ",;:.!?"


def _lex_one(text: str, pos: int, *, glued: bool) -> _Lexeme | None:
    """The longest lexeme starting at `pos`."""
    best = _duration(text, pos)
    for pattern, build, where in _RULES:
        if (where == "glued" and not glued) or (where == "alone" and glued):
            continue
        match = pattern.match(text, pos)
        if match is None or (best is not None and match.end() <= best.end):
            continue
        built = build(match)
        if built is not None:
            best = built
    return best


@dataclass(frozen=True, kw_only=True)
class _Run:
    lexemes: tuple[_Lexeme, ...]
    stuck: _Lexeme | None = None  # the lexeme glued to text that is no time word ("8시" in "8시까지")


def _lex(text: str, pos: int) -> _Run:
    """Lexemes from `pos` on, each glued to the next or separated from it by spaces, until a word is no lexeme."""
    found: list[_Lexeme] = []
    glued = False
    while pos < len(text):
        lexeme = _lex_one(text, pos, glued=glued)
        if lexeme is None or lexeme.end == pos:
            if glued and found:  # text stuck to the last lexeme: it did not end a word
                stuck = found.pop()
                return _Run(lexemes=tuple(_drop_open_tail(found)), stuck=replace(stuck, closed=False))
            break
        end = lexeme.end
        if end >= len(text) or text[end].isspace():
            glued = False
        elif text[end] in _CLOSERS and (end + 1 >= len(text) or text[end + 1].isspace()):
            end, glued = end + 1, False
        else:
            glued = True
        found.append(replace(lexeme, closed=not glued))
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return _Run(lexemes=tuple(_drop_open_tail(found)))


def _drop_open_tail(found: list[_Lexeme]) -> list[_Lexeme]:
    """Lexemes glued to a word that failed are not part of the phrase either ("다음주말": 다음 주 + 말)."""
    while found and not found[-1].closed:
        found.pop()
    return found


def _whole(text: str) -> tuple[_Lexeme, ...] | None:
    """The lexemes of `text` when they cover all of it, else None."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return None
    run = _lex(text, 0)
    if run.stuck is not None or not run.lexemes or _after(text, run.lexemes[-1]) != len(text):
        return None
    return run.lexemes


def _after(text: str, lexeme: _Lexeme) -> int:
    """Where the text goes on after `lexeme` (past a closing comma or colon and the spaces)."""
    end = lexeme.end
    if end < len(text) and text[end] in _CLOSERS:
        end += 1
    while end < len(text) and text[end].isspace():
        end += 1
    return end


# ---------------------------------------------------------------------------------------------------------------
# Reading a run of lexemes.

_Reading = datetime | TimeRefusal | None  # an instant, a refusal, or None: these lexemes are no phrase


def _read_leading(text: str, *, now: datetime, zone: ZoneInfo) -> TimePhraseRead | TimeRefusal | None:
    run = _lex(text, 0)
    lexemes = run.lexemes
    # Two lengths in a row are a time and then something else ("in 30 minutes 60m ch. 2": a meeting's length).
    second = next((i for i in range(1, len(lexemes)) if lexemes[i - 1].kind is lexemes[i].kind is _Kind.DURATION), 0)
    lexemes = lexemes[:second] if second else lexemes
    for count in range(len(lexemes), 0, -1):
        taken = lexemes[:count]
        if not taken[-1].closed:
            continue  # "내일아침8시": a phrase ends where a word does
        reading = _interpret(taken, text, leading=True, now=now, zone=zone)
        if reading is None:
            continue
        if isinstance(reading, TimeRefusal):
            if reading.reason in {Refusal.NEEDS_TIME, Refusal.NEEDS_DAY} and _stuck_number(text, run):
                return _stuck_refusal(text, run)
            return reading
        rest = text[_after(text, taken[-1]) :].lstrip(_CLOSERS + " -—·")
        return TimePhraseRead(due=reading, rest=rest, phrase=_span(text, taken))
    if _stuck_number(text, run):
        return _stuck_refusal(text, run)
    return None


def _stuck_number(text: str, run: _Run) -> bool:
    return run.stuck is not None and text[run.stuck.start].isdigit()


def _stuck_refusal(text: str, run: _Run) -> TimeRefusal:
    assert run.stuck is not None
    word_end = run.stuck.end
    while word_end < len(text) and not text[word_end].isspace():
        word_end += 1
    return TimeRefusal(reason=Refusal.UNREADABLE, phrase=text[run.stuck.start : word_end])


def _read_trailing(text: str, *, now: datetime, zone: ZoneInfo) -> TimePhraseRead | TimeRefusal | None:
    starts = [i for i in range(1, len(text)) if text[i - 1].isspace() and not text[i].isspace()]
    for start in starts:
        run = _lex(text, start)
        if run.stuck is not None or not run.lexemes or _after(text, run.lexemes[-1]) != len(text):
            continue
        reading = _interpret(run.lexemes, text, leading=False, now=now, zone=zone)
        if reading is None:
            continue
        if isinstance(reading, TimeRefusal):
            return reading
        rest = text[:start].rstrip().rstrip(_CLOSERS + " -—·")
        before = rest.rsplit(maxsplit=1)[-1]
        if _SHORT_WEEKDAY.fullmatch(before):  # "약 먹기 금 8pm" is Friday, "할 일 9시" a to-do: which one?
            return TimeRefusal(reason=Refusal.UNREADABLE, phrase=f"{before} {_span(text, run.lexemes)}")
        return TimePhraseRead(due=reading, rest=rest, phrase=_span(text, run.lexemes))
    return None


_SMALL_HOURS_END: Final = 5  # before 05:00 many still call the coming morning "내일" / "tomorrow"
_SHORT_WEEKDAY: Final = re.compile(rf"[{_KO_WEEKDAYS}]|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun", _FLAGS)


def _span(text: str, lexemes: Sequence[_Lexeme]) -> str:
    return text[lexemes[0].start : lexemes[-1].end]


_NUMERIC: Final = {_Kind.CLOCK, _Kind.DURATION, _Kind.DATE}


def _approximate(lexemes: Sequence[_Lexeme]) -> bool | None:
    """True when an approximation qualifies a time ("8시쯤", "around 8pm"); False when one stands loose (an
    English "about" that is the start of the text, not of the phrase); None when there is none."""
    for i, x in enumerate(lexemes):
        if x.kind is not _Kind.APPROX:
            continue
        if x.korean and i > 0 and lexemes[i - 1].kind in _NUMERIC:
            return True
        return not x.korean and i + 1 < len(lexemes) and lexemes[i + 1].kind in _NUMERIC
    return None


def _interpret(lexemes: Sequence[_Lexeme], text: str, *, leading: bool, now: datetime, zone: ZoneInfo) -> _Reading:
    phrase = _span(text, lexemes)
    approximate = _approximate(lexemes)
    if approximate is not None:
        return TimeRefusal(reason=Refusal.APPROXIMATE, phrase=phrase) if approximate else None
    items: list[_Lexeme] = []
    for x in lexemes:
        if x.kind is _Kind.PARTICLE:
            if not items or items[-1].kind in {_Kind.DURATION, _Kind.MARKER, _Kind.WEEK}:
                return None
            continue
        items.append(x)
    if any(x.kind is _Kind.DURATION for x in items):
        return _relative(items, phrase, leading=leading, now=now)
    if any(x.kind is _Kind.MARKER for x in items):
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)  # "8시 후": after 8, but when?
    return _absolute(items, text, phrase, leading=leading, now=now, zone=zone)


def _relative(  # noqa: PLR0911 — one return per rule
    items: Sequence[_Lexeme], phrase: str, *, leading: bool, now: datetime
) -> _Reading:
    first = items[0]
    if first.kind is not _Kind.DURATION:
        return None  # "내일 8시 2시간 회의": the duration belongs to the text
    marked = len(items) > 1 and items[1].kind is _Kind.MARKER
    if len(items) > 1 and not marked:
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)  # "3일 9시": the 3rd, or in three days?
    if len(items) > 2:
        return None
    if marked and first.has_in:
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)
    if not marked and not first.has_in:
        if not leading:
            return None  # "플랭크 1분": at the end a bare duration says how long, not when
        if first.needs_marker:
            return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)
    if first.delta <= timedelta(0):
        return TimeRefusal(reason=Refusal.UNREADABLE, phrase=phrase)
    due = now + first.delta
    if due - now > MAX_AHEAD:
        return TimeRefusal(reason=Refusal.TOO_FAR, phrase=phrase, due=due)
    return due


@dataclass(frozen=True, kw_only=True)
class _Clock:
    hour: int  # 0–23
    minute: int
    next_day: bool = False  # 밤 12시, 밤 1시, 자정: after the midnight that ends the day named


@dataclass(frozen=True, kw_only=True)
class _Days:
    """What the phrase says about the day: dates it names, a bare weekday, parts of day."""

    dates: list[date]
    weekday: int | None
    parts: set[str]
    clock: _Lexeme | None


def _absolute(  # noqa: PLR0911, PLR0912 — one return per rule
    items: Sequence[_Lexeme], text: str, phrase: str, *, leading: bool, now: datetime, zone: ZoneInfo
) -> _Reading:
    local_now = now.astimezone(zone)
    today = local_now.date()
    found = _collect(items, text, today, leading=leading)
    if found is None or isinstance(found, TimeRefusal):
        return replace(found, phrase=found.phrase or phrase) if isinstance(found, TimeRefusal) else None
    if found.clock is None:
        return TimeRefusal(reason=Refusal.NEEDS_TIME, phrase=phrase)
    if local_now.hour < _SMALL_HOURS_END and any(x.kind is _Kind.DAY and (x.days or 0) > 0 for x in items):
        return TimeRefusal(reason=Refusal.AMBIGUOUS_DAY, phrase=phrase)
    if len(found.parts) > 1 or len(set(found.dates)) > 1:
        return TimeRefusal(reason=Refusal.CONTRADICTION, phrase=phrase)
    clock = _resolve_clock(found.clock, next(iter(found.parts), None))
    if isinstance(clock, Refusal):
        return TimeRefusal(reason=clock, phrase=phrase)
    if found.weekday is not None and found.dates and found.dates[0].weekday() != found.weekday:
        return TimeRefusal(reason=Refusal.CONTRADICTION, phrase=phrase)  # "내일 수요일" on a Thursday
    if found.dates:
        due = _instant(found.dates[0] + timedelta(days=clock.next_day), clock, zone)
        if due is not None and due <= now:
            return TimeRefusal(reason=Refusal.PAST, phrase=phrase, due=due)
    elif found.weekday is not None:
        day = today + timedelta(days=(found.weekday - today.weekday()) % 7)
        due = _instant(day + timedelta(days=clock.next_day), clock, zone)
        if due is not None and due <= now:
            due = _instant(day + timedelta(days=7 + clock.next_day), clock, zone)
    else:  # no day: the next time the clock shows this time
        due = _instant(today, clock, zone)
        if due is not None and due <= now:
            due = _instant(today + timedelta(days=1), clock, zone)
    if due is None:
        return TimeRefusal(reason=Refusal.BAD_CLOCK, phrase=phrase)  # skipped by a DST change
    if due - now > MAX_AHEAD:
        return TimeRefusal(reason=Refusal.TOO_FAR, phrase=phrase, due=due)
    return due


def _collect(items: Sequence[_Lexeme], text: str, today: date, *, leading: bool) -> _Days | TimeRefusal | None:  # noqa: PLR0911, PLR0912
    """Walk the lexemes in order, checking the grammar; None when they are no phrase in this order."""
    dates: list[date] = []
    weekday: int | None = None
    parts: set[str] = set()
    clock: _Lexeme | None = None
    monday = today - timedelta(days=today.weekday())
    for i, x in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        if x.korean and clock is not None and x.kind is not _Kind.CLOCK:
            return None  # Korean puts the day and the part of day before the time: "8시 저녁 약속" is text
        if x.kind is _Kind.CLOCK:
            if clock is not None:
                return None
            clock = x
        elif x.kind is _Kind.PART:
            if x.korean and following is not None and following.kind is not _Kind.CLOCK:
                return None
            parts.add(x.part or "")
        elif x.kind is _Kind.DAY:
            dates.append(today + timedelta(days=x.days or 0))
            if x.part:
                parts.add(x.part)
        elif x.kind is _Kind.WEEK:
            if following is None or following.kind is not _Kind.WEEKDAY or following.week is not None:
                return TimeRefusal(reason=Refusal.NEEDS_DAY)
        elif x.kind is _Kind.WEEKDAY:
            if x.short and (not leading or following is None or following.kind not in {_Kind.CLOCK, _Kind.PART}):
                return None  # "일 끝내기", "할 일 9시", "sat down": a lone 일 or sat is a word, not Sunday or Saturday
            assert x.weekday is not None
            week = items[i - 1].days if i > 0 and items[i - 1].kind is _Kind.WEEK else x.week
            if week is not None:
                dates.append(monday + timedelta(weeks=week, days=x.weekday))
            elif weekday is not None:
                return None
            else:
                weekday = x.weekday
        elif x.kind is _Kind.DATE:
            named = _date(x, today)
            if named is None:
                return TimeRefusal(reason=Refusal.BAD_DATE, phrase=text[x.start : x.end])
            dates.append(named)
    return _Days(dates=dates, weekday=weekday, parts=parts, clock=clock)


def _date(x: _Lexeme, today: date) -> date | None:
    """The date a DATE lexeme names; without a year, this year's if it is today or later, else next year's."""
    years = [x.year] if x.year is not None else [today.year, today.year + 1]
    for year in years:
        try:
            candidate = date(year, x.month, x.day)
        except ValueError:
            continue
        if x.year is not None or candidate >= today:
            return candidate
    return None


def _instant(day: date, clock: _Clock, zone: ZoneInfo) -> datetime | None:
    """The aware UTC instant of a wall time in `zone`, or None when the zone skips it (a DST gap)."""
    local = datetime.combine(day, time(clock.hour, clock.minute), tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


# Hours a 12-hour clock (1–12, and 0) stands for in each part of day: hour → (24-hour hour, after midnight).
def _table(pairs: dict[int, int], *, after_midnight: tuple[int, ...] = ()) -> dict[int, tuple[int, bool]]:
    table = {h: (v, False) for h, v in pairs.items()}
    table.update({h: (h % 12, True) for h in after_midnight})
    return table


_PART_HOURS: Final = {
    "새벽": _table({0: 0, 12: 0} | {h: h for h in range(1, 8)}),
    "아침": _table({h: h for h in range(5, 12)}),
    "낮": _table({11: 11, 12: 12} | {h: h + 12 for h in range(1, 6)}),
    "점심": _table({11: 11, 12: 12, 1: 13, 2: 14}),
    "저녁": _table({h: h + 12 for h in range(5, 12)}),
    "밤": _table({h: h + 12 for h in range(7, 12)}, after_midnight=(0, 12, 1, 2, 3, 4)),
}
# 24-hour hours (13–23) a part of day admits beside it: "저녁 19시", not "아침 20시".
_PART_LATE: Final = {"낮": range(13, 18), "점심": range(13, 15), "저녁": range(17, 24), "밤": range(19, 24)}
_PART_MERIDIEM: Final = {"오전": "am", "오후": "pm"}


def _resolve_clock(x: _Lexeme, part: str | None) -> _Clock | Refusal:  # noqa: PLR0911
    """The 24-hour time a clock lexeme names beside a part of day (or none)."""
    if x.special == "noon":
        ok = part is None or part in {"낮", "점심", "오후"}
        return _Clock(hour=12, minute=0) if ok else Refusal.CONTRADICTION
    if x.special == "midnight":
        return _Clock(hour=0, minute=0, next_day=True) if part in {None, "밤"} else Refusal.CONTRADICTION
    hour, minute = x.hour, x.minute
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return Refusal.BAD_CLOCK
    part_meridiem = _PART_MERIDIEM.get(part or "")
    if x.meridiem and part_meridiem and x.meridiem != part_meridiem:
        return Refusal.CONTRADICTION  # "오전 8pm"
    meridiem = x.meridiem or part_meridiem
    if meridiem is not None:
        if hour > 12:
            return Refusal.CONTRADICTION
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if part is None or part_meridiem is not None:
            return _Clock(hour=hour, minute=minute)
        return _in_part(hour, minute, part)
    if part is None:
        return _Clock(hour=hour % 24, minute=minute, next_day=hour == 24)
    if hour == 24:
        return _Clock(hour=0, minute=minute, next_day=True) if part == "밤" else Refusal.CONTRADICTION
    if hour > 12:
        return _Clock(hour=hour, minute=minute) if hour in _PART_LATE.get(part, ()) else Refusal.CONTRADICTION
    found = _PART_HOURS[part].get(hour)
    if found is None:
        return Refusal.CONTRADICTION  # "아침 3시", "저녁 2시"
    return _Clock(hour=found[0], minute=minute, next_day=found[1])


def _in_part(hour: int, minute: int, part: str) -> _Clock | Refusal:
    """A 24-hour time from am/pm, checked against a part of day that is no meridiem ("아침 8pm" is refused)."""
    for hour24, next_day in _PART_HOURS[part].values():
        if hour24 == hour:
            return _Clock(hour=hour, minute=minute, next_day=next_day)
    if hour in _PART_LATE.get(part, ()):
        return _Clock(hour=hour, minute=minute)
    return Refusal.CONTRADICTION
