"""Weeks as the diary counts them: Monday to Sunday, named the Korean way ("11월 4주차").

The naming follows ISO 8601's rule for years, applied to months: a week belongs to the month that holds its
Thursday (the day that puts at least four of its seven days in that month), and the weeks of a month are numbered
from 1 in order. So 2024-12-30 (a Monday) is in "2025년 1월 1주차", 2027-01-01 (a Friday) is in "2026년 12월 5주차",
and 2025-09-01 (a Monday, Thursday 09-04) opens "9월 1주차". A month has four or five such weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

_ONE_DAY: Final = timedelta(days=1)

_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_THIS_WEEK: Final = frozenset({"this", "this week", "thisweek", "now", "current", "이번주", "이번 주", "금주", "이번"})
_LAST_WEEK: Final = frozenset(
    {"last", "last week", "lastweek", "prev", "previous", "지난주", "지난 주", "저번주", "저번 주", "지난", "저번"}
)
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_WEEK: Final = re.compile(r"(\d{4})-?w(\d{2})", re.IGNORECASE)  # "2025-W01": the ISO week itself


@dataclass(frozen=True, kw_only=True)
class Week:
    """Monday to Sunday; build one with `week_of(day)`."""

    monday: date

    def __post_init__(self) -> None:
        if self.monday.weekday() != 0:
            raise ValueError(f"a week starts on a Monday, not {self.monday.isoformat()}")

    @property
    def thursday(self) -> date:
        """The day that decides which month (and year) the week belongs to."""
        return self.monday + 3 * _ONE_DAY

    @property
    def sunday(self) -> date:
        return self.monday + 6 * _ONE_DAY

    @property
    def days(self) -> tuple[date, ...]:
        """The seven days, Monday first."""
        return tuple(self.monday + i * _ONE_DAY for i in range(7))

    def contains(self, day: date) -> bool:
        return self.monday <= day <= self.sunday

    @property
    def previous(self) -> Week:
        return Week(monday=self.monday - 7 * _ONE_DAY)

    @property
    def next(self) -> Week:
        return Week(monday=self.monday + 7 * _ONE_DAY)


def week_of(day: date) -> Week:
    """The Monday-to-Sunday week holding `day`."""
    return Week(monday=day - day.weekday() * _ONE_DAY)


def year_month_number(week: Week) -> tuple[int, int, int]:
    """(year, month, n): the week is the n-th week of that month, by the month of its Thursday.

    The earlier weeks of the month with their Thursday in it are the Thursdays 7, 14, 21… days before, so the
    number is ceil(thursday.day / 7).
    """
    thursday = week.thursday
    return thursday.year, thursday.month, (thursday.day - 1) // 7 + 1


def korean_name(week: Week, *, with_year: bool = False) -> str:
    """ "11월 4주차", or "2025년 1월 1주차" with the year (which can differ from the Monday's year)."""
    year, month, number = year_month_number(week)
    name = f"{month}월 {number}주차"
    return f"{year}년 {name}" if with_year else name


def english_name(week: Week, *, with_year: bool = False) -> str:
    """ "Week 4 of November", or "Week 1 of January 2025" with the year."""
    year, month, number = year_month_number(week)
    name = f"Week {number} of {_MONTHS_EN[month - 1]}"
    return f"{name} {year}" if with_year else name


def parse_week_arg(arg: str | None, today: date) -> Week | None:
    """The week a `/stats` argument names, or None when it names none (the caller shows the usage line).

    Nothing, "this" or "이번주": the week holding `today`; "last" or "지난주": the one before; "YYYY-MM-DD": the
    week holding that date; "YYYY-Www" (ISO week, e.g. "2025-W01"): that ISO week.
    """
    text = " ".join((arg or "").split()).lower()
    if text in _THIS_WEEK or not text:
        return week_of(today)
    if text in _LAST_WEEK:
        return week_of(today).previous
    try:
        if match := _ISO_DATE.fullmatch(text):
            week = week_of(date(int(match[1]), int(match[2]), int(match[3])))
        elif match := _ISO_WEEK.fullmatch(text):
            week = Week(monday=date.fromisocalendar(int(match[1]), int(match[2]), 1))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    if week.monday > date.max - 6 * _ONE_DAY:  # its Sunday would run past 9999-12-31
        return None
    return week


def day_streak(days: set[date] | frozenset[date], today: date) -> int:
    """Consecutive days with an entry ending today, or ending yesterday while today has none yet; else 0."""
    if today in days:
        last = today
    elif (yesterday := today - _ONE_DAY) in days:
        last = yesterday
    else:
        return 0
    streak = 0
    day = last
    while day in days:
        streak += 1
        if day == date.min:
            break
        day -= _ONE_DAY
    return streak
