"""One-off reminders: the first verb that travels the durable push road (outbox → clock → delivery)."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from core.domain.outbox import NewPush, PushDocument
from core.errors import LimitExceeded, UsageError
from core.ports import Clock, UnitOfWorkFactory
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.products.reminders.domain import MAX_TEXT, parse_when
from core.usecases.context import Context
from core.usecases.safety_gate import SafetyGate

KIND = "reminder"
MAX_PENDING = 50


class RemindersService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, gate: SafetyGate) -> None:
        self._uow = uow
        self._clock = clock
        self._gate = gate

    async def set(self, command: SetReminder, ctx: Context) -> None:
        now = self._clock.now()
        zone = ZoneInfo(ctx.user.timezone)
        due = parse_when(command.when, now=now, zone=zone)
        if due is None:
            raise UsageError("remind.usage")
        if len(command.text) > MAX_TEXT:
            raise LimitExceeded("input.too_long", limit=f"{MAX_TEXT:,}", size=f"{len(command.text):,}")
        if await self._gate.screen(command.text, ctx, source="reminder"):
            return
        async with self._uow() as uow:
            if len(await uow.outbox.pending_of(ctx.user.id, KIND)) >= MAX_PENDING:
                raise LimitExceeded("remind.too_many", limit=MAX_PENDING)
            await uow.outbox.add(
                NewPush(
                    # keyed by the platform update when known: the same /remind handled again sets one reminder
                    dedupe_key=f"remind:{ctx.user.id}:{ctx.incoming.update_key or uuid.uuid4().hex}",
                    kind=KIND,
                    document=PushDocument(key="remind.fire", title_key="remind.title", text=command.text),
                    due_at=due,
                    user_id=ctx.user.id,
                ),
                now=now,
            )
            await uow.commit()
        local = due.astimezone(zone)
        await ctx.say("remind.set", at=local.strftime("%m-%d %H:%M"), text=command.text)

    async def list(self, command: ListReminders, ctx: Context) -> None:
        async with self._uow() as uow:
            items = await uow.outbox.pending_of(ctx.user.id, KIND)
        if not items:
            await ctx.say("remind.none")
            return
        zone = ZoneInfo(ctx.user.timezone)
        lines = [
            f"{n}. {item.due_at.astimezone(zone).strftime('%m-%d %H:%M')} — {item.document.text or ''}"
            for n, item in enumerate(items, start=1)
        ]
        await ctx.say("remind.list", items="\n".join(lines))

    async def cancel(self, command: CancelReminder, ctx: Context) -> None:
        async with self._uow() as uow:
            items = await uow.outbox.pending_of(ctx.user.id, KIND)
            if command.position > len(items):
                await ctx.say("remind.no_such", position=command.position)
                return
            item = items[command.position - 1]
            cancelled = await uow.outbox.cancel(item.id)
            await uow.commit()
        if not cancelled:  # it went out in the meantime
            await ctx.say("remind.no_such", position=command.position)
            return
        await ctx.say("remind.cancelled", text=item.document.text or "")
