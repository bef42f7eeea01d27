"""A week of the emotion diary looked back on: what `/stats` and the Monday digest show.

Mood score. Each entry gets a score on a −5…+5 scale: the valence of its emotion times its intensity (1–5),

    joy +1 · calm +0.5 · sadness, anxiety, anger, tiredness −1

so an overwhelming joy is +5, a faint calm +0.5 and an overwhelming sadness −5. Calm is mildly positive: it is
a good state, but a quiet one. A day's trend value is the mean score of that day's entries, or None for a day
without entries (a gap in the line, never a zero, which would read as a neutral day).

`ChartLabels` lives here, beside the stats it labels, so a use case can fill it from its message catalog without
importing the chart adapter; the adapter holds no user-facing text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean
from types import MappingProxyType
from typing import Final, Literal

from core.domain.emotion import Emotion
from core.products.diary.weeks import Week, day_streak

MIN_INTENSITY: Final = 1
MAX_INTENSITY: Final = 5
MOOD_MIN: Final = -5.0
MOOD_MAX: Final = 5.0

VALENCE: Final[Mapping[Emotion, float]] = MappingProxyType(
    {
        Emotion.JOY: 1.0,
        Emotion.CALM: 0.5,
        Emotion.SADNESS: -1.0,
        Emotion.ANXIETY: -1.0,
        Emotion.ANGER: -1.0,
        Emotion.TIREDNESS: -1.0,
    }
)

Preference = Literal["F", "T", "even"]


@dataclass(frozen=True, kw_only=True)
class DayEntry:
    """One diary entry as the stats see it: the day in the user's zone, the feeling and its intensity (1–5)."""

    local_date: date
    emotion: Emotion
    intensity: int


def mood_score(entry: DayEntry) -> float:
    """Valence × intensity, on −5…+5; an intensity outside 1–5 is clamped into it."""
    intensity = max(MIN_INTENSITY, min(MAX_INTENSITY, entry.intensity))
    return VALENCE[entry.emotion] * intensity


@dataclass(frozen=True, kw_only=True)
class WeeklyStats:
    week: Week
    entries: int
    distribution: Mapping[Emotion, int] = field(hash=False)  # every emotion, in `Emotion` order; read-only
    trend: tuple[float | None, ...]  # Monday … Sunday: the day's mean mood score, None without entries
    streak: int  # consecutive diary days, as of the week's Sunday or today, whichever is earlier
    worries_asked: int
    helpful_f: int  # "this helped" presses on F (empathy) answers during the week
    helpful_t: int  # … and on T (advice) answers

    @property
    def empty(self) -> bool:
        """No diary entry in the week (worries and presses alone do not make a week to chart)."""
        return self.entries == 0

    @property
    def preference(self) -> Preference | None:
        """Which kind of answer helped more this week: "F", "T", "even", or None with no presses at all."""
        if self.helpful_f == self.helpful_t == 0:
            return None
        if self.helpful_f > self.helpful_t:
            return "F"
        if self.helpful_t > self.helpful_f:
            return "T"
        return "even"


def summarize(
    week: Week,
    entries: Iterable[DayEntry],
    *,
    today: date,
    worries_asked: int,
    helpful_f: int,
    helpful_t: int,
    all_entry_days: set[date] | frozenset[date],
) -> WeeklyStats:
    """The week's stats; entries outside the week are ignored, `all_entry_days` (up to today) feed the streak."""
    in_week = [entry for entry in entries if week.contains(entry.local_date)]
    distribution = dict.fromkeys(Emotion, 0)
    scores: dict[date, list[float]] = {day: [] for day in week.days}
    for entry in in_week:
        distribution[entry.emotion] += 1
        scores[entry.local_date].append(mood_score(entry))
    as_of = min(week.sunday, today)
    return WeeklyStats(
        week=week,
        entries=len(in_week),
        distribution=MappingProxyType(distribution),
        trend=tuple(fmean(day_scores) if day_scores else None for day_scores in scores.values()),
        streak=day_streak(all_entry_days, as_of),
        worries_asked=worries_asked,
        helpful_f=helpful_f,
        helpful_t=helpful_t,
    )


@dataclass(frozen=True, kw_only=True)
class ChartLabels:
    """Every piece of text on the weekly chart, already in the reader's language (from the message catalog)."""

    title: str
    emotions: tuple[str, ...]  # one per `Emotion`, in `Emotion` order
    weekdays: tuple[str, ...]  # Monday … Sunday
    distribution_label: str  # the emotion-distribution panel's heading
    trend_label: str  # the mood-trend panel's heading
    no_entries: str  # shown in place of the data when the week has no entries

    def __post_init__(self) -> None:
        if len(self.emotions) != len(Emotion):
            raise ValueError(f"ChartLabels needs {len(Emotion)} emotion names, got {len(self.emotions)}")
        if len(self.weekdays) != 7:
            raise ValueError(f"ChartLabels needs 7 weekday names, got {len(self.weekdays)}")
