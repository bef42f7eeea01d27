"""Recurring pushes are computed in the user's zone: 21:30 stays 21:30 across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.schedules import (
    WEEKLY_DIGEST_CRON,
    DueSchedule,
    ScheduleKind,
    catch_up,
    cron_time,
    daily_cron,
    next_occurrence,
    occurrence_key,
)
from core.domain.values import UserId


def test_a_daily_time_is_local_and_survives_daylight_saving() -> None:
    cron = daily_cron(21, 30)
    assert cron_time(cron) == (21, 30)
    new_york = ZoneInfo("America/New_York")
    before = next_occurrence(cron, after=datetime(2026, 10, 31, 12, 0, tzinfo=UTC), timezone="America/New_York")
    after = next_occurrence(cron, after=datetime(2026, 11, 1, 12, 0, tzinfo=UTC), timezone="America/New_York")
    assert before.astimezone(new_york).strftime("%H:%M") == after.astimezone(new_york).strftime("%H:%M") == "21:30"
    assert (after - before).total_seconds() == 25 * 3600


def test_the_digest_is_monday_nine_in_seoul() -> None:
    thursday_noon_seoul = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    first = next_occurrence(WEEKLY_DIGEST_CRON, after=thursday_noon_seoul, timezone="Asia/Seoul")
    assert first == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 09:00 KST


def test_a_long_outage_does_not_replay_missed_days() -> None:
    cron = daily_cron(8, 0)
    due = datetime(2026, 11, 1, 23, 0, tzinfo=UTC)  # 08:00 KST on 11-02
    now = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    following = catch_up(cron, due=due, now=now, timezone="Asia/Seoul")
    assert following == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def test_the_hour_repeated_when_clocks_fall_back_is_one_occurrence() -> None:
    cron = daily_cron(1, 30)  # New York repeats 01:00-02:00 on 2026-11-01
    first = next_occurrence(cron, after=datetime(2026, 11, 1, 4, 0, tzinfo=UTC), timezone="America/New_York")
    second = next_occurrence(cron, after=first, timezone="America/New_York")

    def key(at: datetime) -> str:
        due = DueSchedule(
            id=1, user_id=UserId(7), kind=ScheduleKind.DIARY_NUDGE, cron=cron, next_at=at, timezone="America/New_York"
        )
        return occurrence_key(due)

    assert second - first == timedelta(hours=1)  # croniter names 01:30 twice: EDT, then EST
    assert key(first) == key(second) == "schedule:7:diary_nudge:2026-11-01"  # one nudge for the day
