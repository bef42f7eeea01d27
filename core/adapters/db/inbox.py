"""The inbox (SQLAlchemy): platform updates, handled under fenced leases."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import InboxRow
from core.adapters.db.sql import dialect_insert
from core.domain.inbox import DeadUpdate, DueUpdate, TakenUpdate, UpdateState
from core.ports import Cipher


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
