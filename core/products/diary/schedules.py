"""Recurring pushes: `/remind diary HH:MM` (a daily nudge to write) and the Monday weekly digest.

The clock calls `materialize_due` every few seconds: each due occurrence becomes one outbox row, deduplicated by
user, kind and local day or ISO week (so neither a repeated step nor a repeated hour sends anything twice), and
the schedule moves to its next occurrence in the user's current time zone, in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.outbox import NewPush, PushDocument
from core.domain.schedules import (
    WEEKLY_DIGEST_CRON,
    DueSchedule,
    ScheduleKind,
    catch_up,
    cron_time,
    daily_cron,
    next_occurrence,
    occurrence_key,
)
from core.domain.values import UserId
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.products.diary.commands import SetDiaryNudge, ShowDiaryNudge
from core.usecases.context import Context

logger = logging.getLogger(__name__)

BATCH = 100

# What the digest says is worked out when it is due (the week just ended), by the stats use case.
DigestWriter = Callable[[UnitOfWork, DueSchedule, datetime], Awaitable[PushDocument | None]]


class SchedulesService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, digest: DigestWriter) -> None:
        self._uow = uow
        self._clock = clock
        self._digest = digest

    async def show_diary_nudge(self, command: ShowDiaryNudge, ctx: Context) -> None:
        async with self._uow() as uow:
            found = await uow.schedules.get(user_id=ctx.user.id, kind=ScheduleKind.DIARY_NUDGE)
        if found is None:
            await ctx.say("remind.diary_none")
            return
        cron, next_at = found
        hour, minute = cron_time(cron)
        local = next_at.astimezone(ZoneInfo(ctx.user.timezone))
        await ctx.say("remind.diary_current", time=f"{hour:02d}:{minute:02d}", next=local.strftime("%m-%d %H:%M"))

    async def set_diary_nudge(self, command: SetDiaryNudge, ctx: Context) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            if command.hour is None:
                removed = await uow.schedules.remove(user_id=ctx.user.id, kind=ScheduleKind.DIARY_NUDGE)
                await uow.commit()
                await ctx.say("remind.diary_off" if removed else "remind.diary_none")
                return
            cron = daily_cron(command.hour, command.minute)
            first = next_occurrence(cron, after=now, timezone=ctx.user.timezone)
            await uow.schedules.put(
                user_id=ctx.user.id, kind=ScheduleKind.DIARY_NUDGE, cron=cron, next_at=first, now=now
            )
            await uow.commit()
        local = first.astimezone(ZoneInfo(ctx.user.timezone))
        await ctx.say(
            "remind.diary_set", time=f"{command.hour:02d}:{command.minute:02d}", first=local.strftime("%m-%d %H:%M")
        )

    @staticmethod
    async def _nudge(uow: UnitOfWork, schedule: DueSchedule, now: datetime) -> PushDocument | None:
        """The nightly nudge, unless the person has written today already (in their zone)."""
        today = now.astimezone(ZoneInfo(schedule.timezone)).date()
        if today in await uow.diary.days(schedule.user_id, since=today):
            return None
        return PushDocument(key="remind.diary_push", title_key="remind.diary_title")

    @staticmethod
    async def ensure_weekly_digest(uow: UnitOfWork, user_id: UserId, timezone: str, now: datetime) -> None:
        """Everyone who keeps a diary gets the Monday digest (created with their first entry)."""
        await uow.schedules.ensure(
            user_id=user_id,
            kind=ScheduleKind.WEEKLY_DIGEST,
            cron=WEEKLY_DIGEST_CRON,
            next_at=next_occurrence(WEEKLY_DIGEST_CRON, after=now, timezone=timezone),
            now=now,
        )

    async def materialize_due(self) -> int:
        """Turn due occurrences into outbox rows; returns how many pushes were written."""
        written = 0
        while True:
            now = self._clock.now()
            async with self._uow() as uow:
                due = await uow.schedules.due(now=now, limit=BATCH)
            for schedule in due:
                written += await self._materialize(schedule, now)
            if len(due) < BATCH:
                return written

    async def _materialize(self, schedule: DueSchedule, now: datetime) -> int:
        async with self._uow() as uow:
            document = (
                await self._nudge(uow, schedule, now)
                if schedule.kind is ScheduleKind.DIARY_NUDGE
                else await self._digest(uow, schedule, now)
            )
            added = False
            if document is not None:
                added = await uow.outbox.add(
                    NewPush(
                        dedupe_key=occurrence_key(schedule),
                        kind="nudge" if schedule.kind is ScheduleKind.DIARY_NUDGE else "digest",
                        document=document,
                        due_at=now,
                        user_id=schedule.user_id,
                    ),
                    now=now,
                )
            following = catch_up(schedule.cron, due=schedule.next_at, now=now, timezone=schedule.timezone)
            if not await uow.schedules.advance(schedule.id, from_=schedule.next_at, to=following):
                return 0  # another clock step moved it on first; its push (same dedupe key) stands
            await uow.commit()
        return 1 if added else 0
