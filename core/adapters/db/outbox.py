"""The outbox (SQLAlchemy): pushes, claimed in batches and sent under short leases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import OutboxRow
from core.adapters.db.sql import dialect_insert, on_postgres
from core.domain.outbox import FINAL_STATES, DeadLetter, NewPush, PushDocument, PushItem, PushOutcome, PushState
from core.domain.quiet_hours import HELD_FOR_QUIET_HOURS
from core.domain.values import UserId
from core.ports import Cipher

_ITEM_COLUMNS = (
    OutboxRow.id,
    OutboxRow.dedupe_key,
    OutboxRow.kind,
    OutboxRow.document,
    OutboxRow.due_at,
    OutboxRow.state,
    OutboxRow.attempts,
    OutboxRow.user_id,
    OutboxRow.platform,
    OutboxRow.chat_id,
    OutboxRow.identity_id,
)


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


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
        if on_postgres(self._session):
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

    async def take_batch(self, ids: Sequence[int], *, now: datetime, lease_until: datetime) -> list[PushItem]:
        """Take every row of `ids` that is due and free, under one lease, in one statement (UPDATE … RETURNING);
        rows another worker holds, or that are final or cancelled, are left out. On PostgreSQL the rows are chosen
        FOR UPDATE SKIP LOCKED, so two workers taking overlapping batches never wait for each other."""
        if not ids:
            return []
        free = and_(
            OutboxRow.id.in_(list(ids)),
            OutboxRow.next_attempt_at <= now,
            or_(
                OutboxRow.state.in_((PushState.QUEUED.value, PushState.PENDING.value)),
                and_(OutboxRow.state == PushState.SENDING.value, OutboxRow.lease_until < now),
            ),
        )
        chosen: Any = free
        if on_postgres(self._session):
            chosen = OutboxRow.id.in_(select(OutboxRow.id).where(free).with_for_update(skip_locked=True))
        statement = (
            update(OutboxRow)
            .where(chosen)
            .values(state=PushState.SENDING.value, lease_until=lease_until, attempts=OutboxRow.attempts + 1)
            .returning(*_ITEM_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        rows = (await self._session.execute(statement)).all()
        return sorted((self._item(row) for row in rows), key=lambda item: item.id)

    async def extend_leases(self, ids: Sequence[int], *, lease_until: datetime) -> None:
        """A batch still sending says so: the rows it holds keep their lease."""
        if ids:
            await self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(list(ids)), OutboxRow.state == PushState.SENDING.value)
                .values(lease_until=lease_until)
            )

    async def record(self, outcomes: Sequence[PushOutcome]) -> None:
        """What became of many sends, as two executemany UPDATEs by id (final states, then retries)."""
        finals = [
            {
                "id": o.id,
                "state": o.state.value,
                "lease_until": None,
                "sent_at": o.at if o.state is PushState.SENT else None,
                "platform_message_id": o.message_id,
                "last_error": o.error[:200] if o.error else None,
            }
            for o in outcomes
            if o.retry_at is None
        ]
        retries = [
            {
                "id": o.id,
                "state": PushState.PENDING.value,
                "next_attempt_at": o.retry_at,
                "lease_until": None,
                "job_id": None,
                "last_error": (o.error or "")[:200],
                "attempts": o.attempts,
            }
            for o in outcomes
            if o.retry_at is not None
        ]
        for rows in (finals, retries):
            if rows:
                await self._session.execute(update(OutboxRow), rows)

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

    async def release_held(self, user_id: UserId, *, now: datetime) -> int:
        result = await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.user_id == user_id,
                OutboxRow.state == PushState.PENDING.value,
                OutboxRow.last_error == HELD_FOR_QUIET_HOURS,
                OutboxRow.next_attempt_at > now,
            )
            .values(next_attempt_at=now, last_error=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

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

    def _item(self, row: Any) -> PushItem:
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
