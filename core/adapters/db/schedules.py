"""Recurring schedules (SQLAlchemy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    ScheduleRow,
    UserRow,
)
from core.adapters.db.sql import dialect_insert
from core.domain.schedules import DueSchedule, ScheduleKind
from core.domain.values import UserId


class SqlAlchemySchedules:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime) -> None:
        await self._session.execute(
            dialect_insert(self._session, ScheduleRow)
            .values(user_id=user_id, kind=kind, cron=cron, next_at=next_at, created_at=now)
            .on_conflict_do_update(index_elements=["user_id", "kind"], set_={"cron": cron, "next_at": next_at})
        )

    async def ensure(self, *, user_id: UserId, kind: ScheduleKind, cron: str, next_at: datetime, now: datetime) -> None:
        """Create the schedule unless the user has one of this kind (theirs is kept as it is)."""
        await self._session.execute(
            dialect_insert(self._session, ScheduleRow)
            .values(user_id=user_id, kind=kind, cron=cron, next_at=next_at, created_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "kind"])
        )

    async def remove(self, *, user_id: UserId, kind: ScheduleKind) -> bool:
        result = await self._session.execute(
            delete(ScheduleRow).where(ScheduleRow.user_id == user_id, ScheduleRow.kind == kind)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, *, user_id: UserId, kind: ScheduleKind) -> tuple[str, datetime] | None:
        row = await self._session.execute(
            select(ScheduleRow.cron, ScheduleRow.next_at).where(
                ScheduleRow.user_id == user_id, ScheduleRow.kind == kind
            )
        )
        found = row.first()
        return (found[0], found[1]) if found is not None else None

    async def due(self, *, now: datetime, limit: int) -> list[DueSchedule]:
        rows = await self._session.execute(
            select(ScheduleRow, UserRow.timezone)
            .join(UserRow, UserRow.id == ScheduleRow.user_id)
            .where(ScheduleRow.next_at <= now)
            .order_by(ScheduleRow.next_at)
            .limit(limit)
        )
        return [
            DueSchedule(
                id=row.id,
                user_id=UserId(row.user_id),
                kind=ScheduleKind(row.kind),
                cron=row.cron,
                next_at=row.next_at,
                timezone=tz,
            )
            for row, tz in rows
        ]

    async def advance(self, schedule_id: int, *, from_: datetime, to: datetime) -> bool:
        """Move `next_at` on, only if nobody else did already."""
        result = await self._session.execute(
            update(ScheduleRow)
            .where(and_(ScheduleRow.id == schedule_id, ScheduleRow.next_at == from_))
            .values(next_at=to)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(delete(ScheduleRow).where(ScheduleRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """The joining account's schedules go: the account it joins keeps its own."""
        await self._session.execute(delete(ScheduleRow).where(ScheduleRow.user_id == source))
