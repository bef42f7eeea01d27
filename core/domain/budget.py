"""What a model call costs and whether one more may be made: the global budget and each person's share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

from core.domain.values import UserId, WorryId

# Usage rows of the offline counselor (cost nothing) and of the safety gate (never limited) are not
# model calls a person is charged with.
OFFLINE_MODEL: Final = "offline"
SAFETY_PURPOSE_PREFIX: Final = "safety."


def call_cost(*, tokens_in: int, tokens_out: int, price_input_per_1k: Decimal, price_output_per_1k: Decimal) -> Decimal:
    return (Decimal(tokens_in) * price_input_per_1k + Decimal(tokens_out) * price_output_per_1k) / Decimal(1000)


class Room(StrEnum):
    """Whether the configured model may answer the next request of one person."""

    OPEN = "open"
    USER_DAILY_CALLS = "user_daily_calls"  # this person's model calls for the local day are used up
    USER_MONTHLY_SHARE = "user_monthly_share"  # this person's share of the monthly budget is used up
    SPENT = "spent"  # the monthly budget is spent for everyone

    @property
    def capped(self) -> bool:
        """Past a personal cap the offline path answers; past the global budget everyone rests."""
        return self in (Room.USER_DAILY_CALLS, Room.USER_MONTHLY_SHARE)


@dataclass(frozen=True, kw_only=True)
class Spending:
    spent_this_month: Decimal  # everyone's model cost since the budget month began
    user_spent_this_month: Decimal
    user_calls_today: int  # since the person's local midnight


@dataclass(frozen=True, kw_only=True)
class BudgetLimits:
    monthly_budget: Decimal
    budget_timezone: str  # the budget month begins at midnight here
    user_daily_calls: int
    user_monthly_share: Decimal  # of monthly_budget
    price_input_per_1k: Decimal
    price_output_per_1k: Decimal


def model_room(spending: Spending, limits: BudgetLimits, *, calls: int) -> Room:
    """`calls` is how many model calls the request needs (a worry: two, F and T); all of them must fit, so
    nobody gets one answer from the model and the other from the offline counselor."""
    if spending.spent_this_month >= limits.monthly_budget:
        return Room.SPENT
    if spending.user_calls_today + calls > limits.user_daily_calls:
        return Room.USER_DAILY_CALLS
    if spending.user_spent_this_month >= limits.monthly_budget * limits.user_monthly_share:
        return Room.USER_MONTHLY_SHARE
    return Room.OPEN


@dataclass(frozen=True, kw_only=True)
class UsageRecord:
    """One LLM call: what it cost and how long it took."""

    user_id: UserId | None
    worry_id: WorryId | None
    purpose: str  # e.g. "counsel.F"
    model: str
    tokens_in: int
    tokens_out: int
    cost: Decimal
    latency_ms: int
    ok: bool
    created_at: datetime
