"""The point ledger and balances (SQLAlchemy): see core.ports.Points for the contract.

Every change takes the user's `point_balances` row first (an UPSERT for an award, a conditional UPDATE for a
spend), then writes its ledger row, in the caller's transaction. The balance row is thus a per-user lock
(PostgreSQL row lock; SQLite's write lock is taken by BEGIN IMMEDIATE anyway), so ledger ids follow the
order in which balances changed and each row's `balance_after` is the running sum of the ledger. The
ledger's UNIQUE (user_id, reason, ref) decides whether an award or a spend was already made: the row is
written with ON CONFLICT DO NOTHING (never an IntegrityError, which would abort a PostgreSQL transaction),
and when it was, the balance change is undone under the same lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import PointBalanceRow, PointLedgerRow
from core.adapters.db.sql import dialect_insert
from core.domain.values import UserId
from core.products.points.domain import PointEntry

_LEDGER = PointLedgerRow.__table__
_UNIQUE = ["user_id", "reason", "ref"]


def point_entry(row: Any) -> PointEntry:
    """A ledger row as the record the port returns."""
    return PointEntry(
        id=row.id,
        user_id=UserId(row.user_id),
        delta=row.delta,
        reason=row.reason,
        ref=row.ref,
        balance_after=row.balance_after,
        created_at=row.created_at,
    )


class SqlAlchemyPoints:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def balance(self, user_id: UserId) -> int:
        found = await self._session.scalar(select(PointBalanceRow.balance).where(PointBalanceRow.user_id == user_id))
        return found or 0

    async def earn(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """Add `amount`; None when this (reason, ref) was already awarded (a race included: the unique
        constraint decides, and the loser's balance change is undone)."""
        if amount <= 0:
            raise ValueError(f"an award is positive, not {amount}")
        upsert = dialect_insert(self._session, PointBalanceRow).values(user_id=user_id, balance=amount)
        balance = (
            await self._session.execute(
                upsert.on_conflict_do_update(
                    index_elements=["user_id"], set_={"balance": PointBalanceRow.balance + upsert.excluded.balance}
                ).returning(PointBalanceRow.balance)
            )
        ).scalar_one()
        entry = await self._write(user_id, amount, reason=reason, ref=ref, balance_after=balance, now=now)
        if entry is None:
            await self._move(user_id, -amount)
        return entry

    async def spend(self, user_id: UserId, amount: int, *, reason: str, ref: str, now: datetime) -> PointEntry | None:
        """One conditional UPDATE (`balance >= amount`) takes the points or takes nothing, so concurrent spends
        queue on the balance row and never overdraw; then the ledger row, in the same transaction."""
        if amount <= 0:
            raise ValueError(f"a spend is positive, not {amount}")
        balance = await self._session.scalar(
            update(PointBalanceRow)
            .where(PointBalanceRow.user_id == user_id, PointBalanceRow.balance >= amount)
            .values(balance=PointBalanceRow.balance - amount)
            .returning(PointBalanceRow.balance)
            .execution_options(synchronize_session=False)
        )
        if balance is None:  # short, or no balance row at all: unless this spend was made before, nothing
            return await self._made(user_id, reason=reason, ref=ref)
        entry = await self._write(user_id, -amount, reason=reason, ref=ref, balance_after=balance, now=now)
        if entry is None:  # the same spend again (a retried request): give back, answer with the first
            await self._move(user_id, amount)
            return await self._made(user_id, reason=reason, ref=ref)
        return entry

    async def spent(self, user_id: UserId, *, reason: str, ref: str) -> PointEntry | None:
        """The spend recorded for (reason, ref), if any."""
        return await self._made(user_id, reason=reason, ref=ref)

    async def log(self, user_id: UserId, *, before_id: int | None = None, limit: int = 10) -> list[PointEntry]:
        """Newest first; `id < before_id` is an index seek ((user_id, id), or the primary key backwards for a
        user with a large share of the rows), so page 1,000 costs what page 1 does (bench/point_log.py)."""
        query = select(_LEDGER).where(_LEDGER.c.user_id == user_id)
        if before_id is not None:
            query = query.where(_LEDGER.c.id < before_id)
        rows = await self._session.execute(query.order_by(_LEDGER.c.id.desc()).limit(limit))
        return [point_entry(row) for row in rows]

    async def _write(
        self, user_id: UserId, delta: int, *, reason: str, ref: str, balance_after: int, now: datetime
    ) -> PointEntry | None:
        """The ledger row, or None when (user_id, reason, ref) is already there."""
        row = (
            await self._session.execute(
                dialect_insert(self._session, PointLedgerRow)
                .values(
                    user_id=user_id,
                    delta=delta,
                    reason=reason,
                    ref=ref,
                    balance_after=balance_after,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=_UNIQUE)
                .returning(*_LEDGER.c)  # rowcount is not reliable for INSERT … ON CONFLICT across drivers
            )
        ).one_or_none()
        return point_entry(row) if row is not None else None

    async def _move(self, user_id: UserId, delta: int) -> None:
        await self._session.execute(
            update(PointBalanceRow)
            .where(PointBalanceRow.user_id == user_id)
            .values(balance=PointBalanceRow.balance + delta)
            .execution_options(synchronize_session=False)
        )

    async def _made(self, user_id: UserId, *, reason: str, ref: str) -> PointEntry | None:
        """The spend already recorded for (reason, ref), if any."""
        row = (
            await self._session.execute(
                select(_LEDGER).where(
                    _LEDGER.c.user_id == user_id, _LEDGER.c.reason == reason, _LEDGER.c.ref == ref, _LEDGER.c.delta < 0
                )
            )
        ).one_or_none()
        return point_entry(row) if row is not None else None

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(delete(PointLedgerRow).where(PointLedgerRow.user_id == user_id))
        await self._session.execute(delete(PointBalanceRow).where(PointBalanceRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins before it earned anything (/link refuses otherwise): nothing of it moves."""
        await self._session.execute(delete(PointBalanceRow).where(PointBalanceRow.user_id == source))
