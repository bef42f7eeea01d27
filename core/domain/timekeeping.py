"""Calendar arithmetic in a user's zone; everything going in and out is aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def start_of_local_day(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(UTC)


def start_of_local_month(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


def parse_timezone(text: str) -> str | None:
    """An IANA zone name as the user typed it (any case), or None when it is not one."""
    candidate = text.strip()
    if not candidate or len(candidate) > 64 or candidate.startswith(("/", ".")) or ".." in candidate:
        return None
    names = available_timezones()
    if candidate in names:
        return candidate
    by_lower = {n.lower(): n for n in names}
    found = by_lower.get(candidate.lower())
    if found is None:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found
