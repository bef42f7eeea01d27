"""Model usage rows (SQLAlchemy): what each call cost, summed for the budget and /metrics."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import LlmUsageRow
from core.domain.budget import OFFLINE_MODEL, SAFETY_PURPOSE_PREFIX, UsageRecord
from core.domain.values import UserId, WorryId

MICROS = Decimal(1_000_000)


class SqlAlchemyUsage:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, usage: UsageRecord) -> None:
        self._session.add(
            LlmUsageRow(
                user_id=usage.user_id,
                worry_id=usage.worry_id,
                purpose=usage.purpose,
                model=usage.model[:100],
                tokens_in=usage.tokens_in,
                tokens_out=usage.tokens_out,
                cost_micros=int((usage.cost * MICROS).to_integral_value()),
                latency_ms=usage.latency_ms,
                ok=usage.ok,
                created_at=usage.created_at,
            )
        )
        await self._session.flush()

    async def totals(self) -> dict[str, float]:
        return await usage_totals(self._session)

    async def cost_since(self, since: datetime) -> Decimal:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(LlmUsageRow.cost_micros), 0)).where(LlmUsageRow.created_at >= since)
        )
        return Decimal(int(total or 0)) / MICROS

    def _charged_to(self, user_id: UserId, since: datetime) -> tuple[Any, ...]:
        return (
            LlmUsageRow.user_id == user_id,
            LlmUsageRow.created_at >= since,
            LlmUsageRow.purpose.not_like(f"{SAFETY_PURPOSE_PREFIX}%"),
        )

    async def user_cost_since(self, user_id: UserId, since: datetime) -> Decimal:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(LlmUsageRow.cost_micros), 0)).where(*self._charged_to(user_id, since))
        )
        return Decimal(int(total or 0)) / MICROS

    async def user_calls_since(self, user_id: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(LlmUsageRow)
            .where(*self._charged_to(user_id, since), LlmUsageRow.model != OFFLINE_MODEL)
        )
        return int(count or 0)

    async def of_user(self, user_id: UserId) -> list[UsageRecord]:
        rows = await self._session.scalars(
            select(LlmUsageRow).where(LlmUsageRow.user_id == user_id).order_by(LlmUsageRow.id)
        )
        return [
            UsageRecord(
                user_id=UserId(r.user_id) if r.user_id is not None else None,
                worry_id=WorryId(r.worry_id) if r.worry_id is not None else None,
                purpose=r.purpose,
                model=r.model,
                tokens_in=r.tokens_in,
                tokens_out=r.tokens_out,
                cost=Decimal(r.cost_micros) / MICROS,
                latency_ms=r.latency_ms,
                ok=r.ok,
                created_at=r.created_at,
            )
            for r in rows
        ]


async def usage_totals(session: AsyncSession) -> dict[str, float]:
    """Model calls, tokens, cost and latency over all time, for /metrics."""
    row = (
        await session.execute(
            select(
                func.count(LlmUsageRow.id),
                func.coalesce(func.sum(LlmUsageRow.tokens_in), 0),
                func.coalesce(func.sum(LlmUsageRow.tokens_out), 0),
                func.coalesce(func.sum(LlmUsageRow.cost_micros), 0),
                func.coalesce(func.sum(LlmUsageRow.latency_ms), 0),
            )
        )
    ).one()
    calls, tokens_in, tokens_out, cost_micros, latency_ms = (int(v or 0) for v in row)
    return {
        "calls": calls,
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "cost": cost_micros / 1_000_000,
        "latency_seconds": latency_ms / 1000,
    }
