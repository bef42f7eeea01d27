"""The diary's part of a person's account: entries (with comments on them), comments written, entries held
for consent, and the nudge and digest schedules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.schedules import ScheduleKind
from core.domain.users import User
from core.domain.values import UserId
from core.i18n import counted
from core.ports import UnitOfWork
from core.products.diary.domain import pushes_written_by
from core.registration import AccountPart, HomeLine


async def export(uow: UnitOfWork, user: User) -> Mapping[str, Any]:
    comments_written, _ = await uow.diary.written_by(user.id)
    return {
        "diary": [
            {
                "number": e.number,
                "day": e.local_date.isoformat(),
                "at": e.created_at.isoformat(),
                "text": e.text,
                "emotion": e.emotion.value,
                "intensity": e.intensity,
                "visibility": e.visibility.value,
                "ai_comment": e.comment,
                "comments": [
                    {"by": c.author_name, "text": c.text, "at": c.created_at.isoformat()}
                    for c in await uow.diary.comments(e.id, limit=1_000)
                ],
            }
            for e in await uow.diary.entries_of(user.id)
        ],
        "diary_awaiting_consent": [
            {"text": text, "at": at.isoformat()} for text, at in await uow.diary.pending_of(user.id)
        ],
        "comments_written": [{"text": n.text, "at": n.created_at.isoformat()} for n in comments_written],
        "schedules": [
            {"kind": kind.value, "cron": found[0], "next_at": found[1].isoformat()}
            for kind in ScheduleKind
            if (found := await uow.schedules.get(user_id=user.id, kind=kind)) is not None
        ],
    }


async def forget(uow: UnitOfWork, user_id: UserId) -> None:
    for prefix in pushes_written_by(user_id):  # copies of what they wrote, in friends' notices
        await uow.outbox.withdraw(prefix)
    await uow.diary.forget_user(user_id)
    await uow.schedules.forget_user(user_id)


async def fold(uow: UnitOfWork, source: UserId, target: UserId) -> None:
    await uow.diary.fold_user(source, target)
    await uow.schedules.fold_user(source, target)


async def home(uow: UnitOfWork, user: User, since: datetime) -> Sequence[HomeLine]:
    zone = ZoneInfo(user.timezone)
    first, last = since.astimezone(zone).date(), (since + timedelta(days=6)).astimezone(zone).date()
    entries = len(await uow.diary.moods_between(user.id, first, last))
    return [(counted("home.part.diary", entries), {"entries": entries})]


ACCOUNT = AccountPart(
    tables=("diary_entries", "diary_comments", "pending_diary_entries", "schedules"),
    export=export,
    forget=forget,
    fold=fold,
    home=home,
)
