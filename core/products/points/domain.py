"""Points: what earns them and what they buy, and the ledger entries that record both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from core.domain.values import UserId

POINTS_FIRST_OF_DAY: Final = 10
POINTS_STREAK: Final = 30
STREAK_DAYS: Final = 7
POINTS_EXTRA_WORRY: Final = 20


@dataclass(frozen=True, kw_only=True)
class PointEntry:
    """One ledger row: `delta` earned (> 0) or spent (< 0) for `reason`, and the balance it left."""

    id: int
    user_id: UserId
    delta: int
    reason: str
    ref: str | None
    balance_after: int
    created_at: datetime
