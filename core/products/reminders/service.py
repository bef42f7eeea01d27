"""One-off reminders: the first verb that travels the durable push road (outbox → clock → delivery)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from core.domain.outbox import NewPush, PushDocument
from core.domain.schedules import ScheduleKind, cron_time
from core.domain.time_phrases import TimePhraseRead, TimeRefusal, read_time_phrase, time_choices
from core.errors import LimitExceeded, UsageError
from core.i18n import format_moment
from core.ports import Clock, UnitOfWorkFactory
from core.products.reminders.commands import CancelReminder, ListReminders, SetReminder
from core.products.reminders.domain import MAX_TEXT, next_reminder_number, reminder_key, reminder_numbers
from core.replies import Reply
from core.usecases.choices import Choice, Choices
from core.usecases.context import Context
from core.usecases.safety_gate import SafetyGate

KIND = "reminder"
MAX_PENDING = 50
_NUMBER_TRIES = 20  # numbers taken by reminders written at the same moment


_PARTICLE: Final = re.compile(r"(?<=[가-힣\d])(?:에는|에|엔|은|는)$")


def _bare(phrase: str) -> str:
    """The time words as quoted back, without the particle that joined them to the sentence ("내일 저녁 8시에")."""
    return _PARTICLE.sub("", phrase)


class RemindersService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, gate: SafetyGate, choices: Choices | None) -> None:
        self._uow = uow
        self._clock = clock
        self._gate = gate
        self._choices = choices

    async def set(self, command: SetReminder, ctx: Context) -> None:
        now = self._clock.now()
        zone = ZoneInfo(ctx.user.timezone)
        read = read_time_phrase(command.phrase, now=now, zone=zone)
        if isinstance(read, TimeRefusal):
            if await self._gate.screen(command.phrase, ctx, source="reminder"):
                return  # crisis words come first, readable time or not
            options = time_choices(command.phrase, now=now, zone=zone)
            if options and all(o.rest for o in options) and self._choices is not None:
                await self._ask_which(read, options, ctx, zone=zone, now=now)
                return
            at = format_moment(read.due, zone=zone, locale=ctx.locale, now=now) if read.due else ""
            raise UsageError(read.key, phrase=read.phrase, at=at)
        text = read.rest
        if not text:
            raise UsageError("remind.usage")
        if len(text) > MAX_TEXT:
            raise LimitExceeded("input.too_long", limit=f"{MAX_TEXT:,}", size=f"{len(text):,}")
        if await self._gate.screen(text, ctx, source="reminder"):
            return
        async with self._uow() as uow:
            if len(await uow.outbox.pending_of(ctx.user.id, KIND)) >= MAX_PENDING:
                raise LimitExceeded("remind.too_many", limit=MAX_PENDING)
            everything = await uow.outbox.all_of(ctx.user.id, KIND)
            update = ctx.incoming.update_key
            if update is not None and any(p.document.params.get("update") == update for p in everything):
                # the same platform update handled again (after a crash): that reminder is set already
                done = next(p for p in everything if p.document.params.get("update") == update)
                number = reminder_numbers(everything, user_id=ctx.user.id).get(done.id, done.id)
                await ctx.say(
                    "remind.set",
                    at=format_moment(done.due_at, zone=zone, locale=ctx.locale, now=now),
                    text=text,
                    n=number,
                )
                return
            first = next_reminder_number(everything, user_id=ctx.user.id)
            for number in range(first, first + _NUMBER_TRIES):
                push = NewPush(
                    dedupe_key=reminder_key(ctx.user.id, number),
                    kind=KIND,
                    document=PushDocument(
                        key="remind.fire",
                        title_key="remind.title",
                        text=text,
                        params={"n": number, **({"update": update} if update else {})},
                    ),
                    due_at=read.due,
                    user_id=ctx.user.id,
                )
                if await uow.outbox.add(push, now=now):
                    break
            else:
                raise RuntimeError("no free reminder number")
            await uow.commit()
        at = format_moment(read.due, zone=zone, locale=ctx.locale, now=now)
        await ctx.say("remind.set", at=at, text=text, n=number)

    async def _ask_which(
        self,
        refused: TimeRefusal,
        options: tuple[TimePhraseRead, ...],
        ctx: Context,
        *,
        zone: ZoneInfo,
        now: datetime,
    ) -> None:
        """Words that could mean more than one exact time ("8시쯤", "내일" typed after midnight): the person picks one.
        Each button stands for the reminder at that time, written out exactly ("2026-12-05 20:00 운동")."""
        assert self._choices is not None
        choices = [
            Choice(
                label=ctx.t("remind.choose_button", at=format_moment(o.due, zone=zone, locale=ctx.locale, now=now)),
                verb="remind",
                text=f"{o.due.astimezone(zone):%Y-%m-%d %H:%M} {o.rest}",
            )
            for o in options
        ]
        buttons = await self._choices.offer(ctx, choices)
        await ctx.responder.send(
            Reply.text(ctx.t(f"remind.choose.{refused.reason.value}", phrase=_bare(refused.phrase)), buttons=buttons)
        )

    async def list(self, command: ListReminders, ctx: Context) -> None:
        async with self._uow() as uow:
            items = await uow.outbox.pending_of(ctx.user.id, KIND)
            numbers = reminder_numbers(await uow.outbox.all_of(ctx.user.id, KIND), user_id=ctx.user.id)
            nudge = await uow.schedules.get(user_id=ctx.user.id, kind=ScheduleKind.DIARY_NUDGE)
        # the daily diary nudge is a reminder too, from the person's point of view: it is listed first
        daily = [ctx.t("remind.diary_line", time="{:02d}:{:02d}".format(*cron_time(nudge[0])))] if nudge else []
        if not items and not daily:
            await ctx.say("remind.none")
            return
        zone, now = ZoneInfo(ctx.user.timezone), self._clock.now()
        lines = daily + [
            f"#{numbers.get(item.id, item.id)} · {format_moment(item.due_at, zone=zone, locale=ctx.locale, now=now)}"
            f" — {item.document.text or ''}"
            for item in items
        ]
        await ctx.say("remind.list", items="\n".join(lines))

    async def cancel(self, command: CancelReminder, ctx: Context) -> None:
        async with self._uow() as uow:
            everything = await uow.outbox.all_of(ctx.user.id, KIND)
            numbers = reminder_numbers(everything, user_id=ctx.user.id)
            pending = {item.id for item in await uow.outbox.pending_of(ctx.user.id, KIND)}
            named = [item for item in everything if numbers[item.id] == command.number]
            chosen = next((item for item in named if item.id in pending), None)
            cancelled = chosen is not None and await uow.outbox.cancel(chosen.id)
            await uow.commit()
        if chosen is None or not cancelled:  # never was, or it went out (or was cancelled) before
            await ctx.say("remind.gone" if named else "remind.no_such", n=command.number)
            return
        await ctx.say("remind.cancelled", text=chosen.document.text or "")
