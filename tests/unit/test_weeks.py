"""Week naming the Korean way ("11월 4주차"): ISO 8601's Thursday rule applied to months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.products.diary.weeks import (
    Week,
    day_streak,
    english_name,
    korean_name,
    parse_week_arg,
    week_of,
    year_month_number,
)

ONE_DAY = timedelta(days=1)


def every_day(start: date, end: date) -> list[date]:
    return [start + i * ONE_DAY for i in range((end - start).days + 1)]


DAYS_2015_2032 = every_day(date(2015, 1, 1), date(2032, 12, 31))


# --- Week and week_of ---------------------------------------------------------------------------------------------


def test_a_week_runs_monday_to_sunday() -> None:
    week = week_of(date(2025, 11, 27))  # a Thursday
    assert week.monday == date(2025, 11, 24)
    assert week.sunday == date(2025, 11, 30)
    assert week.thursday == date(2025, 11, 27)
    assert week.days == tuple(date(2025, 11, 24) + i * ONE_DAY for i in range(7))
    assert week.contains(date(2025, 11, 24))
    assert week.contains(date(2025, 11, 30))
    assert not week.contains(date(2025, 11, 23))
    assert not week.contains(date(2025, 12, 1))
    assert week.previous == week_of(date(2025, 11, 17))
    assert week.next == week_of(date(2025, 12, 1))


def test_a_week_must_start_on_a_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        Week(monday=date(2025, 11, 25))


def test_weeks_are_values() -> None:
    assert week_of(date(2025, 11, 24)) == week_of(date(2025, 11, 30))
    assert len({week_of(d) for d in every_day(date(2025, 11, 24), date(2025, 11, 30))}) == 1


def test_week_of_is_the_iso_8601_week_for_every_day() -> None:
    for day in DAYS_2015_2032:
        week = week_of(day)
        assert week.monday.weekday() == 0
        assert week.contains(day)
        iso = day.isocalendar()
        assert week.monday.isocalendar()[:2] == iso[:2], day
        assert week.sunday.isocalendar()[:2] == iso[:2], day


# --- naming -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected", "korean", "korean_with_year", "english"),
    [
        (date(2025, 11, 27), (2025, 11, 4), "11월 4주차", "2025년 11월 4주차", "Week 4 of November"),
        # the Monday is in 2024, the Thursday (2025-01-02) in 2025: ISO week 2025-W01
        (date(2024, 12, 30), (2025, 1, 1), "1월 1주차", "2025년 1월 1주차", "Week 1 of January"),
        (date(2024, 12, 31), (2025, 1, 1), "1월 1주차", "2025년 1월 1주차", "Week 1 of January"),
        (date(2026, 12, 31), (2026, 12, 5), "12월 5주차", "2026년 12월 5주차", "Week 5 of December"),  # a Thursday
        # a Friday in 2027 whose Thursday is 2026-12-31: ISO week 2026-W53
        (date(2027, 1, 1), (2026, 12, 5), "12월 5주차", "2026년 12월 5주차", "Week 5 of December"),
        (date(2027, 1, 3), (2026, 12, 5), "12월 5주차", "2026년 12월 5주차", "Week 5 of December"),
        (date(2027, 1, 4), (2027, 1, 1), "1월 1주차", "2027년 1월 1주차", "Week 1 of January"),
        # 2025-09-01 is a Monday, Thursday 09-04: the first week of September
        (date(2025, 9, 1), (2025, 9, 1), "9월 1주차", "2025년 9월 1주차", "Week 1 of September"),
        # 2025-08-31 (a Sunday) belongs to the week of Thursday 08-28: August's fourth
        (date(2025, 8, 31), (2025, 8, 4), "8월 4주차", "2025년 8월 4주차", "Week 4 of August"),
        # 2025-10-01 is a Wednesday; its Thursday (10-02) is in October: week 1 though it starts in September
        (date(2025, 9, 29), (2025, 10, 1), "10월 1주차", "2025년 10월 1주차", "Week 1 of October"),
        # 2025-05-01 is a Thursday: week 1 of May; 2025-05-29 a Thursday: week 5
        (date(2025, 4, 28), (2025, 5, 1), "5월 1주차", "2025년 5월 1주차", "Week 1 of May"),
        (date(2025, 6, 1), (2025, 5, 5), "5월 5주차", "2025년 5월 5주차", "Week 5 of May"),
        # a leap day
        (date(2024, 2, 29), (2024, 2, 5), "2월 5주차", "2024년 2월 5주차", "Week 5 of February"),
    ],
)
def test_named_weeks(
    day: date, expected: tuple[int, int, int], korean: str, korean_with_year: str, english: str
) -> None:
    week = week_of(day)
    assert year_month_number(week) == expected
    assert korean_name(week) == korean
    assert korean_name(week, with_year=True) == korean_with_year
    assert english_name(week) == english
    assert english_name(week, with_year=True) == f"{english} {expected[0]}"


def test_the_year_is_the_iso_8601_year_and_week_1_of_january_is_iso_week_1() -> None:
    for day in DAYS_2015_2032:
        week = week_of(day)
        year, month, number = year_month_number(week)
        iso = day.isocalendar()
        assert year == iso.year, day
        assert ((month, number) == (1, 1)) == (iso.week == 1), day


def test_weeks_are_numbered_one_by_one_within_each_month() -> None:
    """The named month holds the Thursday (so at least 4 of the 7 days); numbers run 1, 2, … with no gaps."""
    seen: dict[tuple[int, int], list[int]] = {}
    mondays = sorted({week_of(day).monday for day in DAYS_2015_2032})
    for monday in mondays:
        week = Week(monday=monday)
        year, month, number = year_month_number(week)
        days_in_month = sum(1 for d in week.days if (d.year, d.month) == (year, month))
        assert days_in_month >= 4, monday
        seen.setdefault((year, month), []).append(number)
    for (year, month), numbers in seen.items():
        if (year, month) in {min(seen), max(seen)}:
            continue  # the ends of the range are cut short
        assert numbers == list(range(1, len(numbers) + 1)), (year, month)
        assert len(numbers) in {4, 5}, (year, month)
        # five weeks exactly when the month has five Thursdays
        first = date(year, month, 1)
        thursdays = sum(1 for d in every_day(first, first + 30 * ONE_DAY) if d.month == month and d.weekday() == 3)
        assert len(numbers) == thursdays, (year, month)


def test_iso_week_counts_match_the_december_and_january_names() -> None:
    """Years with 53 ISO weeks end with a fifth December week that runs into January."""
    for year in range(2015, 2032):
        last_week = week_of(date(year, 12, 28))  # always in the ISO year's last week
        assert year_month_number(last_week)[:2] == (year, 12)
        assert last_week.monday.isocalendar().week == date(year, 12, 28).isocalendar().week
        assert year_month_number(last_week.next) == (year + 1, 1, 1)


# --- parse_week_arg -----------------------------------------------------------------------------------------------

TODAY = date(2025, 11, 27)  # a Thursday


@pytest.mark.parametrize("arg", [None, "", "  ", "this", "THIS", "This week", "이번주", "이번 주", " 이번주 "])
def test_this_week(arg: str | None) -> None:
    assert parse_week_arg(arg, TODAY) == week_of(TODAY)


@pytest.mark.parametrize("arg", ["last", "Last", "last week", "지난주", "지난 주", "저번주"])
def test_last_week(arg: str) -> None:
    assert parse_week_arg(arg, TODAY) == Week(monday=date(2025, 11, 17))


def test_last_week_across_a_year() -> None:
    assert parse_week_arg("last", date(2025, 1, 1)) == Week(monday=date(2024, 12, 23))
    assert parse_week_arg("지난주", date(2025, 1, 6)) == Week(monday=date(2024, 12, 30))


@pytest.mark.parametrize(
    ("arg", "monday"),
    [
        ("2025-11-27", date(2025, 11, 24)),
        ("2025-11-24", date(2025, 11, 24)),
        ("2025-11-30", date(2025, 11, 24)),
        ("2027-01-01", date(2026, 12, 28)),
        ("2024-02-29", date(2024, 2, 26)),
        ("2025-W01", date(2024, 12, 30)),
        ("2026-w53", date(2026, 12, 28)),
        ("2025W48", date(2025, 11, 24)),
    ],
)
def test_a_date_or_an_iso_week_names_its_week(arg: str, monday: date) -> None:
    assert parse_week_arg(arg, TODAY) == Week(monday=monday)


@pytest.mark.parametrize(
    "arg",
    [
        "next",
        "foo",
        "2025-13-01",
        "2025-02-30",
        "2025-2-3",
        "25-11-27",
        "20251127",  # date.fromisoformat takes it; /stats does not
        "2025-11-27T10:00",
        "2025/11/27",
        "2025-W54",
        "2025-W00",
        "2025-W53",  # 2025 has 52 ISO weeks
        "0000-01-01",
        "9999-12-31",  # its week runs past date.max
        "2025-11-27 2025-11-28",
    ],
)
def test_anything_else_is_not_a_week(arg: str) -> None:
    assert parse_week_arg(arg, TODAY) is None


# --- day_streak ---------------------------------------------------------------------------------------------------


def days_back(today: date, *offsets: int) -> set[date]:
    return {today - offset * ONE_DAY for offset in offsets}


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ((), 0),
        ((0,), 1),
        ((0, 1, 2), 3),
        ((1, 2, 3), 3),  # today not written yet: the streak ending yesterday still counts
        ((0, 1, 3, 4, 5), 2),
        ((2, 3, 4), 0),  # yesterday missed: broken
        ((0, 2, 3), 1),
        ((-1, 0, 1), 2),  # a future day (another zone) does not extend the streak
        (tuple(range(30)), 30),
    ],
)
def test_day_streak(offsets: tuple[int, ...], expected: int) -> None:
    assert day_streak(days_back(TODAY, *offsets), TODAY) == expected


def test_day_streak_across_a_year_and_a_leap_day() -> None:
    today = date(2024, 3, 2)
    assert day_streak(set(every_day(date(2023, 12, 25), today)), today) == (today - date(2023, 12, 25)).days + 1
