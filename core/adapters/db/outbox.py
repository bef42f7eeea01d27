"""Repositories: narrow, role-named access to tables; they return frozen records, never rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    CodeTryRow,
    ConversationRow,
    DiaryEntryRow,
    FeedbackRow,
    FriendshipRow,
    IdentityRow,
    InboxRow,
    LeaseRow,
    LinkCodeRow,
    LlmUsageRow,
    OutboxRow,
    PointLedgerRow,
    TurnRow,
    UserRow,
    WorryRow,
)
from core.domain.accounts import CodeTry, IssuedCode
from core.domain.budget import OFFLINE_MODEL, SAFETY_PURPOSE_PREFIX
from core.domain.inbox import DeadUpdate, DueUpdate, TakenUpdate, UpdateState
from core.domain.outbox import FINAL_STATES, DeadLetter, NewPush, PushDocument, PushItem, PushState
from core.domain.quiet_hours import QuietHours
from core.domain.records import Feedback, Identity, Turn, UsageRecord, User, Worry
from core.domain.values import ConversationId, Locale, Persona, UserId, WorryId
from core.ports import Cipher, IdentityTaken

MICROS = Decimal(1_000_000)


def _on_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """INSERT with the dialect's ON CONFLICT support (both SQLite and PostgreSQL have it)."""
    return pg_insert(model) if _on_postgres(session) else sqlite_insert(model)


