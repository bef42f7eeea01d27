"""Broadcast alerts' part of a person's account: their watches, their lead, and the alerts made for them (with the
broadcast each was about). The schedule itself is nobody's data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.ports import UnitOfWork
from core.products.shopping.domain import AlertState
from core.registration import AccountPart, HomeLine


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    watches = await uow.watches.of_user(user.id)
    alerts = await uow.watches.alerts_of(user.id)
    broadcasts = {b.id: b for b in await uow.broadcasts.get_many([a.broadcast_id for a in alerts])}
    numbers = {w.id: w.number for w in watches}
    return {
        "watches": [{"number": w.number, "text": w.text, "created_at": w.created_at.isoformat()} for w in watches],
        "watch_lead_minutes": await uow.watches.lead_minutes(user.id),
        "watch_alerts": [
            {
                "watch": numbers.get(a.watch_id) if a.watch_id is not None else None,
                "channel": b.channel,
                "starts_at": b.starts_at.isoformat(),
                "product": b.product,
                "due_at": a.due_at.isoformat(),
                "state": a.state.value,
            }
            for a in alerts
            if (b := broadcasts.get(a.broadcast_id)) is not None
        ],
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    await uow.watches.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.watches.fold_user(source, target)


async def home(uow: UnitOfWork, user: User, since: datetime) -> Sequence[HomeLine]:
    watches = await uow.watches.of_user(user.id)
    if not watches:
        return []
    waiting = await uow.watches.alerts_of(user.id, states=[AlertState.PENDING])
    return [("home.part.watches", {"watches": len(watches), "alerts": len(waiting)})]


ACCOUNT = AccountPart(
    tables=("watches", "watch_settings", "watch_alerts"), export=export, forget=forget, fold=fold, home=home
)
