"""Model usage: every call's tokens and cost (the model budget reads it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from core.domain.budget import UsageRecord
from core.domain.values import UserId


class Usage(Protocol):
    async def record(self, usage: UsageRecord) -> None: ...

    async def totals(self) -> dict[str, float]:
        """calls, tokens_in, tokens_out, cost, latency_seconds over all time (for /metrics)."""
        ...

    async def cost_since(self, since: datetime) -> Decimal: ...

    async def user_cost_since(self, user_id: UserId, since: datetime) -> Decimal:
        """What one person's model calls cost since `since`, safety-gate calls left out."""
        ...

    async def user_calls_since(self, user_id: UserId, since: datetime) -> int:
        """Model calls one person caused since `since`: offline answers and safety-gate calls left out."""
        ...

    async def of_user(self, user_id: UserId) -> list[UsageRecord]: ...
