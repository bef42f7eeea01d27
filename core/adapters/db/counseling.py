"""Counseling's conversations, worries, turns and feedback (SQLAlchemy). Texts are stored through the Cipher."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    ConversationRow,
    FeedbackRow,
    LlmUsageRow,
    TurnRow,
    WorryRow,
)
from core.domain.values import ConversationId, Persona, UserId, WorryId
from core.ports import Cipher
from core.products.counseling.domain import Feedback, Turn, Worry


class SqlAlchemyCounseling:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def current_conversation(self, user_id: UserId) -> ConversationId | None:
        found = await self._session.scalar(
            select(ConversationRow.id)
            .where(ConversationRow.user_id == user_id, ConversationRow.closed_at.is_(None))
            .order_by(ConversationRow.id.desc())
            .limit(1)
        )
        return ConversationId(found) if found is not None else None

    async def open_conversation(self, user_id: UserId, now: datetime) -> ConversationId:
        row = ConversationRow(user_id=user_id, started_at=now)
        self._session.add(row)
        await self._session.flush()
        return ConversationId(row.id)

    async def close_conversations(self, user_id: UserId, now: datetime) -> int:
        result = await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.user_id == user_id, ConversationRow.closed_at.is_(None))
            .values(closed_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def add_worry(
        self,
        *,
        user_id: UserId,
        conversation_id: ConversationId | None,
        text: str | None,
        crisis: bool,
        now: datetime,
        update_key: str | None = None,
    ) -> WorryId:
        row = WorryRow(
            user_id=user_id,
            conversation_id=conversation_id,
            created_at=now,
            text=self._cipher.encrypt(text) if text is not None else None,
            crisis=crisis,
            answered=False,
            answered_offline=False,
            update_key=update_key,
        )
        self._session.add(row)
        await self._session.flush()
        return WorryId(row.id)

    async def mark_answered(self, worry_id: WorryId, *, offline: bool) -> None:
        await self._session.execute(
            update(WorryRow).where(WorryRow.id == worry_id).values(answered=True, answered_offline=offline)
        )

    async def count_worries_since(self, user_id: UserId, since: datetime, *, offline_too: bool = False) -> int:
        query = (
            select(func.count())
            .select_from(WorryRow)
            .where(WorryRow.user_id == user_id, WorryRow.created_at >= since, WorryRow.crisis.is_(False))
        )
        if not offline_too:
            query = query.where(WorryRow.answered_offline.is_(False))  # free: offline answers use up no quota
        return int(await self._session.scalar(query) or 0)

    async def add_turn(
        self, *, conversation_id: ConversationId, worry_id: WorryId, role: str, text: str, now: datetime
    ) -> None:
        self._session.add(
            TurnRow(
                conversation_id=conversation_id,
                worry_id=worry_id,
                role=role,
                text=self._cipher.encrypt(text),
                created_at=now,
            )
        )
        await self._session.flush()

    async def recent_turns(self, conversation_id: ConversationId, *, worries: int) -> list[Turn]:
        if worries <= 0:
            return []
        recent = (
            select(WorryRow.id)
            .where(WorryRow.conversation_id == conversation_id)
            .order_by(WorryRow.id.desc())
            .limit(worries)
        )
        rows = await self._session.scalars(
            select(TurnRow)
            .where(TurnRow.conversation_id == conversation_id, TurnRow.worry_id.in_(recent))
            .order_by(TurnRow.id)
        )
        return [self._turn(r) for r in rows]

    async def get_worry(self, worry_id: WorryId) -> Worry | None:
        row = await self._session.get(WorryRow, worry_id)
        return self._worry(row) if row else None

    async def worry_for_update(self, user_id: UserId, update_key: str) -> Worry | None:
        row = await self._session.scalar(
            select(WorryRow).where(WorryRow.user_id == user_id, WorryRow.update_key == update_key)
        )
        return self._worry(row) if row else None

    async def last_crisis_at(self, user_id: UserId) -> datetime | None:
        return await self._session.scalar(
            select(func.max(WorryRow.created_at)).where(WorryRow.user_id == user_id, WorryRow.crisis.is_(True))
        )

    async def mark_crisis(self, worry_id: WorryId) -> None:
        await self._session.execute(delete(TurnRow).where(TurnRow.worry_id == worry_id))
        await self._session.execute(update(WorryRow).where(WorryRow.id == worry_id).values(crisis=True, text=None))

    async def add_feedback(self, *, user_id: UserId, worry_id: WorryId, persona: Persona, now: datetime) -> bool:
        exists = await self._session.scalar(
            select(FeedbackRow.id).where(FeedbackRow.worry_id == worry_id, FeedbackRow.persona == persona.value)
        )
        if exists is not None:
            return False
        self._session.add(FeedbackRow(user_id=user_id, worry_id=worry_id, persona=persona.value, created_at=now))
        await self._session.flush()
        return True

    async def worries_of(self, user_id: UserId) -> list[Worry]:
        rows = await self._session.scalars(select(WorryRow).where(WorryRow.user_id == user_id).order_by(WorryRow.id))
        return [self._worry(r) for r in rows]

    async def turns_of(self, user_id: UserId) -> list[Turn]:
        rows = await self._session.scalars(
            select(TurnRow)
            .join(ConversationRow, ConversationRow.id == TurnRow.conversation_id)
            .where(ConversationRow.user_id == user_id)
            .order_by(TurnRow.id)
        )
        return [self._turn(r) for r in rows]

    async def feedback_of(self, user_id: UserId) -> list[Feedback]:
        rows = await self._session.scalars(
            select(FeedbackRow).where(FeedbackRow.user_id == user_id).order_by(FeedbackRow.id)
        )
        return [
            Feedback(worry_id=WorryId(r.worry_id), persona=Persona(r.persona), created_at=r.created_at) for r in rows
        ]

    async def redact_texts(self, user_id: UserId) -> None:
        conversations = select(ConversationRow.id).where(ConversationRow.user_id == user_id)
        await self._session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(conversations)))
        await self._session.execute(update(WorryRow).where(WorryRow.user_id == user_id).values(text=None))

    def _turn(self, row: TurnRow) -> Turn:
        return Turn(
            worry_id=WorryId(row.worry_id),
            role=row.role,
            text=self._cipher.decrypt(row.text),
            created_at=row.created_at,
        )

    def _worry(self, row: WorryRow) -> Worry:
        return Worry(
            id=WorryId(row.id),
            user_id=UserId(row.user_id),
            conversation_id=ConversationId(row.conversation_id) if row.conversation_id is not None else None,
            created_at=row.created_at,
            text=self._cipher.decrypt(row.text) if row.text is not None else None,
            crisis=row.crisis,
            answered=row.answered,
            answered_offline=row.answered_offline,
        )

    async def forget_user(self, user_id: UserId) -> None:
        """Worries, conversations and marks of a person; their model usage stays, for the budget, unlinked."""
        await self._session.execute(
            update(LlmUsageRow).where(LlmUsageRow.user_id == user_id).values(user_id=None, worry_id=None)
        )
        await self._session.execute(delete(FeedbackRow).where(FeedbackRow.user_id == user_id))
        conversations = select(ConversationRow.id).where(ConversationRow.user_id == user_id)
        await self._session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(conversations)))
        await self._session.execute(delete(WorryRow).where(WorryRow.user_id == user_id))
        await self._session.execute(delete(ConversationRow).where(ConversationRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        for model in (ConversationRow, WorryRow, FeedbackRow, LlmUsageRow):
            await self._session.execute(update(model).where(model.user_id == source).values(user_id=target))
