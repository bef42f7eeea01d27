"""Quiet hours: a nightly window, in the user's own zone, when pushes they did not time themselves wait.

A reminder or a diary nudge at 07:00 is the user's own choice and goes out at 07:00; a friend's notice, the
weekly digest or an announcement that falls in the window waits for its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from core.domain.outbox import PushKind

DAY_MINUTES: Final = 24 * 60
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*[-~–]\s*(\d{1,2}):(\d{2})$")

# Push kinds that wait out quiet hours (the rest were timed by the user).
WAITING_KINDS: Final = frozenset({PushKind.FRIENDS, PushKind.DIGEST, PushKind.ANNOUNCEMENT})
HELD_FOR_QUIET_HOURS: Final = "quiet hours"  # the note on a push waiting for its recipient's quiet hours to end


@dataclass(frozen=True, kw_only=True)
class QuietHours:
    start: int  # minutes after local midnight
    end: int  # may be "earlier" than start: the window then runs over midnight

    def __post_init__(self) -> None:
        if not (0 <= self.start < DAY_MINUTES and 0 <= self.end < DAY_MINUTES) or self.start == self.end:
            raise ValueError("quiet hours need two different times of day")

    def shown(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"

    def _contains(self, minute: int) -> bool:
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def ends_after(self, now: datetime, timezone: str) -> datetime | None:
        """When the window holding `now` ends (UTC), or None when `now` is outside it."""
        local = now.astimezone(ZoneInfo(timezone))
        minute = local.hour * 60 + local.minute
        if not self._contains(minute):
            return None
        end_day = local.date() if minute < self.end else local.date() + timedelta(days=1)
        end_local = datetime(
            end_day.year, end_day.month, end_day.day, self.end // 60, self.end % 60, tzinfo=local.tzinfo
        )
        return end_local.astimezone(UTC)


def parse_quiet_hours(typed: str) -> QuietHours | None:
    """ "23:00-08:00" (also with ~ or –), or None when it is not two valid, different times."""
    match = _WINDOW.match(typed.strip())
    if match is None:
        return None
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sh > 23 or eh > 23 or sm > 59 or em > 59 or (sh, sm) == (eh, em):
        return None
    return QuietHours(start=sh * 60 + sm, end=eh * 60 + em)
