"""Reading when a reminder is due: "10m", "2h30m", "10분", "21:30", "오후 9시 30분" — in the user's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_AHEAD = timedelta(days=365)
MAX_TEXT = 500

_DURATION = re.compile(
    r"^(?:(?P<d>\d{1,3})(?:d|일))?(?:(?P<h>\d{1,4})(?:h|시간))?(?:(?P<m>\d{1,5})(?:m|min|분))?(?:(?P<s>\d{1,5})(?:s|초))?$"
)
_CLOCK = re.compile(
    r"^(?P<ampm>오전|오후|am|pm)?(?P<h>\d{1,2})(?::(?P<m>\d{2})|시(?:(?P<m2>\d{1,2})분)?|(?P<ap2>am|pm))?$"
)


def parse_when(token: str, *, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The aware UTC instant `token` names, or None when it names none (or one in the past or too far)."""
    compact = token.strip().lower().replace(" ", "")
    if not compact:
        return None
    due = _relative(compact, now) or _time_of_day(compact, now, zone)
    if due is None or due <= now or due - now > MAX_AHEAD:
        return None
    return due


def _relative(compact: str, now: datetime) -> datetime | None:
    match = _DURATION.match(compact)
    if match is None or not any(match.groupdict().values()):
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    delta = timedelta(
        days=parts.get("d", 0), hours=parts.get("h", 0), minutes=parts.get("m", 0), seconds=parts.get("s", 0)
    )
    return now + delta if delta > timedelta(0) else None


def _time_of_day(compact: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    match = _CLOCK.match(compact)
    if match is None or (
        match.group("m") is None and match.group("m2") is None and not compact.endswith(("시", "am", "pm"))
    ):
        return None
    hour = int(match.group("h"))
    minute = int(match.group("m") or match.group("m2") or 0)
    meridiem = match.group("ampm") or match.group("ap2")
    if meridiem in {"오후", "pm"} and hour < 12:
        hour += 12
    elif meridiem in {"오전", "am"} and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    local_now = now.astimezone(zone)
    candidate = datetime.combine(local_now.date(), time(hour, minute), tzinfo=zone)
    if candidate <= local_now:
        candidate = datetime.combine(local_now.date() + timedelta(days=1), time(hour, minute), tzinfo=zone)
    return candidate.astimezone(UTC)
