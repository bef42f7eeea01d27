"""Repositories: narrow, role-named access to tables; they return frozen records, never rows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    ConversationRow,
    FeedbackRow,
    IdentityRow,
    LlmUsageRow,
    TurnRow,
    UserRow,
    WorryRow,
)
from core.domain.records import Feedback, Identity, Turn, UsageRecord, User, Worry
from core.domain.values import ConversationId, Locale, Persona, UserId, WorryId
from core.ports import Cipher

MICROS = Decimal(1_000_000)


def _user(row: UserRow) -> User:
    return User(
        id=UserId(row.id),
        locale=Locale(row.locale),
        timezone=row.timezone,
        created_at=row.created_at,
        consented_at=row.consented_at,
        forget_requested_at=row.forget_requested_at,
    )


class SqlAlchemyUsers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_identity(self, platform: str, external_id: str) -> User | None:
        row = await self._session.scalar(
            select(UserRow)
            .join(IdentityRow, IdentityRow.user_id == UserRow.id)
            .where(IdentityRow.platform == platform, IdentityRow.external_id == external_id)
        )
        return _user(row) if row else None

    async def create(
        self, *, platform: str, external_id: str, display_name: str, locale: Locale, timezone: str, now: datetime
    ) -> User:
        row = UserRow(locale=locale.value, timezone=timezone, created_at=now)
        self._session.add(row)
        await self._session.flush()
        self._session.add(
            IdentityRow(
                user_id=row.id,
                platform=platform,
                external_id=external_id,
                display_name=display_name[:200],
                created_at=now,
            )
        )
        await self._session.flush()
        return _user(row)

    async def get(self, user_id: UserId, *, for_update: bool = False) -> User | None:
        query = select(UserRow).where(UserRow.id == user_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return _user(row) if row else None

    async def _set(self, user_id: UserId, **values: object) -> None:
        await self._session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))

    async def set_locale(self, user_id: UserId, locale: Locale) -> None:
        await self._set(user_id, locale=locale.value)

    async def set_timezone(self, user_id: UserId, timezone: str) -> None:
        await self._set(user_id, timezone=timezone)

    async def set_consent(self, user_id: UserId, consented_at: datetime | None) -> None:
        await self._set(user_id, consented_at=consented_at)

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None:
        await self._set(user_id, forget_requested_at=at)

    async def identities(self, user_id: UserId) -> list[Identity]:
        rows = await self._session.scalars(
            select(IdentityRow).where(IdentityRow.user_id == user_id).order_by(IdentityRow.id)
        )
        return [
            Identity(
                user_id=UserId(r.user_id),
                platform=r.platform,
                external_id=r.external_id,
                display_name=r.display_name,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def delete_everything(self, user_id: UserId) -> None:
        # Explicit order rather than trusting ON DELETE CASCADE alone, so a SQLite connection
        # opened without foreign keys still leaves nothing behind.
        await self._session.execute(
            update(LlmUsageRow).where(LlmUsageRow.user_id == user_id).values(user_id=None, worry_id=None)
        )
        await self._session.execute(delete(FeedbackRow).where(FeedbackRow.user_id == user_id))
        conversations = select(ConversationRow.id).where(ConversationRow.user_id == user_id)
        await self._session.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(conversations)))
        await self._session.execute(delete(WorryRow).where(WorryRow.user_id == user_id))
        await self._session.execute(delete(ConversationRow).where(ConversationRow.user_id == user_id))
        await self._session.execute(delete(IdentityRow).where(IdentityRow.user_id == user_id))
        await self._session.execute(delete(UserRow).where(UserRow.id == user_id))


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
        self, *, user_id: UserId, conversation_id: ConversationId | None, text: str | None, crisis: bool, now: datetime
    ) -> WorryId:
        row = WorryRow(
            user_id=user_id,
            conversation_id=conversation_id,
            created_at=now,
            text=self._cipher.encrypt(text) if text is not None else None,
            crisis=crisis,
            answered=False,
            answered_offline=False,
        )
        self._session.add(row)
        await self._session.flush()
        return WorryId(row.id)

    async def mark_answered(self, worry_id: WorryId, *, offline: bool) -> None:
        await self._session.execute(
            update(WorryRow).where(WorryRow.id == worry_id).values(answered=True, answered_offline=offline)
        )

    async def count_worries_since(self, user_id: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(WorryRow)
            .where(WorryRow.user_id == user_id, WorryRow.created_at >= since, WorryRow.crisis.is_(False))
        )
        return int(count or 0)

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
            answered_offline=row.answered_offline,
        )


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

    async def cost_since(self, since: datetime) -> Decimal:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(LlmUsageRow.cost_micros), 0)).where(LlmUsageRow.created_at >= since)
        )
        return Decimal(int(total or 0)) / MICROS

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
