"""The time-phrase reader, as a table: from a fixed now (Thursday 2026-12-03 10:15:37 in Seoul), what each phrase
means — or why it is refused. Local times are Seoul's; durations keep the seconds of now."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain.time_phrases import (
    Refusal,
    TimePhraseRead,
    TimeRefusal,
    read_clock_time,
    read_duration,
    read_time_phrase,
    time_choices,
)

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 12, 3, 10, 15, 37, tzinfo=SEOUL).astimezone(UTC)  # a Thursday


def read(text: str, *, now: datetime = NOW, zone: ZoneInfo = SEOUL) -> TimePhraseRead | TimeRefusal:
    return read_time_phrase(text, now=now, zone=zone)


def local(result: TimePhraseRead | TimeRefusal, zone: ZoneInfo = SEOUL) -> str:
    assert isinstance(result, TimePhraseRead), result
    return result.due.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


READS = [
    # the examples people give (SPEC §1, the issue)
    ("오후 9시 30분 약", "2026-12-03 21:30:00"),
    ("내일 아침 8시 약", "2026-12-04 08:00:00"),
    ("모레 저녁 7시 약", "2026-12-05 19:00:00"),
    ("10분 뒤에 약", "2026-12-03 10:25:37"),
    ("30분 후 약", "2026-12-03 10:45:37"),
    ("다음 주 월요일 9시 약", "2026-12-07 09:00:00"),
    ("금요일 8pm 약", "2026-12-04 20:00:00"),
    ("내일 저녁 8시 운동", "2026-12-04 20:00:00"),
    ("저녁 7시 약", "2026-12-03 19:00:00"),
    ("내일 저녁 8시에 운동", "2026-12-04 20:00:00"),
    ("at 9:30pm x", "2026-12-03 21:30:00"),
    ("in 2 hours x", "2026-12-03 12:15:37"),
    ("tomorrow 7am x", "2026-12-04 07:00:00"),
    ("2026-12-03 20:00 x", "2026-12-03 20:00:00"),
    ("90m x", "2026-12-03 11:45:37"),
    ("2h30m x", "2026-12-03 12:45:37"),
    # durations
    ("10m 물", "2026-12-03 10:25:37"),
    ("1s 물", "2026-12-03 10:15:38"),
    ("10분 물", "2026-12-03 10:25:37"),
    ("1시간 반 뒤 x", "2026-12-03 11:45:37"),
    ("2시간 30분 후에 x", "2026-12-03 12:45:37"),
    ("한 시간 있다가 x", "2026-12-03 11:15:37"),
    ("두시간 이따가 x", "2026-12-03 12:15:37"),
    ("3일 뒤 x", "2026-12-06 10:15:37"),
    ("3d x", "2026-12-06 10:15:37"),
    ("일주일 뒤 x", "2026-12-10 10:15:37"),
    ("in 10 minutes x", "2026-12-03 10:25:37"),
    ("in 2 hours 90m x", "2026-12-03 12:15:37"),
    ("in 1 hour 30 minutes x", "2026-12-03 11:45:37"),
    ("in an hour x", "2026-12-03 11:15:37"),
    ("in half an hour x", "2026-12-03 10:45:37"),
    ("2 hours later x", "2026-12-03 12:15:37"),
    ("2 hours from now x", "2026-12-03 12:15:37"),
    # a time with no day: today if still ahead, else tomorrow
    ("21:30 x", "2026-12-03 21:30:00"),
    ("9시 x", "2026-12-04 09:00:00"),  # no part of day: the 24-hour clock, and 09:00 has passed
    ("21시 x", "2026-12-03 21:00:00"),
    ("8시 30분 x", "2026-12-04 08:30:00"),
    ("8시30분 x", "2026-12-04 08:30:00"),
    ("8시 반 x", "2026-12-04 08:30:00"),
    ("아홉 시 반 x", "2026-12-04 09:30:00"),
    ("8:30pm x", "2026-12-03 20:30:00"),
    ("7 am x", "2026-12-04 07:00:00"),
    ("12am x", "2026-12-04 00:00:00"),
    ("12pm x", "2026-12-03 12:00:00"),
    ("정오 x", "2026-12-03 12:00:00"),
    ("noon x", "2026-12-03 12:00:00"),
    ("자정 x", "2026-12-04 00:00:00"),
    ("midnight x", "2026-12-04 00:00:00"),
    # parts of day
    ("새벽 3시 x", "2026-12-04 03:00:00"),
    ("오전 12시 x", "2026-12-04 00:00:00"),
    ("점심 1시 x", "2026-12-03 13:00:00"),
    ("낮 2시 x", "2026-12-03 14:00:00"),
    ("저녁 일곱 시 x", "2026-12-03 19:00:00"),
    ("저녁 19시 x", "2026-12-03 19:00:00"),
    ("밤 11시 x", "2026-12-03 23:00:00"),
    ("밤 12시 x", "2026-12-04 00:00:00"),  # the midnight that ends today
    ("밤 1시 x", "2026-12-04 01:00:00"),
    ("오늘 밤 12시 x", "2026-12-04 00:00:00"),
    ("내일 밤 12시 x", "2026-12-05 00:00:00"),
    ("내일 자정 x", "2026-12-05 00:00:00"),
    ("내일 새벽 3시 x", "2026-12-04 03:00:00"),
    ("tonight 9pm x", "2026-12-03 21:00:00"),
    ("tonight at 9 x", "2026-12-03 21:00:00"),
    ("tomorrow morning at 7 x", "2026-12-04 07:00:00"),
    ("저녁 7pm x", "2026-12-03 19:00:00"),
    # days and weeks (weeks start on Monday)
    ("내일아침8시 x", "2026-12-04 08:00:00"),
    ("내일은 8시에 x", "2026-12-04 08:00:00"),
    ("내일모레 9시 x", "2026-12-05 09:00:00"),
    ("글피 9시 x", "2026-12-06 09:00:00"),
    ("목요일 11시 x", "2026-12-03 11:00:00"),  # today is Thursday and 11:00 is ahead
    ("목요일 9시 x", "2026-12-10 09:00:00"),  # …09:00 has passed: next Thursday
    ("월욜 9시 x", "2026-12-07 09:00:00"),
    ("금 8pm x", "2026-12-04 20:00:00"),
    ("이번 주 일요일 오후 3시 x", "2026-12-06 15:00:00"),
    ("담주 화요일 10시 x", "2026-12-08 10:00:00"),
    ("다다음 주 수요일 오후 3시 x", "2026-12-16 15:00:00"),
    ("내일 금요일 8시 x", "2026-12-04 08:00:00"),
    ("this friday 9am x", "2026-12-04 09:00:00"),
    ("next friday 9am x", "2026-12-11 09:00:00"),  # Friday of next week, as 다음 주 금요일
    ("on friday at 9am x", "2026-12-04 09:00:00"),
    ("8pm friday x", "2026-12-04 20:00:00"),
    # dates; a date without a year is the next such date
    ("12월 24일 오후 8시 x", "2026-12-24 20:00:00"),
    ("2026.12.25 9시 x", "2026-12-25 09:00:00"),
    ("2026년 12월 25일 9시 x", "2026-12-25 09:00:00"),
    ("12/31 9시 x", "2026-12-31 09:00:00"),
    ("1/1 0시 x", "2027-01-01 00:00:00"),  # January has passed this year: next year's
    ("12월 2일 9시 x", "2027-12-02 09:00:00"),
    ("Dec 24 8pm x", "2026-12-24 20:00:00"),
    ("24 december 8pm x", "2026-12-24 20:00:00"),
    ("on 12/24 at 8pm x", "2026-12-24 20:00:00"),
]


@pytest.mark.parametrize(("text", "due"), READS)
def test_a_phrase_names_one_exact_instant(text: str, due: str) -> None:
    assert local(read(text)) == due


REFUSALS = [
    ("물 마시기", Refusal.UNREADABLE, ""),
    ("soon 물", Refusal.UNREADABLE, ""),
    ("물 마시기 10분", Refusal.UNREADABLE, ""),  # at the end a bare duration says how long
    ("3일 약 사기", Refusal.UNREADABLE, "3일"),  # the 3rd, or in three days?
    ("3일 9시 약", Refusal.UNREADABLE, "3일 9시"),
    ("8시 후 약", Refusal.UNREADABLE, "8시 후"),
    ("내일 8시까지 보고서", Refusal.UNREADABLE, "8시까지"),
    ("0분 뒤 x", Refusal.UNREADABLE, "0분 뒤"),
    ("할 일 9시", Refusal.UNREADABLE, "일 9시"),  # a to-do at 9, or Sunday at 9?
    ("약 먹기 금 8pm", Refusal.UNREADABLE, "금 8pm"),
    ("내일 약 먹기", Refusal.NEEDS_TIME, "내일"),
    ("내일 아침 약 먹기", Refusal.NEEDS_TIME, "내일 아침"),
    ("friday x", Refusal.NEEDS_TIME, "friday"),
    ("다음 주 9시 x", Refusal.NEEDS_DAY, "다음 주 9시"),
    ("다음주 x", Refusal.NEEDS_DAY, "다음주"),
    ("8시쯤 약", Refusal.APPROXIMATE, "8시쯤"),
    ("8시 쯤 약", Refusal.APPROXIMATE, "8시 쯤"),
    ("10분 정도 뒤 x", Refusal.APPROXIMATE, "10분 정도 뒤"),
    ("around 8pm x", Refusal.APPROXIMATE, "around 8pm"),
    ("오늘 9시 x", Refusal.PAST, "오늘 9시"),
    ("이번 주 월요일 9시 x", Refusal.PAST, "이번 주 월요일 9시"),
    ("2026-12-03 10:15 x", Refusal.PAST, "2026-12-03 10:15"),
    ("today 9am x", Refusal.PAST, "today 9am"),
    ("2027-12-04 9:00 x", Refusal.TOO_FAR, "2027-12-04 9:00"),
    ("400일 뒤 x", Refusal.TOO_FAR, "400일 뒤"),
    ("오후 13시 x", Refusal.CONTRADICTION, "오후 13시"),
    ("13pm x", Refusal.CONTRADICTION, "13pm"),
    ("아침 8pm x", Refusal.CONTRADICTION, "아침 8pm"),
    ("오전 8pm x", Refusal.CONTRADICTION, "오전 8pm"),
    ("아침 20시 x", Refusal.CONTRADICTION, "아침 20시"),
    ("저녁 2시 x", Refusal.CONTRADICTION, "저녁 2시"),
    ("내일 수요일 8시 x", Refusal.CONTRADICTION, "내일 수요일 8시"),
    ("8시 70분 x", Refusal.BAD_CLOCK, "8시 70분"),
    ("25:00 x", Refusal.BAD_CLOCK, "25:00"),
    ("25시 x", Refusal.BAD_CLOCK, "25시"),
    ("2월 30일 9시 x", Refusal.BAD_DATE, "2월 30일"),
    ("13/1 9시 x", Refusal.BAD_DATE, "13/1"),
    ("2027-02-29 9:00 x", Refusal.BAD_DATE, "2027-02-29"),
]


@pytest.mark.parametrize(("text", "reason", "phrase"), REFUSALS)
def test_what_cannot_be_read_exactly_is_refused_with_its_reason(text: str, reason: Refusal, phrase: str) -> None:
    refused = read(text)
    assert isinstance(refused, TimeRefusal), refused
    assert (refused.reason, refused.phrase) == (reason, phrase)
    assert refused.key == f"time.refused.{reason.value}"


def test_a_past_or_far_refusal_names_the_instant_it_read() -> None:
    past = read("오늘 9시 회의")
    assert isinstance(past, TimeRefusal)
    assert past.due == datetime(2026, 12, 3, 9, 0, tzinfo=SEOUL)


REST = [
    ("내일 아침 8시 약 먹기", "약 먹기"),
    ("약 먹기 내일 8시", "약 먹기"),
    ("10분 뒤에 물 마시기", "물 마시기"),
    ("내일 8시에 엄마한테 전화", "엄마한테 전화"),
    ("tomorrow at 7am: call mom", "call mom"),
    ("call mom, tomorrow 7am", "call mom"),
    ("물 마시기 10분 뒤", "물 마시기"),
    ("할 일 정리 내일 8시", "할 일 정리"),  # 일 is Sunday only right before a time
    ("일 끝내기 8시", "일 끝내기"),
    ("sat down with dad 8pm", "sat down with dad"),
    ("about the report tomorrow 8pm", "about the report"),  # "about" is no approximation here
    ("내일 8시 2시간 회의", "2시간 회의"),  # the duration belongs to the text
    ("내일 8시 경복궁 앞", "경복궁 앞"),
    ("10m", ""),
    # a relative time and then a length (a meeting's): the second is no part of the first
    ("in 30 minutes 60m ch. 2", "60m ch. 2"),
    ("in 2 hours 90m ch. 1", "90m ch. 1"),
    ("30분 뒤 60m 2장", "60m 2장"),
    ("in 1 hour 30 minutes call mom", "call mom"),  # a compound still reads as one
]


@pytest.mark.parametrize(("text", "rest"), REST)
def test_the_time_words_never_stay_in_the_text(text: str, rest: str) -> None:
    result = read(text)
    assert isinstance(result, TimePhraseRead), result
    assert result.rest == rest


def test_the_users_zone_decides_the_day_and_the_hour() -> None:
    utc = ZoneInfo("UTC")  # now is 01:15:37 on Thursday in UTC
    assert local(read("9시 x", zone=utc), utc) == "2026-12-03 09:00:00"  # still ahead in UTC, passed in Seoul
    assert local(read("12/4 8시 x", zone=utc), utc) == "2026-12-04 08:00:00"
    refused = read("내일 8시 x", zone=utc)  # 01:15 in UTC: which "tomorrow"? (10:15 in Seoul: no doubt)
    assert isinstance(refused, TimeRefusal) and refused.reason is Refusal.AMBIGUOUS_DAY
    assert local(read("내일 8시 x")) == "2026-12-04 08:00:00"
    assert read("9시 x", zone=utc).due == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # type: ignore[union-attr]
    assert read("9시 x").due == datetime(2026, 12, 4, 0, 0, tzinfo=UTC)  # type: ignore[union-attr]


def test_the_year_rolls_over_at_new_years_eve() -> None:
    eve = datetime(2026, 12, 31, 23, 30, tzinfo=SEOUL).astimezone(UTC)
    assert local(read("내일 9시 x", now=eve)) == "2027-01-01 09:00:00"
    assert local(read("1월 1일 0시 x", now=eve)) == "2027-01-01 00:00:00"
    assert local(read("자정 x", now=eve)) == "2027-01-01 00:00:00"
    assert local(read("12/31 23:45 x", now=eve)) == "2026-12-31 23:45:00"
    refused = read("12/31 23:00 x", now=eve)  # today's date, a time already past: refused, not next year
    assert isinstance(refused, TimeRefusal) and refused.reason is Refusal.PAST


def test_after_midnight_tomorrow_is_refused_as_ambiguous() -> None:
    small_hours = datetime(2026, 12, 4, 1, 10, tzinfo=SEOUL).astimezone(UTC)  # still "Thursday night" to many
    for text in ("내일 아침 8시 약", "tomorrow 8am x", "모레 9시 x"):
        refused = read(text, now=small_hours)
        assert isinstance(refused, TimeRefusal) and refused.reason is Refusal.AMBIGUOUS_DAY, text
    assert local(read("오늘 아침 8시 약", now=small_hours)) == "2026-12-04 08:00:00"
    assert local(read("8시 약", now=small_hours)) == "2026-12-04 08:00:00"
    assert local(read("12월 5일 8시 약", now=small_hours)) == "2026-12-05 08:00:00"
    five = datetime(2026, 12, 4, 5, 0, tzinfo=SEOUL).astimezone(UTC)
    assert local(read("내일 아침 8시 약", now=five)) == "2026-12-05 08:00:00"


def test_a_wall_time_the_zone_skips_does_not_exist() -> None:
    new_york = ZoneInfo("America/New_York")  # clocks go from 02:00 to 03:00 on 2027-03-14
    refused = read("2027-03-14 02:30 x", zone=new_york)
    assert isinstance(refused, TimeRefusal) and refused.reason is Refusal.BAD_CLOCK
    assert local(read("2027-03-14 03:30 x", zone=new_york), new_york) == "2027-03-14 03:30:00"


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("90m", timedelta(minutes=90)),
        ("2h30m", timedelta(hours=2, minutes=30)),
        ("10분", timedelta(minutes=10)),
        ("1시간 반", timedelta(hours=1, minutes=30)),
        ("2시간30분", timedelta(hours=2, minutes=30)),
        ("2 hours", timedelta(hours=2)),
        ("1 hour 30 minutes", timedelta(hours=1, minutes=30)),
        ("3일", timedelta(days=3)),
        ("in 2 hours", None),
        ("10분 뒤", None),
        ("30분쯤", None),
        ("30m 2h", None),
        ("soon", None),
        ("", None),
    ],
)
def test_a_duration_is_read_alone(text: str, length: timedelta | None) -> None:
    assert read_duration(text) == length


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("21:30", time(21, 30)),
        ("오후 9시 30분", time(21, 30)),
        ("저녁 9시", time(21, 0)),
        ("9pm", time(21, 0)),
        ("9:30 pm", time(21, 30)),
        ("21시", time(21, 0)),
        ("밤 12시", time(0, 0)),
        ("자정", time(0, 0)),
        ("정오", time(12, 0)),
        ("9시", time(9, 0)),
        ("오후 13시", Refusal.CONTRADICTION),
        ("8시 70분", Refusal.BAD_CLOCK),
        ("9시쯤", Refusal.APPROXIMATE),
        ("저녁", Refusal.NEEDS_TIME),
        ("내일 9시", Refusal.UNREADABLE),  # a daily time has no day
        ("10분 뒤", Refusal.UNREADABLE),
        ("later", Refusal.UNREADABLE),
    ],
)
def test_a_daily_time_is_a_clock_time_alone(text: str, clock: time | Refusal) -> None:
    result = read_clock_time(text)
    assert (result.reason if isinstance(result, TimeRefusal) else result) == clock


def choices(text: str, now: datetime = NOW) -> list[tuple[str, str]]:
    return [(local(c), c.rest) for c in time_choices(text, now=now, zone=SEOUL)]


def test_after_midnight_tomorrow_offers_both_days_to_choose_from() -> None:
    small_hours = datetime(2026, 12, 4, 1, 10, tzinfo=SEOUL).astimezone(UTC)
    assert choices("내일 저녁 8시 운동", small_hours) == [
        ("2026-12-04 20:00:00", "운동"),  # the evening after tonight's sleep
        ("2026-12-05 20:00:00", "운동"),  # the calendar's tomorrow
    ]
    assert choices("모레 9시 x", small_hours) == [("2026-12-05 09:00:00", "x"), ("2026-12-06 09:00:00", "x")]
    assert choices("tomorrow at 8am go jogging", small_hours) == [
        ("2026-12-04 08:00:00", "go jogging"),
        ("2026-12-05 08:00:00", "go jogging"),
    ]


def test_an_approximate_time_offers_the_exact_one() -> None:
    assert choices("8시쯤 약 먹기") == [("2026-12-04 08:00:00", "약 먹기")]  # 8시 is 08:00, passed today
    assert choices("오후 9시 30분쯤 약") == [("2026-12-03 21:30:00", "약")]
    assert choices("around 9pm call mom") == [("2026-12-03 21:00:00", "call mom")]


def test_nothing_is_offered_for_words_read_exactly_or_refused_for_another_reason() -> None:
    assert choices("10분 뒤에 물") == []
    assert choices("내일 약 먹기") == []  # no time at all: the person must say it
    assert choices("오후 13시 x") == []
