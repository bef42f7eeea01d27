"""Points: what earns them and what they buy."""

from __future__ import annotations

from typing import Final

POINTS_FIRST_OF_DAY: Final = 10
POINTS_STREAK: Final = 30
STREAK_DAYS: Final = 7
POINTS_EXTRA_WORRY: Final = 20