def _user(row: UserRow) -> User:
    return User(
        id=UserId(row.id),
        locale=Locale(row.locale),
        timezone=row.timezone,
        created_at=row.created_at,
        consented_at=row.consented_at,
        forget_requested_at=row.forget_requested_at,
        quiet_hours=QuietHours(start=row.quiet_start, end=row.quiet_end)
        if row.quiet_start is not None and row.quiet_end is not None
        else None,
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
        try:
            await self._session.flush()
        except IntegrityError as error:  # uq_identities_platform_external_id: the other request won
            raise IdentityTaken(f"{platform}:{external_id}") from error
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

    async def set_quiet_hours(self, user_id: UserId, quiet: QuietHours | None) -> None:
        await self._set(user_id, quiet_start=quiet.start if quiet else None, quiet_end=quiet.end if quiet else None)

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None:
        await self._set(user_id, forget_requested_at=at)

    async def identities(self, user_id: UserId) -> list[Identity]:
        rows = await self._session.scalars(
            select(IdentityRow).where(IdentityRow.user_id == user_id).order_by(IdentityRow.id)
        )
        return [
            Identity(
                id=r.id,
                user_id=UserId(r.user_id),
                platform=r.platform,
                external_id=r.external_id,
                display_name=r.display_name,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def create_link_code(self, user_id: UserId, *, code: str, now: datetime, expires_at: datetime) -> None:
        self._session.add(LinkCodeRow(code=code, user_id=user_id, created_at=now, expires_at=expires_at))
        await self._session.flush()

    async def take_link_code(self, code: str, *, now: datetime) -> UserId | None:
        """The user who made `code`, marking it used; None when it is unknown, used or expired."""
        owner = await self._session.scalar(
            update(LinkCodeRow)
            .where(LinkCodeRow.code == code, LinkCodeRow.used_at.is_(None), LinkCodeRow.expires_at > now)
            .values(used_at=now)
            .returning(LinkCodeRow.user_id)
        )
        return UserId(owner) if owner is not None else None

    async def link_codes_since(self, user_id: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(LinkCodeRow)
            .where(LinkCodeRow.user_id == user_id, LinkCodeRow.created_at >= since)
        )
        return int(count or 0)

    async def link_codes_of(self, user_id: UserId) -> list[IssuedCode]:
        rows = await self._session.scalars(
            select(LinkCodeRow).where(LinkCodeRow.user_id == user_id).order_by(LinkCodeRow.id)
        )
        return [IssuedCode(made_at=r.created_at, expires_at=r.expires_at, used_at=r.used_at) for r in rows]

    async def detach_identity(self, identity_id: int, *, now: datetime) -> UserId:
        """Move one linked account out to a new user of its own (same language and zone, nothing else)."""
        identity = await self._session.get(IdentityRow, identity_id)
        assert identity is not None
        old = await self._session.get(UserRow, identity.user_id)
        assert old is not None
        fresh = UserRow(locale=old.locale, timezone=old.timezone, created_at=now)
        self._session.add(fresh)
        await self._session.flush()
        await self._session.execute(update(IdentityRow).where(IdentityRow.id == identity_id).values(user_id=fresh.id))
        return UserId(fresh.id)

    async def has_own_records(self, user_id: UserId) -> bool:
        """Whether the account keeps a diary, points or friends of its own (then it cannot be folded into
        another user without choosing whose to keep)."""
        for query in (
            select(DiaryEntryRow.id).where(DiaryEntryRow.user_id == user_id),
            select(PointLedgerRow.id).where(PointLedgerRow.user_id == user_id),
            select(FriendshipRow.user_id).where(FriendshipRow.user_id == user_id),
        ):
            if await self._session.scalar(query.limit(1)) is not None:
                return True
        return False

    async def fold_into(self, source: UserId, target: UserId) -> None:
        """Move `source`'s accounts, its pushes and code tries to `target`, then delete it (the products have moved
        their own rows before: see AccountPart.fold)."""
        for model in (IdentityRow, OutboxRow, CodeTryRow):
            await self._session.execute(update(model).where(model.user_id == source).values(user_id=target))
        await self._session.execute(delete(LinkCodeRow).where(LinkCodeRow.user_id == source))
        await self._session.execute(delete(UserRow).where(UserRow.id == source))

    async def ids_after(self, after: int, *, limit: int) -> list[UserId]:
        rows = await self._session.scalars(
            select(UserRow.id).where(UserRow.id > after).order_by(UserRow.id).limit(limit)
        )
        return [UserId(i) for i in rows]

    async def delete_user(self, user_id: UserId) -> None:
        """The user row and what the account itself holds (the products have deleted their own rows before: see
        AccountPart.forget). Explicit deletes rather than trusting ON DELETE CASCADE alone, so a SQLite connection
        opened without foreign keys still leaves nothing behind."""
        await self._session.execute(delete(LinkCodeRow).where(LinkCodeRow.user_id == user_id))
        await self._session.execute(delete(CodeTryRow).where(CodeTryRow.user_id == user_id))
        await self._session.execute(delete(OutboxRow).where(OutboxRow.user_id == user_id))
        await self._session.execute(delete(IdentityRow).where(IdentityRow.user_id == user_id))
        await self._session.execute(delete(UserRow).where(UserRow.id == user_id))


class SqlAlchemyCodeTries:
    """Code tries that were not right, per user (see core.domain.accounts.paused_until)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user_id: UserId, *, kind: str, now: datetime) -> int:
        row = CodeTryRow(user_id=user_id, kind=kind, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def since(self, user_id: UserId, since: datetime) -> list[datetime]:
        rows = await self._session.scalars(
            select(CodeTryRow.created_at)
            .where(CodeTryRow.user_id == user_id, CodeTryRow.created_at > since)
            .order_by(CodeTryRow.created_at)
        )
        return list(rows.all())

    async def remove(self, try_id: int) -> None:
        await self._session.execute(delete(CodeTryRow).where(CodeTryRow.id == try_id))

    async def prune(self, user_id: UserId, *, before: datetime) -> None:
        await self._session.execute(
            delete(CodeTryRow).where(CodeTryRow.user_id == user_id, CodeTryRow.created_at <= before)
        )

    async def of_user(self, user_id: UserId) -> list[CodeTry]:
        rows = await self._session.scalars(
            select(CodeTryRow).where(CodeTryRow.user_id == user_id).order_by(CodeTryRow.id)
        )
        return [CodeTry(kind=r.kind, at=r.created_at) for r in rows]


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

    async def count_worries_since(self, user_id: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(WorryRow)
            .where(
                WorryRow.user_id == user_id,
                WorryRow.created_at >= since,
                WorryRow.crisis.is_(False),
                WorryRow.answered_offline.is_(False),  # offline answers are free and do not use up the quota
            )
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


class SqlAlchemyOutbox:
    """Pushes. Claims are single conditional UPDATEs (or FOR UPDATE SKIP LOCKED on PostgreSQL), so two
    clocks or two workers racing for a row never both get it."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add(self, push: NewPush, *, now: datetime, revive_withdrawn: bool = False) -> bool:
        """Write a push; False when one with the same dedupe key already exists (nothing changes) — unless
        `revive_withdrawn` and that one was cancelled before it went out: then it is due again with this
        document (an entry shared, hidden before the notice left, and shared again)."""
        document = self._cipher.encrypt(push.document.to_json())
        statement = dialect_insert(self._session, OutboxRow).values(
            dedupe_key=push.dedupe_key,
            user_id=push.user_id,
            identity_id=push.identity_id,
            platform=push.platform,
            chat_id=push.chat_id,
            kind=push.kind,
            document=document,
            due_at=push.due_at,
            state=PushState.PENDING.value,
            attempts=0,
            next_attempt_at=push.due_at,
            created_at=now,
        )
        if revive_withdrawn:
            statement = statement.on_conflict_do_update(
                index_elements=["dedupe_key"],
                set_={
                    "document": document,
                    "state": PushState.PENDING.value,
                    "attempts": 0,
                    "due_at": push.due_at,
                    "next_attempt_at": push.due_at,
                    "last_error": None,
                    "job_id": None,
                    "queued_at": None,
                    "lease_until": None,
                },
                where=OutboxRow.state == PushState.CANCELLED.value,
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
        statement = statement.returning(OutboxRow.id)  # rowcount is not reliable for INSERT … ON CONFLICT
        result = await self._session.execute(statement)
        return result.scalar_one_or_none() is not None

    async def claim_due(self, *, now: datetime, limit: int, job_id: str) -> list[tuple[int, str | None]]:
        """Move due pending rows to queued for `job_id`; returns (id, platform-or-None) in due order."""
        query = (
            select(OutboxRow.id)
            .where(OutboxRow.state == PushState.PENDING.value, OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if _on_postgres(self._session):
            query = query.with_for_update(skip_locked=True)
        ids = list((await self._session.scalars(query)).all())
        if not ids:
            return []
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.state == PushState.PENDING.value)
            .values(state=PushState.QUEUED.value, queued_at=now, job_id=job_id)
        )
        rows = await self._session.execute(
            select(OutboxRow.id, OutboxRow.platform).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id)
        )
        return [(row.id, row.platform) for row in rows]

    async def set_job(self, ids: list[int], job_id: str) -> None:
        await self._session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(job_id=job_id))

    async def queued_jobs(self, *, queued_before: datetime) -> dict[str, list[int]]:
        rows = await self._session.execute(
            select(OutboxRow.id, OutboxRow.job_id).where(
                OutboxRow.state == PushState.QUEUED.value, OutboxRow.queued_at <= queued_before
            )
        )
        jobs: dict[str, list[int]] = {}
        for row in rows:
            jobs.setdefault(row.job_id or "", []).append(row.id)
        return jobs

    async def touch_job(self, job_id: str, *, now: datetime) -> None:
        """A running job says it is alive: its rows still waiting in the batch are not given away."""
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.job_id == job_id, OutboxRow.state == PushState.QUEUED.value)
            .values(queued_at=now)
        )

    async def release(self, ids: list[int], *, now: datetime) -> int:
        """Queued rows whose job is gone go back to pending (they are claimed again at once)."""
        if not ids:
            return 0
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.state == PushState.QUEUED.value)
            .values(state=PushState.PENDING.value, job_id=None, queued_at=None, next_attempt_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def release_expired_leases(self, *, now: datetime) -> int:
        """A worker that died mid-send leaves its row `sending` with an old lease: send it again."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.state == PushState.SENDING.value, OutboxRow.lease_until < now)
            .values(state=PushState.PENDING.value, lease_until=None, job_id=None, next_attempt_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def take_for_sending(self, push_id: int, *, now: datetime, lease_until: datetime) -> PushItem | None:
        """Take one row under a short lease; None when another worker has it or it is already final."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == push_id,
                OutboxRow.next_attempt_at <= now,
                or_(
                    OutboxRow.state.in_((PushState.QUEUED.value, PushState.PENDING.value)),
                    and_(OutboxRow.state == PushState.SENDING.value, OutboxRow.lease_until < now),
                ),
            )
            .values(state=PushState.SENDING.value, lease_until=lease_until, attempts=OutboxRow.attempts + 1)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self._session.get(OutboxRow, push_id, populate_existing=True)
        return self._item(row) if row else None

    async def finish(
        self, push_id: int, state: PushState, *, now: datetime, message_id: str | None = None, error: str | None = None
    ) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == push_id)
            .values(
                state=state.value,
                lease_until=None,
                sent_at=now if state is PushState.SENT else None,
                platform_message_id=message_id,
                last_error=error[:200] if error else None,
            )
        )

    async def retry_at(self, push_id: int, at: datetime, *, error: str, count_attempt: bool = True) -> None:
        values: dict[str, Any] = {
            "state": PushState.PENDING.value,
            "next_attempt_at": at,
            "lease_until": None,
            "job_id": None,
            "last_error": error[:200],
        }
        if not count_attempt:  # a rate limit is not the recipient's fault: it does not use up an attempt
            values["attempts"] = OutboxRow.attempts - 1
        await self._session.execute(update(OutboxRow).where(OutboxRow.id == push_id).values(**values))

    async def pending_of(self, user_id: UserId, kind: str) -> list[PushItem]:
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.user_id == user_id,
                OutboxRow.kind == kind,
                OutboxRow.state.in_((PushState.PENDING.value, PushState.QUEUED.value)),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
        )
        return [self._item(r) for r in rows]

    async def all_of(self, user_id: UserId, kind: str) -> list[PushItem]:
        rows = await self._session.scalars(
            select(OutboxRow).where(OutboxRow.user_id == user_id, OutboxRow.kind == kind).order_by(OutboxRow.id)
        )
        return [self._item(r) for r in rows]

    async def cancel(self, push_id: int) -> bool:
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == push_id, OutboxRow.state.in_((PushState.PENDING.value, PushState.QUEUED.value)))
            .values(state=PushState.CANCELLED.value)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def withdraw(self, key_prefix: str) -> int:
        """Take back the pushes whose dedupe key starts with `key_prefix`: those not yet sent are cancelled, and
        the text of every one (sent or not) is blanked, so nothing of it stays here."""
        matching = OutboxRow.dedupe_key.like(_like_prefix(key_prefix), escape="\\")
        await self._session.execute(
            update(OutboxRow)
            .where(matching, OutboxRow.state.in_((PushState.PENDING.value, PushState.QUEUED.value)))
            .values(state=PushState.CANCELLED.value)
        )
        result = await self._session.execute(
            update(OutboxRow)
            .where(matching)
            .values(document=self._cipher.encrypt(PushDocument(key="push.withdrawn").to_json()))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def blank_finished(self, *, before: datetime, now: datetime, limit: int) -> int:
        chosen = (
            select(OutboxRow.id)
            .where(
                OutboxRow.state.in_([state.value for state in FINAL_STATES]),
                OutboxRow.blanked_at.is_(None),
                func.coalesce(OutboxRow.sent_at, OutboxRow.created_at) < before,
            )
            .limit(limit)
        )
        ids = list((await self._session.scalars(chosen)).all())
        if not ids:
            return 0
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(document=self._cipher.encrypt(PushDocument(key="push.expired").to_json()), blanked_at=now)
        )
        return len(ids)

    async def count_by_state(self) -> dict[str, int]:
        rows = await self._session.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state))
        return {state: int(count) for state, count in rows}

    async def dead_letters(self, *, limit: int) -> list[DeadLetter]:
        rows = await self._session.scalars(
            select(OutboxRow).where(OutboxRow.state == PushState.DEAD.value).order_by(OutboxRow.id).limit(limit)
        )
        return [
            DeadLetter(
                id=r.id,
                kind=r.kind,
                user_id=r.user_id,
                platform=r.platform,
                attempts=r.attempts,
                due_at=r.due_at,
                last_error=r.last_error,
            )
            for r in rows
        ]

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        chosen = and_(OutboxRow.state == PushState.DEAD.value, OutboxRow.blanked_at.is_(None))
        if ids is not None:
            chosen = and_(chosen, OutboxRow.id.in_(ids))
        result = await self._session.execute(
            update(OutboxRow)
            .where(chosen)
            .values(state=PushState.PENDING.value, attempts=0, next_attempt_at=now, lease_until=None, job_id=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _item(self, row: OutboxRow) -> PushItem:
        return PushItem(
            id=row.id,
            dedupe_key=row.dedupe_key,
            kind=row.kind,
            document=PushDocument.from_json(self._cipher.decrypt(row.document)),
            due_at=row.due_at,
            state=PushState(row.state),
            attempts=row.attempts,
            user_id=row.user_id,
            platform=row.platform,
            chat_id=row.chat_id,
            identity_id=row.identity_id,
        )


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


class SqlAlchemyInbox:
    """Updates received from the platforms (core.domain.inbox). Every change a holder makes is fenced by its
    attempt: a process whose lease ran out (and whose update another process took) changes nothing."""

    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    async def accept(
        self, *, platform: str, event_id: str, payload: str, now: datetime, due_at: datetime | None = None
    ) -> int | None:
        """Record an update; its row id, or None when this (platform, event id) was already received. `due_at` is
        when another process may take it if the receiving one has not (default: at once)."""
        result = await self._session.execute(
            dialect_insert(self._session, InboxRow)
            .values(
                platform=platform,
                event_id=event_id[:128],
                payload=self._cipher.encrypt(payload),
                state=UpdateState.PENDING,
                attempts=0,
                received_at=now,
                next_attempt_at=due_at or now,
            )
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(InboxRow.id)
        )
        found = result.scalar_one_or_none()
        return int(found) if found is not None else None

    async def claim(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> TakenUpdate | None:
        """Take a pending (or abandoned: lease over) update for processing, as a new attempt; None when it is
        done, dead or held by a live process."""
        result = await self._session.execute(
            update(InboxRow)
            .where(
                InboxRow.id == inbox_id,
                or_(
                    InboxRow.state == UpdateState.PENDING,
                    and_(InboxRow.state == UpdateState.PROCESSING, InboxRow.lease_until < now),
                ),
            )
            .values(state=UpdateState.PROCESSING, lease_until=lease_until, attempts=InboxRow.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = await self._session.get(InboxRow, inbox_id, populate_existing=True)
        assert row is not None
        return TakenUpdate(
            id=row.id,
            platform=row.platform,
            event_id=row.event_id,
            payload=self._cipher.decrypt(row.payload),
            attempt=row.attempts,
            replies=tuple(json.loads(row.replies)) if row.replies else (),
        )

    async def take(self, inbox_id: int, *, now: datetime, lease_until: datetime) -> tuple[str, str] | None:
        """`claim`, as (platform, payload)."""
        taken = await self.claim(inbox_id, now=now, lease_until=lease_until)
        return (taken.platform, taken.payload) if taken is not None else None

    def _held(self, inbox_id: int, attempt: int) -> Any:
        return update(InboxRow).where(
            InboxRow.id == inbox_id, InboxRow.state == UpdateState.PROCESSING, InboxRow.attempts == attempt
        )

    async def renew(self, inbox_id: int, *, attempt: int, lease_until: datetime) -> bool:
        """The heartbeat: extend the lease; False when this attempt no longer holds the update."""
        result = await self._session.execute(self._held(inbox_id, attempt).values(lease_until=lease_until))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def record_replies(self, inbox_id: int, *, attempt: int, replies: Sequence[str]) -> bool:
        """The messages sent so far for this update, in order; False when this attempt no longer holds it."""
        result = await self._session.execute(self._held(inbox_id, attempt).values(replies=json.dumps(list(replies))))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def done(self, inbox_id: int, *, now: datetime, attempt: int | None = None) -> bool:
        # The payload is dropped once handled: it may hold user text we have no reason to keep.
        query = update(InboxRow).where(InboxRow.id == inbox_id) if attempt is None else self._held(inbox_id, attempt)
        result = await self._session.execute(
            query.values(state=UpdateState.DONE, processed_at=now, lease_until=None, next_attempt_at=None, payload="")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def retry_later(self, inbox_id: int, *, attempt: int, at: datetime, error: str) -> bool:
        """Back to pending until `at` (the payload kept for the next attempt)."""
        result = await self._session.execute(
            self._held(inbox_id, attempt).values(
                state=UpdateState.PENDING, lease_until=None, next_attempt_at=at, last_error=error[:200]
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def bury(self, inbox_id: int, *, attempt: int, now: datetime, error: str) -> bool:
        """Dead after its last attempt (pending or processing with `attempt` attempts): kept for the operator."""
        result = await self._session.execute(
            update(InboxRow)
            .where(
                InboxRow.id == inbox_id,
                InboxRow.state.in_([UpdateState.PENDING, UpdateState.PROCESSING]),
                InboxRow.attempts == attempt,
            )
            .values(
                state=UpdateState.DEAD, lease_until=None, next_attempt_at=None, processed_at=now, last_error=error[:200]
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def purge_processed(self, *, before: datetime, limit: int) -> int:
        chosen = (
            select(InboxRow.id)
            .where(
                InboxRow.processed_at.is_not(None),
                InboxRow.processed_at < before,
                InboxRow.state.not_in((UpdateState.PENDING, UpdateState.PROCESSING)),
            )
            .limit(limit)
        )
        ids = list((await self._session.scalars(chosen)).all())
        if ids:
            await self._session.execute(delete(InboxRow).where(InboxRow.id.in_(ids)))
        return len(ids)

    async def due(self, *, platform: str, now: datetime, fresh_too: bool = False, limit: int = 100) -> list[DueUpdate]:
        """Updates to take now: pending ones whose time has come (`fresh_too`: every pending one) and ones whose
        holder's lease ran out (a crash)."""
        pending = InboxRow.state == UpdateState.PENDING
        if not fresh_too:
            pending = and_(pending, or_(InboxRow.next_attempt_at.is_(None), InboxRow.next_attempt_at <= now))
        rows = await self._session.execute(
            select(InboxRow.id, InboxRow.attempts, InboxRow.state)
            .where(
                InboxRow.platform == platform,
                or_(pending, and_(InboxRow.state == UpdateState.PROCESSING, InboxRow.lease_until < now)),
            )
            .order_by(InboxRow.id)
            .limit(limit)
        )
        return [
            DueUpdate(id=row.id, attempts=row.attempts, processing=row.state == UpdateState.PROCESSING) for row in rows
        ]

    async def unfinished(self, *, platform: str, received_before: datetime, limit: int = 100) -> list[int]:
        """Updates accepted but never finished (a crash after the HTTP answer): to be processed again."""
        rows = await self._session.scalars(
            select(InboxRow.id)
            .where(
                InboxRow.platform == platform,
                InboxRow.received_at <= received_before,
                or_(InboxRow.state == UpdateState.PENDING, InboxRow.state == UpdateState.PROCESSING),
            )
            .order_by(InboxRow.id)
            .limit(limit)
        )
        return list(rows.all())

    async def dead_updates(self, *, limit: int) -> list[DeadUpdate]:
        rows = await self._session.scalars(
            select(InboxRow).where(InboxRow.state == UpdateState.DEAD).order_by(InboxRow.id).limit(limit)
        )
        return [
            DeadUpdate(
                id=row.id,
                platform=row.platform,
                event_id=row.event_id,
                attempts=row.attempts,
                received_at=row.received_at,
                last_error=row.last_error,
            )
            for row in rows
        ]

    async def revive(self, ids: list[int] | None, *, now: datetime) -> int:
        """Dead updates (these, or all when None) go back to pending with fresh attempts; returns how many."""
        query = update(InboxRow).where(InboxRow.state == UpdateState.DEAD)
        if ids is not None:
            query = query.where(InboxRow.id.in_(ids))
        result = await self._session.execute(
            query.values(state=UpdateState.PENDING, attempts=0, next_attempt_at=now, processed_at=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


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
