"""Points' part of a person's account: the ledger and the balance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from core.domain.users import User
from core.domain.values import UserId
from core.i18n import counted
from core.ports import UnitOfWork
from core.products.points.domain import PointEntry
from core.registration import AccountPart, HomeLine


async def _whole_ledger(uow: UnitOfWork, user_id: UserId) -> list[PointEntry]:
    entries: list[PointEntry] = []
    before: int | None = None
    while page := await uow.points.log(user_id, before_id=before, limit=500):
        entries.extend(page)
        before = page[-1].id
    return entries


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "points": [
            {"at": p.created_at.isoformat(), "delta": p.delta, "reason": p.reason, "balance": p.balance_after}
            for p in await _whole_ledger(uow, user.id)
        ]
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    await uow.points.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.points.fold_user(source, target)


async def home(uow: UnitOfWork, user: User, since: datetime) -> Sequence[HomeLine]:
    points = await uow.points.balance(user.id)
    return [(counted("home.part.points", points), {"points": points})]


ACCOUNT = AccountPart(
    tables=("point_ledger", "point_balances"),
    export=export,
    forget=forget,
    fold=fold,
    home=home,
)
