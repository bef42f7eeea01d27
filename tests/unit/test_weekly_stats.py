"""A week of the diary summarized: distribution, mood trend with gaps, streak, F/T preference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.domain.emotion import Emotion
from core.products.diary.weekly_stats import ChartLabels, DayEntry, WeeklyStats, mood_score, summarize
from core.products.diary.weeks import Week, week_of

ONE_DAY = timedelta(days=1)
WEEK = week_of(date(2025, 11, 24))  # 11월 4주차, Monday 11-24 … Sunday 11-30
MON, TUE, WED, THU, FRI, SAT, SUN = WEEK.days


def entry(day: date, emotion: Emotion, intensity: int = 3) -> DayEntry:
    return DayEntry(local_date=day, emotion=emotion, intensity=intensity)


def stats_of(
    entries: list[DayEntry],
    *,
    today: date = date(2025, 12, 3),
    worries_asked: int = 0,
    helpful_f: int = 0,
    helpful_t: int = 0,
    all_entry_days: set[date] | None = None,
    week: Week = WEEK,
) -> WeeklyStats:
    return summarize(
        week,
        entries,
        today=today,
        worries_asked=worries_asked,
        helpful_f=helpful_f,
        helpful_t=helpful_t,
        all_entry_days={e.local_date for e in entries} if all_entry_days is None else all_entry_days,
    )


# --- mood score ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("emotion", "intensity", "score"),
    [
        (Emotion.JOY, 5, 5.0),
        (Emotion.JOY, 1, 1.0),
        (Emotion.CALM, 1, 0.5),
        (Emotion.CALM, 5, 2.5),
        (Emotion.SADNESS, 5, -5.0),
        (Emotion.ANXIETY, 2, -2.0),
        (Emotion.ANGER, 3, -3.0),
        (Emotion.TIREDNESS, 1, -1.0),
        (Emotion.JOY, 9, 5.0),  # clamped into 1–5
        (Emotion.SADNESS, 0, -1.0),
    ],
)
def test_mood_score_is_valence_times_intensity(emotion: Emotion, intensity: int, score: float) -> None:
    assert mood_score(entry(MON, emotion, intensity)) == score


def test_mood_scores_stay_within_minus_5_and_plus_5() -> None:
    scores = [mood_score(entry(MON, e, i)) for e in Emotion for i in range(1, 6)]
    assert min(scores) == -5.0
    assert max(scores) == 5.0


# --- distribution -------------------------------------------------------------------------------------------------


def test_distribution_counts_every_emotion_in_emotion_order() -> None:
    stats = stats_of(
        [
            entry(MON, Emotion.SADNESS),
            entry(MON, Emotion.JOY),
            entry(WED, Emotion.SADNESS),
            entry(SUN, Emotion.TIREDNESS),
        ]
    )
    assert stats.entries == 4
    assert list(stats.distribution) == list(Emotion)
    assert dict(stats.distribution) == {
        Emotion.JOY: 1,
        Emotion.CALM: 0,
        Emotion.SADNESS: 2,
        Emotion.ANXIETY: 0,
        Emotion.ANGER: 0,
        Emotion.TIREDNESS: 1,
    }
    assert sum(stats.distribution.values()) == stats.entries


def test_the_distribution_is_read_only() -> None:
    stats = stats_of([entry(MON, Emotion.JOY)])
    with pytest.raises(TypeError):
        stats.distribution[Emotion.JOY] = 5  # type: ignore[index]


def test_entries_outside_the_week_are_ignored() -> None:
    stats = stats_of([entry(MON - ONE_DAY, Emotion.ANGER), entry(TUE, Emotion.CALM), entry(SUN + ONE_DAY, Emotion.JOY)])
    assert stats.entries == 1
    assert stats.distribution[Emotion.CALM] == 1
    assert stats.distribution[Emotion.ANGER] == stats.distribution[Emotion.JOY] == 0


# --- trend --------------------------------------------------------------------------------------------------------


def test_trend_is_the_daily_mean_with_gaps_for_days_without_entries() -> None:
    stats = stats_of(
        [
            entry(MON, Emotion.JOY, 4),  # +4
            entry(MON, Emotion.SADNESS, 2),  # −2 → Monday +1
            entry(WED, Emotion.CALM, 2),  # +1
            entry(SUN, Emotion.ANGER, 5),  # −5
        ]
    )
    assert stats.trend == (1.0, None, 1.0, None, None, None, -5.0)
    assert len(stats.trend) == 7


def test_a_day_of_bad_feelings_is_below_zero_not_a_gap() -> None:
    stats = stats_of([entry(THU, Emotion.TIREDNESS, 1)])
    assert stats.trend[3] == -1.0
    assert stats.trend.count(None) == 6


# --- streak -------------------------------------------------------------------------------------------------------


def test_streak_of_a_past_week_is_as_of_its_sunday() -> None:
    written = {SUN - i * ONE_DAY for i in range(5)} | {SUN + 2 * ONE_DAY}  # Wed…Sun, then a gap, then Tuesday
    stats = stats_of([entry(d, Emotion.CALM) for d in written if WEEK.contains(d)], all_entry_days=written)
    assert stats.streak == 5


def test_streak_of_the_current_week_is_as_of_today() -> None:
    written = {MON, TUE, WED}
    stats = stats_of([entry(d, Emotion.CALM) for d in written], today=THU, all_entry_days=written)
    assert stats.streak == 3  # today (Thursday) has no entry yet: the streak ending yesterday counts
    stats = stats_of([entry(d, Emotion.CALM) for d in written], today=FRI, all_entry_days=written)
    assert stats.streak == 0


def test_streak_counts_days_before_the_week() -> None:
    written = {MON - i * ONE_DAY for i in range(1, 10)} | {MON, TUE}
    stats = stats_of([entry(MON, Emotion.JOY), entry(TUE, Emotion.JOY)], today=TUE, all_entry_days=written)
    assert stats.streak == 11


# --- preference, worries, empty -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("helpful_f", "helpful_t", "preference"),
    [(0, 0, None), (3, 1, "F"), (1, 0, "F"), (0, 2, "T"), (2, 5, "T"), (2, 2, "even")],
)
def test_preference(helpful_f: int, helpful_t: int, preference: str | None) -> None:
    stats = stats_of([entry(MON, Emotion.JOY)], helpful_f=helpful_f, helpful_t=helpful_t)
    assert stats.preference == preference
    assert (stats.helpful_f, stats.helpful_t) == (helpful_f, helpful_t)


def test_an_empty_week() -> None:
    stats = stats_of([], worries_asked=2, helpful_f=1, all_entry_days={MON - 3 * ONE_DAY})
    assert stats.empty
    assert stats.entries == 0
    assert dict(stats.distribution) == dict.fromkeys(Emotion, 0)
    assert stats.trend == (None,) * 7
    assert stats.streak == 0
    assert stats.worries_asked == 2
    assert stats.preference == "F"


def test_a_week_with_an_entry_is_not_empty() -> None:
    stats = stats_of([entry(SAT, Emotion.CALM, 1)], worries_asked=4)
    assert not stats.empty
    assert stats.worries_asked == 4


def test_stats_are_hashable_values() -> None:
    entries = [entry(MON, Emotion.JOY), entry(FRI, Emotion.ANXIETY)]
    assert stats_of(entries) == stats_of(list(reversed(entries)))
    assert hash(stats_of(entries)) == hash(stats_of(entries))


# --- chart labels -------------------------------------------------------------------------------------------------


def labels(**overrides: object) -> ChartLabels:
    values: dict[str, object] = {
        "title": "11월 4주차",
        "emotions": tuple(e.korean_name for e in Emotion),
        "weekdays": tuple("월화수목금토일"),
        "distribution_label": "감정 분포",
        "trend_label": "기분 흐름",
        "no_entries": "기록이 없어요",
    }
    values.update(overrides)
    return ChartLabels(**values)  # type: ignore[arg-type]


def test_chart_labels_need_six_emotions_and_seven_weekdays() -> None:
    assert labels().emotions == ("기쁨", "평온", "슬픔", "불안", "분노", "지침")
    with pytest.raises(ValueError, match="emotion"):
        labels(emotions=("기쁨", "평온"))
    with pytest.raises(ValueError, match="weekday"):
        labels(weekdays=tuple("월화수목금"))
