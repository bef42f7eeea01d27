"""Broadcast watches, alerts and the home-shopping schedule (SQLAlchemy): see core.ports.Watches and Broadcasts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    BroadcastRow,
    ScheduleSourceRow,
    UserRow,
    WatchAlertRow,
    WatchRow,
    WatchSettingsRow,
)
from core.adapters.db.sql import dialect_insert
from core.adapters.db.users import _user as user_of_row
from core.domain.users import User
from core.domain.values import UserId
from core.products.shopping.domain import (
    DEFAULT_LEAD_MINUTES,
    Alert,
    AlertState,
    Broadcast,
    DueAlert,
    Watch,
    WatchVector,
)
from core.products.shopping.schedule import Slot, StoredSlot

IN_CHUNK: Final = 500  # ids per IN (…) list: far below every database's parameter limit
_NUMBER_TRIES: Final = 20  # numbers taken by watches written at the same moment


def _chunks(values: Sequence[int], size: int = IN_CHUNK) -> list[Sequence[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _watch(row: WatchRow) -> Watch:
    return Watch(
        id=row.id,
        user_id=UserId(row.user_id),
        number=row.number,
        text=row.text,
        key=row.key,
        created_at=row.created_at,
    )


def _alert(row: WatchAlertRow) -> Alert:
    return Alert(
        id=row.id,
        user_id=UserId(row.user_id),
        watch_id=row.watch_id,
        broadcast_id=row.broadcast_id,
        due_at=row.due_at,
        state=AlertState(row.state),
    )


def _broadcast(row: BroadcastRow) -> Broadcast:
    return Broadcast(
        id=row.id,
        channel=row.channel,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        product=row.product,
        price=row.price,
        url=row.url,
        source=row.source,
        withdrawn=row.withdrawn_at is not None,
    )


class SqlAlchemyWatches:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, user_id: UserId) -> list[Watch]:
        rows = await self._session.scalars(
            select(WatchRow).where(WatchRow.user_id == user_id).order_by(WatchRow.number)
        )
        return [_watch(r) for r in rows]

    async def _settings(self, user_id: UserId, now: datetime) -> WatchSettingsRow:
        await self._session.execute(
            dialect_insert(self._session, WatchSettingsRow)
            .values(user_id=user_id, lead_minutes=DEFAULT_LEAD_MINUTES, last_number=0, updated_at=now)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        row = await self._session.get(WatchSettingsRow, user_id, populate_existing=True)
        assert row is not None
        return row

    async def add(self, user_id: UserId, *, text: str, key: str, now: datetime) -> Watch:
        settings = await self._settings(user_id, now)
        highest = await self._session.scalar(select(func.max(WatchRow.number)).where(WatchRow.user_id == user_id))
        number = max(settings.last_number, highest or 0) + 1
        for candidate in range(number, number + _NUMBER_TRIES):
            row = WatchRow(user_id=user_id, number=candidate, text=text, key=key, created_at=now)
            try:
                async with self._session.begin_nested():
                    self._session.add(row)
                    await self._session.flush()
            except IntegrityError:
                continue
            await self._session.execute(
                update(WatchSettingsRow)
                .where(WatchSettingsRow.user_id == user_id, WatchSettingsRow.last_number < candidate)
                .values(last_number=candidate, updated_at=now)
            )
            return _watch(row)
        raise RuntimeError("no free watch number")

    async def remove(self, user_id: UserId, number: int) -> Watch | None:
        row = await self._session.scalar(select(WatchRow).where(WatchRow.user_id == user_id, WatchRow.number == number))
        if row is None:
            return None
        watch = _watch(row)
        # alerts that never went out are of no use without their watch; sent ones stay (never told twice)
        await self._session.execute(
            delete(WatchAlertRow).where(WatchAlertRow.watch_id == row.id, WatchAlertRow.state != AlertState.SENT.value)
        )
        await self._session.execute(update(WatchAlertRow).where(WatchAlertRow.watch_id == row.id).values(watch_id=None))
        await self._session.execute(delete(WatchRow).where(WatchRow.id == row.id))
        return watch

    async def all(self) -> list[Watch]:
        rows = await self._session.scalars(select(WatchRow).order_by(WatchRow.id))
        return [_watch(r) for r in rows]

    async def vectors(self, model: str) -> list[WatchVector]:
        rows = await self._session.execute(
            select(WatchRow.id, WatchRow.vector).where(WatchRow.vector_model == model, WatchRow.vector.is_not(None))
        )
        return [WatchVector(watch_id=i, model=model, vector=v) for i, v in rows if v is not None]

    async def set_vector(self, watch_id: int, *, model: str, vector: bytes) -> None:
        await self._session.execute(
            update(WatchRow).where(WatchRow.id == watch_id).values(vector=vector, vector_model=model)
        )

    async def lead_minutes(self, user_id: UserId) -> int:
        minutes = await self._session.scalar(
            select(WatchSettingsRow.lead_minutes).where(WatchSettingsRow.user_id == user_id)
        )
        return DEFAULT_LEAD_MINUTES if minutes is None else int(minutes)

    async def leads(self, user_ids: Sequence[UserId]) -> dict[UserId, int]:
        found: dict[UserId, int] = {}
        for part in _chunks(list(dict.fromkeys(user_ids))):
            rows = await self._session.execute(
                select(WatchSettingsRow.user_id, WatchSettingsRow.lead_minutes).where(
                    WatchSettingsRow.user_id.in_(part)
                )
            )
            found.update({UserId(u): int(m) for u, m in rows})
        return found

    async def set_lead(self, user_id: UserId, minutes: int, *, now: datetime) -> None:
        await self._settings(user_id, now)
        await self._session.execute(
            update(WatchSettingsRow)
            .where(WatchSettingsRow.user_id == user_id)
            .values(lead_minutes=minutes, updated_at=now)
        )

    async def alerts_for(self, broadcast_ids: Sequence[int]) -> list[Alert]:
        alerts: list[Alert] = []
        for part in _chunks(list(broadcast_ids)):
            rows = await self._session.scalars(select(WatchAlertRow).where(WatchAlertRow.broadcast_id.in_(part)))
            alerts += [_alert(r) for r in rows]
        return alerts

    async def alerts_of(self, user_id: UserId, *, states: Sequence[AlertState] | None = None) -> list[Alert]:
        query = select(WatchAlertRow).where(WatchAlertRow.user_id == user_id)
        if states is not None:
            query = query.where(WatchAlertRow.state.in_([s.value for s in states]))
        rows = await self._session.scalars(query.order_by(WatchAlertRow.due_at, WatchAlertRow.id))
        return [_alert(r) for r in rows]

    async def add_alerts(self, alerts: Sequence[tuple[UserId, int, int, datetime]], *, now: datetime) -> int:
        added = 0
        for start in range(0, len(alerts), IN_CHUNK):
            rows = [
                {
                    "user_id": user_id,
                    "watch_id": watch_id,
                    "broadcast_id": broadcast_id,
                    "due_at": due_at,
                    "state": AlertState.PENDING.value,
                    "created_at": now,
                }
                for user_id, watch_id, broadcast_id, due_at in alerts[start : start + IN_CHUNK]
            ]
            result = await self._session.execute(
                dialect_insert(self._session, WatchAlertRow)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["watch_id", "broadcast_id"])
                .returning(WatchAlertRow.id)
            )
            added += len(result.all())
        return added

    async def set_alerts(
        self, ids: Sequence[int], state: AlertState, *, due_at: datetime | None = None, now: datetime
    ) -> None:
        values: dict[str, object] = {"state": state.value}
        if due_at is not None:
            values["due_at"] = due_at
        if state is AlertState.SENT:
            values["sent_at"] = now
        for part in _chunks(list(ids)):
            await self._session.execute(update(WatchAlertRow).where(WatchAlertRow.id.in_(part)).values(**values))

    async def reschedule(self, moves: Sequence[tuple[int, datetime]]) -> None:
        for alert_id, due_at in moves:
            await self._session.execute(
                update(WatchAlertRow)
                .where(WatchAlertRow.id == alert_id, WatchAlertRow.state == AlertState.PENDING.value)
                .values(due_at=due_at)
            )

    async def withdraw_for(self, broadcast_ids: Sequence[int], *, now: datetime) -> int:
        withdrawn = 0
        for part in _chunks(list(broadcast_ids)):
            result = await self._session.execute(
                update(WatchAlertRow)
                .where(WatchAlertRow.broadcast_id.in_(part), WatchAlertRow.state == AlertState.PENDING.value)
                .values(state=AlertState.WITHDRAWN.value)
            )
            withdrawn += int(result.rowcount or 0)  # type: ignore[attr-defined]
        return withdrawn

    async def due(self, *, now: datetime, limit: int) -> list[DueAlert]:
        rows = await self._session.execute(
            select(WatchAlertRow, BroadcastRow, WatchRow.text)
            .join(BroadcastRow, BroadcastRow.id == WatchAlertRow.broadcast_id)
            .outerjoin(WatchRow, WatchRow.id == WatchAlertRow.watch_id)
            .where(WatchAlertRow.state == AlertState.PENDING.value, WatchAlertRow.due_at <= now)
            .order_by(WatchAlertRow.due_at, WatchAlertRow.id)
            .limit(limit)
        )
        return [DueAlert(alert=_alert(a), broadcast=_broadcast(b), watch_text=text) for a, b, text in rows]

    async def told(self, user_ids: Sequence[UserId], broadcast_ids: Sequence[int]) -> set[tuple[UserId, int]]:
        wanted_users = set(user_ids)
        told: set[tuple[UserId, int]] = set()
        for part in _chunks(sorted(set(broadcast_ids))):
            rows = await self._session.execute(
                select(WatchAlertRow.user_id, WatchAlertRow.broadcast_id).where(
                    WatchAlertRow.state == AlertState.SENT.value, WatchAlertRow.broadcast_id.in_(part)
                )
            )
            told.update((UserId(u), b) for u, b in rows if u in wanted_users)
        return told

    async def recipients(self, user_ids: Sequence[UserId]) -> dict[UserId, User]:
        found: dict[UserId, User] = {}
        for part in _chunks(sorted(set(user_ids))):
            rows = await self._session.scalars(select(UserRow).where(UserRow.id.in_(part)))
            found.update({UserId(r.id): user_of_row(r) for r in rows})
        return found

    async def forget_user(self, user_id: UserId) -> None:
        await self._session.execute(delete(WatchAlertRow).where(WatchAlertRow.user_id == user_id))
        await self._session.execute(delete(WatchRow).where(WatchRow.user_id == user_id))
        await self._session.execute(delete(WatchSettingsRow).where(WatchSettingsRow.user_id == user_id))

    async def fold_user(self, source: UserId, target: UserId) -> None:
        theirs = {w.key for w in await self.of_user(target)}
        kept = await self._session.get(WatchSettingsRow, target)
        joining = await self._session.get(WatchSettingsRow, source)
        highest = await self._session.scalar(select(func.max(WatchRow.number)).where(WatchRow.user_id == target))
        number = max(kept.last_number if kept else 0, highest or 0)
        for watch in await self.of_user(source):
            if watch.key in theirs:  # the account joined watches it already: one watch, its own alerts
                await self._session.execute(
                    delete(WatchAlertRow).where(
                        WatchAlertRow.watch_id == watch.id, WatchAlertRow.state != AlertState.SENT.value
                    )
                )
                await self._session.execute(
                    update(WatchAlertRow).where(WatchAlertRow.watch_id == watch.id).values(watch_id=None)
                )
                await self._session.execute(delete(WatchRow).where(WatchRow.id == watch.id))
                continue
            number += 1
            await self._session.execute(
                update(WatchRow).where(WatchRow.id == watch.id).values(user_id=target, number=number)
            )
        await self._session.execute(update(WatchAlertRow).where(WatchAlertRow.user_id == source).values(user_id=target))
        if kept is None and joining is not None:
            await self._session.execute(
                update(WatchSettingsRow)
                .where(WatchSettingsRow.user_id == source)
                .values(user_id=target, last_number=number)
            )
        elif kept is not None:
            values: dict[str, object] = {"last_number": number}
            if joining is not None and kept.lead_minutes == DEFAULT_LEAD_MINUTES:
                values["lead_minutes"] = joining.lead_minutes  # a lead chosen on either account is kept
            await self._session.execute(
                update(WatchSettingsRow).where(WatchSettingsRow.user_id == target).values(**values)
            )
            await self._session.execute(delete(WatchSettingsRow).where(WatchSettingsRow.user_id == source))


class SqlAlchemyBroadcasts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def starting_between(self, starts: datetime, before: datetime) -> list[StoredSlot]:
        rows = await self._session.scalars(
            select(BroadcastRow).where(BroadcastRow.starts_at >= starts, BroadcastRow.starts_at < before)
        )
        return [
            StoredSlot(
                id=r.id,
                slot=Slot(
                    channel=r.channel,
                    starts_at=r.starts_at,
                    ends_at=r.ends_at,
                    product=r.product,
                    price=r.price,
                    url=r.url,
                ),
                source=r.source,
                withdrawn=r.withdrawn_at is not None,
            )
            for r in rows
        ]

    async def insert(self, slots: Sequence[Slot], *, source: str, now: datetime) -> None:
        if not slots:
            return
        for start in range(0, len(slots), IN_CHUNK):
            rows = [
                {
                    "channel": s.channel,
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                    "product": s.product,
                    "price": s.price,
                    "url": s.url,
                    "source": source,
                    "created_at": now,
                    "updated_at": now,
                }
                for s in slots[start : start + IN_CHUNK]
            ]
            await self._session.execute(
                dialect_insert(self._session, BroadcastRow)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["channel", "starts_at"])  # another import got there first
            )

    async def update(self, broadcast_id: int, slot: Slot, *, source: str, now: datetime) -> None:
        await self._session.execute(
            update(BroadcastRow)
            .where(BroadcastRow.id == broadcast_id)
            .values(
                channel=slot.channel,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                product=slot.product,
                price=slot.price,
                url=slot.url,
                source=source,
                withdrawn_at=None,
                updated_at=now,
            )
        )

    async def withdraw(self, ids: Sequence[int], *, now: datetime) -> None:
        for part in _chunks(list(ids)):
            await self._session.execute(
                update(BroadcastRow)
                .where(BroadcastRow.id.in_(part), BroadcastRow.withdrawn_at.is_(None))
                .values(withdrawn_at=now, updated_at=now)
            )

    async def upcoming(self, *, now: datetime, starts_before: datetime | None = None) -> list[Broadcast]:
        query = select(BroadcastRow).where(BroadcastRow.starts_at > now, BroadcastRow.withdrawn_at.is_(None))
        if starts_before is not None:
            query = query.where(BroadcastRow.starts_at < starts_before)
        rows = await self._session.scalars(query.order_by(BroadcastRow.starts_at, BroadcastRow.id))
        return [_broadcast(r) for r in rows]

    async def get_many(self, ids: Sequence[int]) -> list[Broadcast]:
        found: list[Broadcast] = []
        for part in _chunks(list(ids)):
            rows = await self._session.scalars(select(BroadcastRow).where(BroadcastRow.id.in_(part)))
            found += [_broadcast(r) for r in rows]
        return found

    async def purge(self, *, started_before: datetime) -> int:
        result = await self._session.execute(delete(BroadcastRow).where(BroadcastRow.starts_at < started_before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def read_at(self, source: str) -> datetime | None:
        return await self._session.scalar(select(ScheduleSourceRow.read_at).where(ScheduleSourceRow.source == source))

    async def mark_read(self, source: str, *, now: datetime) -> None:
        await self._session.execute(
            dialect_insert(self._session, ScheduleSourceRow)
            .values(source=source, read_at=now)
            .on_conflict_do_update(index_elements=["source"], set_={"read_at": now})
        )
