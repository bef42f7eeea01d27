"""Charts drawn for the user."""

from __future__ import annotations

from typing import Protocol

from core.products.diary.weekly_stats import ChartLabels, WeeklyStats


class ChartRenderer(Protocol):
    def render_weekly(self, stats: WeeklyStats, labels: ChartLabels) -> bytes:
        """The week as a PNG; every piece of text comes in `labels` (already in the user's language)."""
        ...
