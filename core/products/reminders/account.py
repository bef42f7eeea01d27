"""Reminders' part of a person's account: the reminders themselves live in the outbox (the account's table);
this adds them to the export and the home summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from core.domain.users import User
from core.i18n import counted
from core.ports import UnitOfWork
from core.products.reminders.service import KIND
from core.registration import AccountPart, HomeLine


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    return {
        "reminders": [
            {"text": p.document.text, "due_at": p.due_at.isoformat(), "state": p.state.value}
            for p in await uow.outbox.all_of(user.id, KIND)
        ]
    }


async def home(uow: UnitOfWork, user: User, since: datetime) -> Sequence[HomeLine]:
    reminders = len(await uow.outbox.pending_of(user.id, KIND))
    return [(counted("home.part.reminders", reminders), {"reminders": reminders})]


ACCOUNT = AccountPart(export=export, home=home)
