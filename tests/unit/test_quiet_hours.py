"""Quiet hours are a window of the user's local day, possibly over midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain.quiet_hours import QuietHours, parse_quiet_hours


def test_a_window_over_midnight_ends_the_next_morning_in_the_users_zone() -> None:
    quiet = parse_quiet_hours("23:00-08:00")
    assert quiet == QuietHours(start=23 * 60, end=8 * 60) and quiet.shown() == "23:00-08:00"
    late = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # 23:30 in Seoul
    assert quiet.ends_after(late, "Asia/Seoul") == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 08:00 KST
    early = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # 05:00 KST on the 27th
    assert quiet.ends_after(early, "Asia/Seoul") == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    assert quiet.ends_after(datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "Asia/Seoul") is None  # noon


def test_a_daytime_window() -> None:
    quiet = parse_quiet_hours("13:00~14:30")
    assert quiet is not None
    assert quiet.ends_after(datetime(2026, 11, 26, 4, 45, tzinfo=UTC), "Asia/Seoul") == datetime(
        2026, 11, 26, 5, 30, tzinfo=UTC
    )
    assert quiet.ends_after(datetime(2026, 11, 26, 5, 30, tzinfo=UTC), "Asia/Seoul") is None  # the end is outside


@pytest.mark.parametrize("typed", ["25:00-08:00", "23:00-23:00", "23-8", "", "23:00", "23:60-01:00"])
def test_bad_windows_are_refused(typed: str) -> None:
    assert parse_quiet_hours(typed) is None
