"""Named leases in the database (SQLAlchemy): one holder at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import LeaseRow
from core.adapters.db.sql import dialect_insert


class SqlAlchemyLeases:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def acquire(self, name: str, *, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lease `name`; False while another holder's lease is still valid."""
        result = await self._session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, or_(LeaseRow.holder == holder, LeaseRow.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        created = await self._session.execute(
            dialect_insert(self._session, LeaseRow)
            .values(name=name, holder=holder, expires_at=now + ttl)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(LeaseRow.name)
        )
        return created.scalar_one_or_none() is not None

    async def release(self, name: str, *, holder: str) -> None:
        await self._session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))
