"""Recurring pushes in a person's own time zone: the daily diary nudge and the Monday digest.

A schedule is a cron line read in the user's zone (croniter), so "21:30 every day" stays 21:30 across daylight
saving changes and after /tz. Each occurrence becomes one outbox row whose dedupe key names the schedule and the
occurrence, so a clock that crashes half-way and runs the step again never sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from croniter import croniter

from core.domain.values import UserId

WEEKLY_DIGEST_CRON: Final = "0 9 * * 1"  # Monday 09:00


class ScheduleKind(StrEnum):
    DIARY_NUDGE = "diary_nudge"
    WEEKLY_DIGEST = "weekly_digest"


@dataclass(frozen=True, kw_only=True)
class DueSchedule:
    id: int
    user_id: UserId
    kind: ScheduleKind
    cron: str
    next_at: datetime
    timezone: str


def occurrence_key(schedule: DueSchedule) -> str:
    """The dedupe key of a due occurrence, by what it is for in the user's life, not by its UTC instant: a
    nudge per local day and a digest per ISO week. So the hour repeated when clocks fall back, or a /tz that
    puts 09:00 Monday a second time ahead, cannot send the same one twice."""
    local = schedule.next_at.astimezone(ZoneInfo(schedule.timezone)).date()
    if schedule.kind is ScheduleKind.WEEKLY_DIGEST:
        year, week, _ = local.isocalendar()
        period = f"{year}-W{week:02d}"
    else:
        period = local.isoformat()
    return f"schedule:{schedule.user_id}:{schedule.kind.value}:{period}"


def daily_cron(hour: int, minute: int) -> str:
    return f"{minute} {hour} * * *"


def cron_time(cron: str) -> tuple[int, int]:
    """(hour, minute) of a daily or weekly cron line written by this module."""
    minute, hour, *_ = cron.split()
    return int(hour), int(minute)


def next_occurrence(cron: str, *, after: datetime, timezone: str) -> datetime:
    """The first time strictly after `after` (aware), in UTC, that the cron line names in `timezone`."""
    zone = ZoneInfo(timezone)
    following: datetime = croniter(cron, after.astimezone(zone)).get_next(datetime)
    return following.astimezone(UTC)


def catch_up(cron: str, *, due: datetime, now: datetime, timezone: str) -> datetime:
    """The next `next_at` after sending the occurrence `due`: the one after `now`, so a long outage does not
    replay every missed day."""
    return next_occurrence(cron, after=max(due, now), timezone=timezone)
