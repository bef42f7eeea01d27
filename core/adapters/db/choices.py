"""Texts that buttons stand for (core.ports.choices), encrypted at rest like every text a person wrote."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import HeldChoiceRow
from core.domain.values import UserId
from core.ports.choices import HeldChoice
from core.ports.crypto import Cipher


class SqlAlchemyHeldChoices:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def _choice(self, row: HeldChoiceRow) -> HeldChoice:
        return HeldChoice(id=row.id, verb=row.verb, text=self._cipher.decrypt(row.text), created_at=row.created_at)

    async def hold(self, user_id: UserId, *, verb: str, text: str, now: datetime) -> int:
        row = HeldChoiceRow(user_id=user_id, verb=verb, text=self._cipher.encrypt(text), created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def take(self, user_id: UserId, choice_id: int, *, since: datetime) -> HeldChoice | None:
        row = await self._session.scalar(
            select(HeldChoiceRow).where(HeldChoiceRow.id == choice_id, HeldChoiceRow.user_id == user_id)
        )
        taken = self._choice(row) if row is not None and row.created_at >= since else None
        if row is not None:
            await self.drop_all(user_id)
        return taken

    async def drop_all(self, user_id: UserId) -> None:
        await self._session.execute(delete(HeldChoiceRow).where(HeldChoiceRow.user_id == user_id))

    async def of_user(self, user_id: UserId) -> list[HeldChoice]:
        rows = await self._session.scalars(
            select(HeldChoiceRow).where(HeldChoiceRow.user_id == user_id).order_by(HeldChoiceRow.id)
        )
        return [self._choice(row) for row in rows]

    async def fold(self, source: UserId, target: UserId) -> None:
        await self._session.execute(update(HeldChoiceRow).where(HeldChoiceRow.user_id == source).values(user_id=target))

    async def purge(self, *, before: datetime) -> int:
        result = await self._session.execute(delete(HeldChoiceRow).where(HeldChoiceRow.created_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
