"""Broadcast alerts' use cases: `/watch`, `/watches`, `/unwatch`, `/watch lead`, and the clock step that sends due
alerts, grouped per person into one push.

A new watch is matched at once against every upcoming broadcast: the reply lists the soonest, and each match gets
its alert (due `lead` before air). The alert step runs on the leading clock every few seconds: it takes the due
alerts, drops those whose broadcast has started, moves those of a person in quiet hours to the end of them, and
writes one push per person with every remaining broadcast (channel, time, product, price, link) — a broadcast two
of their watches matched, or one they were already told about, is in it once or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.time_phrases import read_duration
from core.domain.users import User
from core.domain.values import UserId
from core.errors import LimitExceeded, UsageError
from core.i18n import Catalog, format_moment
from core.ports import Clock, UnitOfWorkFactory
from core.products.shopping.commands import ListWatches, SetWatchLead, Unwatch, WatchProduct
from core.products.shopping.domain import (
    MAX_WATCH_TEXT,
    MAX_WATCHES,
    SHOWN_MATCHES,
    AlertState,
    Broadcast,
    DueAlert,
    Watch,
    clean_watch_text,
    due_at,
    lead_from,
    price_text,
)
from core.products.shopping.matcher import Matcher
from core.products.shopping.matching import watch_term
from core.replies import Reply
from core.usecases.context import Context
from core.usecases.safety_gate import SafetyGate

DUE_BATCH = 2000  # due alerts taken per clock step


def alert_key(user_id: UserId, first_alert_id: int) -> str:
    return f"watch-alert:{user_id}:{first_alert_id}"


def _quoted(text: str) -> str:
    return f"‘{text}’"


class WatchesService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        gate: SafetyGate,
        matcher: Matcher,
        prepare: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._gate = gate
        self._matcher = matcher
        self._prepare = prepare  # the bundled sample, so a first /watch need not wait for the clock to load it

    def _line(self, broadcast: Broadcast, ctx: Context) -> str:
        price = price_text(broadcast.price, ctx.locale)
        return ctx.t(
            "watch.line",
            at=format_moment(
                broadcast.starts_at, zone=ZoneInfo(ctx.user.timezone), locale=ctx.locale, now=self._clock.now()
            ),
            channel=broadcast.channel,
            product=broadcast.product,
            price=f" · {price}" if price else "",
        )

    async def watch(self, command: WatchProduct, ctx: Context) -> None:
        text = clean_watch_text(command.text)
        if len(text) > MAX_WATCH_TEXT:
            raise UsageError("watch.too_long", limit=MAX_WATCH_TEXT)
        term = watch_term(text)
        if term is None:
            raise UsageError("watch.no_words")
        if await self._gate.screen(text, ctx, source="watch"):
            return
        if self._prepare is not None:
            await self._prepare()
        now = self._clock.now()
        async with self._uow() as uow:
            mine = await uow.watches.of_user(ctx.user.id)
            lead = await uow.watches.lead_minutes(ctx.user.id)
            upcoming = await uow.broadcasts.upcoming(now=now)
        same = next((w for w in mine if w.key == term.key), None)
        if same is not None:
            await ctx.say("watch.already", what=_quoted(same.text), n=same.number)
            return
        if len(mine) >= MAX_WATCHES:
            raise LimitExceeded("watch.too_many", limit=MAX_WATCHES)
        vector = await self._matcher.watch_vector(term.key)  # the model runs outside any transaction
        probe = Watch(id=0, user_id=ctx.user.id, number=0, text=text, key=term.key, created_at=now)
        matched = await self._matcher.match([probe], upcoming, {0: vector} if vector else None)
        found = sorted((b for b in upcoming if b.id in matched), key=lambda b: (b.starts_at, b.channel))
        async with self._uow() as uow:
            mine = await uow.watches.of_user(ctx.user.id)  # again: another message may have added one meanwhile
            same = next((w for w in mine if w.key == term.key), None)
            if same is not None:
                await ctx.say("watch.already", what=_quoted(same.text), n=same.number)
                return
            if len(mine) >= MAX_WATCHES:
                raise LimitExceeded("watch.too_many", limit=MAX_WATCHES)
            watch = await uow.watches.add(ctx.user.id, text=text, key=term.key, now=now)
            if vector is not None and self._matcher.model is not None:
                await uow.watches.set_vector(watch.id, model=self._matcher.model, vector=vector)
            await uow.watches.add_alerts(
                [(ctx.user.id, watch.id, b.id, due_at(b.starts_at, lead_minutes=lead, now=now)) for b in found],
                now=now,
            )
            await uow.commit()
        body = ctx.t("watch.added", what=_quoted(text), n=watch.number, lead=lead)
        if found:
            lines = [self._line(b, ctx) for b in found[:SHOWN_MATCHES]]
            if len(found) > SHOWN_MATCHES:
                lines.append(ctx.t("watch.upcoming_more", more=len(found) - SHOWN_MATCHES))
            body += "\n\n" + ctx.t("watch.upcoming", items="\n".join(lines))
        else:
            body += "\n" + ctx.t("watch.none_yet")
        await ctx.responder.send(Reply.text(body))

    async def list(self, command: ListWatches, ctx: Context) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            mine = await uow.watches.of_user(ctx.user.id)
            lead = await uow.watches.lead_minutes(ctx.user.id)
            pending = await uow.watches.alerts_of(ctx.user.id, states=[AlertState.PENDING])
            broadcasts = {b.id: b for b in await uow.broadcasts.get_many([a.broadcast_id for a in pending])}
        if not mine:
            await ctx.say("watch.none")
            return
        soonest: dict[int, Broadcast] = {}
        for alert in pending:
            broadcast = broadcasts.get(alert.broadcast_id)
            if alert.watch_id is None or broadcast is None or broadcast.starts_at <= now:
                continue
            if alert.watch_id not in soonest or broadcast.starts_at < soonest[alert.watch_id].starts_at:
                soonest[alert.watch_id] = broadcast
        zone = ZoneInfo(ctx.user.timezone)
        lines = []
        for watch in mine:
            nearest = soonest.get(watch.id)
            if nearest is None:
                lines.append(ctx.t("watch.list_line", n=watch.number, text=watch.text))
            else:
                at = format_moment(nearest.starts_at, zone=zone, locale=ctx.locale, now=now)
                lines.append(
                    ctx.t("watch.list_line_next", n=watch.number, text=watch.text, at=at, channel=nearest.channel)
                )
        await ctx.say("watch.list", items="\n".join(lines), lead=lead, count=len(mine), limit=MAX_WATCHES)

    async def unwatch(self, command: Unwatch, ctx: Context) -> None:
        async with self._uow() as uow:
            removed = await uow.watches.remove(ctx.user.id, command.number)
            await uow.commit()
        if removed is None:
            raise UsageError("watch.no_such", n=command.number)
        await ctx.say("watch.removed", what=_quoted(removed.text), n=removed.number)

    async def set_lead(self, command: SetWatchLead, ctx: Context) -> None:
        minutes = lead_from(read_duration(command.length))
        if minutes is None:
            raise UsageError("watch.lead_usage")
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.watches.set_lead(ctx.user.id, minutes, now=now)
            pending = await uow.watches.alerts_of(ctx.user.id, states=[AlertState.PENDING])
            starts = {b.id: b.starts_at for b in await uow.broadcasts.get_many([a.broadcast_id for a in pending])}
            await uow.watches.reschedule(
                [
                    (a.id, due_at(starts[a.broadcast_id], lead_minutes=minutes, now=now))
                    for a in pending
                    if a.broadcast_id in starts
                ]
            )
            await uow.commit()
        await ctx.say("watch.lead_set", minutes=minutes)


class AlertSender:
    """The clock step that turns due alerts into one push per person (module docstring)."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, catalog: Catalog) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog

    def _lines(self, user: User, due: Sequence[DueAlert], now: datetime) -> str:
        locale, zone = user.locale, ZoneInfo(user.timezone)
        words: dict[int, list[str]] = defaultdict(list)
        for item in sorted(due, key=lambda d: d.alert.watch_id or 0):  # the watches in the order they were made
            if item.watch_text and item.watch_text not in words[item.broadcast.id]:
                words[item.broadcast.id].append(item.watch_text)
        broadcasts = sorted({d.broadcast.id: d.broadcast for d in due}.values(), key=lambda b: (b.starts_at, b.id))
        lines = []
        for b in broadcasts:
            price = price_text(b.price, locale)
            minutes = max(1, round((b.starts_at - now).total_seconds() / 60))
            lines.append(
                self._catalog.text(
                    locale,
                    "watch.alert_line",
                    channel=b.channel,
                    at=format_moment(b.starts_at, zone=zone, locale=locale, now=now),
                    minutes=minutes,
                    product=b.product,
                    price=f" · {price}" if price else "",
                    watch=", ".join(words[b.id]) or "—",
                    link=f"\n🔗 {b.url}" if b.url else "",
                )
            )
        return "\n\n".join(lines)

    async def send_due(self) -> int:
        """Write the pushes for the alerts due now; how many pushes (people)."""
        now = self._clock.now()
        pushes = 0
        async with self._uow() as uow:
            due = await uow.watches.due(now=now, limit=DUE_BATCH)
            if not due:
                return 0
            by_user: dict[UserId, list[DueAlert]] = defaultdict(list)
            for item in due:
                by_user[item.alert.user_id].append(item)
            people = await uow.watches.recipients(list(by_user))
            told = await uow.watches.told(list(by_user), [i.broadcast.id for i in due])
            withdrawn: list[int] = []
            dropped: list[int] = []
            sent: list[int] = []
            waiting: dict[datetime, list[int]] = defaultdict(list)
            for user_id, taken in by_user.items():
                items = []
                for item in taken:
                    if item.broadcast.withdrawn:
                        withdrawn.append(item.alert.id)
                    elif item.broadcast.starts_at <= now:
                        dropped.append(item.alert.id)  # too late: never an alert for a broadcast on air
                    else:
                        items.append(item)
                user = people.get(user_id)
                if user is None or not items:
                    continue
                quiet_until = user.quiet_hours.ends_after(now, user.timezone) if user.quiet_hours else None
                if quiet_until is not None:  # they wait for the end; the step then drops those started by then
                    waiting[quiet_until] += [i.alert.id for i in items]
                    continue
                fresh = [i for i in items if (user_id, i.broadcast.id) not in told]
                if fresh and await uow.outbox.add(
                    self._push(user, fresh, first=min(i.alert.id for i in items)), now=now
                ):
                    pushes += 1
                sent += [i.alert.id for i in items]
            await uow.watches.set_alerts(withdrawn, AlertState.WITHDRAWN, now=now)
            await uow.watches.set_alerts(dropped, AlertState.DROPPED, now=now)
            await uow.watches.set_alerts(sent, AlertState.SENT, now=now)
            for until, ids in waiting.items():
                await uow.watches.set_alerts(ids, AlertState.PENDING, due_at=until, now=now)
            await uow.commit()
        return pushes

    def _push(self, user: User, items: Sequence[DueAlert], *, first: int) -> NewPush:
        now = self._clock.now()
        document = PushDocument(
            key="watch.alert",
            title_key="watch.alert_title",
            params={"items": self._lines(user, items, now), "count": len({i.broadcast.id for i in items})},
        )
        return NewPush(
            dedupe_key=alert_key(user.id, first), kind=PushKind.ALERT, document=document, due_at=now, user_id=user.id
        )
