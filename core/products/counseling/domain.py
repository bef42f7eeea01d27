"""Counseling's rules beside the prompts: what a worry costs."""

from __future__ import annotations


def over_quota(*, worries_today: int, daily_free: int) -> bool:
    """Past the free worries of the day a worry the model answers costs points (an offline answer never does)."""
    return worries_today >= daily_free
