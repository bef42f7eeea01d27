"""The model budget every feature that calls the model goes through: may this person cause another call,
and what did a call cost (recorded per call)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.domain.budget import BudgetLimits, Room, Spending, UsageRecord, call_cost, model_room
from core.domain.timekeeping import start_of_local_day, start_of_local_month
from core.domain.users import User
from core.domain.values import UserId, WorryId
from core.ports import CallFinished, Clock, UnitOfWork


class ModelBudget:
    def __init__(self, *, clock: Clock, limits: BudgetLimits) -> None:
        self._clock = clock
        self.limits = limits

    async def room(self, uow: UnitOfWork, user: User, *, calls: int) -> Room:
        now = self._clock.now()
        month = start_of_local_month(now, ZoneInfo(self.limits.budget_timezone))
        today = start_of_local_day(now, ZoneInfo(user.timezone))
        spending = Spending(
            spent_this_month=await uow.usage.cost_since(month),
            user_spent_this_month=await uow.usage.user_cost_since(user.id, month),
            user_calls_today=await uow.usage.user_calls_since(user.id, today),
        )
        return model_room(spending, self.limits, calls=calls)

    def cost(self, done: CallFinished) -> Decimal:
        if done.offline:
            return Decimal(0)
        return call_cost(
            tokens_in=done.tokens_in,
            tokens_out=done.tokens_out,
            price_input_per_1k=self.limits.price_input_per_1k,
            price_output_per_1k=self.limits.price_output_per_1k,
        )

    def usage(
        self,
        purpose: str,
        done: CallFinished,
        *,
        user_id: UserId | None,
        worry_id: WorryId | None = None,
        ok: bool = True,
        now: datetime | None = None,
    ) -> UsageRecord:
        return UsageRecord(
            user_id=user_id,
            worry_id=worry_id,
            purpose=purpose,
            model=done.model,
            tokens_in=done.tokens_in,
            tokens_out=done.tokens_out,
            cost=self.cost(done),
            latency_ms=done.latency_ms,
            ok=ok,
            created_at=now or self._clock.now(),
        )
