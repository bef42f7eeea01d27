"""Schedule imports: `maeum schedule import FILE|URL`, the feeds the clock re-reads (`SCHEDULE_FEEDS`), and the
bundled sample (`SCHEDULE_SAMPLE`), each upserted by (channel, start) and matched to every watch.

An import is planned against what is stored (core/products/shopping/schedule.py), written in chunks (one
transaction each, `progress(n)` after each), and then every upcoming slot it lists is matched to every watch and
its alerts reconciled in one transaction:

- a (watch, broadcast) match without an alert gets one, due `lead` before air (or at once);
- a pending alert whose broadcast moved is moved with it; one whose watch no longer matches (the product
  changed) is withdrawn, and a withdrawn one that matches again comes back;
- the pending alerts of vanished slots are withdrawn;
- an alert sent (or dropped) is never touched: importing the same schedule again sends nothing twice.

The clock step (`ScheduleFeeds.refresh`) loads the sample on first run and again each new day (so it always covers
today and tomorrow), and re-reads each feed every `SCHEDULE_FEEDS_MINUTES`. A feed that cannot be read is logged
as an error (the operator's alert) and tried again at its next turn; the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from core.domain.values import UserId
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.products.shopping.domain import DEFAULT_LEAD_MINUTES, AlertState, Broadcast, due_at
from core.products.shopping.matcher import Matcher
from core.products.shopping.sample import SOURCE as SAMPLE_SOURCE
from core.products.shopping.sample import sample_slots
from core.products.shopping.schedule import (
    SCHEDULE_ZONE,
    BadRow,
    ParsedSchedule,
    Slot,
    coverage,
    parse_schedule,
    plan_import,
)
from core.products.shopping.sources import read_source_async, source_name

logger = logging.getLogger(__name__)

WRITE_CHUNK: Final = 500  # slots written per transaction


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    bad: tuple[BadRow, ...] = ()
    alerts: int = 0  # alerts made for new matches

    def line(self) -> str:
        return f"added {self.added}, changed {self.changed}, withdrawn {self.withdrawn}, bad {len(self.bad)}"


class ScheduleIngest:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, matcher: Matcher) -> None:
        self._uow = uow
        self._clock = clock
        self._matcher = matcher

    async def import_text(
        self, text: str, *, source: str, progress: Callable[[int], object] | None = None
    ) -> ImportReport:
        """Parse and import a schedule file's text; raises UnreadableSchedule when it is neither CSV nor JSON."""
        return await self.import_parsed(parse_schedule(text), source=source, progress=progress)

    async def import_parsed(
        self, parsed: ParsedSchedule, *, source: str, progress: Callable[[int], object] | None = None
    ) -> ImportReport:
        slots = parsed.slots
        covered = coverage(slots)
        if covered is None:
            return ImportReport(bad=parsed.bad)
        now = self._clock.now()
        async with self._uow() as uow:
            stored = await uow.broadcasts.starting_between(covered.starts, covered.ends)
        plan = plan_import(stored, slots, source=source, now=now)
        if progress is not None:
            progress(len(slots) - len(plan.inserts) - len(plan.updates))  # the unchanged ones, at once
        for start in range(0, len(plan.inserts), WRITE_CHUNK):
            part = plan.inserts[start : start + WRITE_CHUNK]
            async with self._uow() as uow:
                await uow.broadcasts.insert(part, source=source, now=now)
                await uow.commit()
            if progress is not None:
                progress(len(part))
        for start in range(0, len(plan.updates), WRITE_CHUNK):
            changes = plan.updates[start : start + WRITE_CHUNK]
            async with self._uow() as uow:
                for broadcast_id, slot in changes:
                    await uow.broadcasts.update(broadcast_id, slot, source=source, now=now)
                await uow.commit()
            if progress is not None:
                progress(len(changes))
        async with self._uow() as uow:
            await uow.broadcasts.withdraw(plan.withdraws, now=now)
            await uow.watches.withdraw_for(plan.withdraws, now=now)
            await uow.broadcasts.mark_read(source, now=now)
            await uow.commit()
        alerts = await self.match_upcoming(slots)
        return ImportReport(
            added=plan.added, changed=plan.changed, withdrawn=plan.withdrawn, bad=parsed.bad, alerts=alerts
        )

    async def match_upcoming(self, slots: Sequence[Slot]) -> int:
        """Match the upcoming broadcasts among `slots` to every watch and reconcile their alerts; how many alerts
        were made (or came back)."""
        covered = coverage(slots)
        if covered is None:
            return 0
        now = self._clock.now()
        listed = {slot.key for slot in slots}
        async with self._uow() as uow:
            broadcasts = [
                b
                for b in await uow.broadcasts.upcoming(now=now, starts_before=covered.ends)
                if (b.channel, b.starts_at) in listed
            ]
            if not broadcasts:
                return 0
            watches = await uow.watches.all()
            vectors = await self._vectors(uow, [w.key for w in watches], {w.id: w.key for w in watches})
        matched = await self._matcher.match(watches, broadcasts, vectors) if watches else {}
        owner = {w.id: w.user_id for w in watches}
        async with self._uow() as uow:
            made = await reconcile(uow, broadcasts, matched, owner, now=now)
            await uow.commit()
        return made

    async def _vectors(self, uow: UnitOfWork, keys: Sequence[str], key_of: dict[int, str]) -> dict[int, bytes]:
        """The watches' kept vectors for the model in use; watches without one (made before the model was set) are
        embedded now and kept."""
        model = self._matcher.model
        if model is None or not key_of or (await self._matcher.calibration()) is None:
            return {}
        kept = {v.watch_id: v.vector for v in await uow.watches.vectors(model)}
        missing = sorted({key_of[i] for i in key_of if i not in kept})
        if missing:
            made = await self._matcher.vectors_for(missing)
            for watch_id, key in key_of.items():
                if watch_id not in kept and key in made:
                    kept[watch_id] = made[key]
                    await uow.watches.set_vector(watch_id, model=model, vector=made[key])
            await uow.commit()
        return kept


async def reconcile(
    uow: UnitOfWork,
    broadcasts: Sequence[Broadcast],
    matched: dict[int, list[int]],
    owner: dict[int, UserId],
    *,
    now: datetime,
) -> int:
    """Bring the alerts of these upcoming broadcasts in line with the matches (module docstring)."""
    existing = await uow.watches.alerts_for([b.id for b in broadcasts])
    wanted = {broadcast_id: set(ids) for broadcast_id, ids in matched.items()}
    users = list({owner[w] for ids in matched.values() for w in ids} | {a.user_id for a in existing})
    leads = await uow.watches.leads(users)
    starts = {b.id: b.starts_at for b in broadcasts}

    def due(user_id: UserId, broadcast_id: int) -> datetime:
        return due_at(starts[broadcast_id], lead_minutes=leads.get(user_id, DEFAULT_LEAD_MINUTES), now=now)

    have = {(a.watch_id, a.broadcast_id): a for a in existing if a.watch_id is not None}
    new: list[tuple[UserId, int, int, datetime]] = []
    revived: list[tuple[int, datetime]] = []
    for broadcast_id, watch_ids in matched.items():
        for watch_id in watch_ids:
            alert = have.get((watch_id, broadcast_id))
            if alert is None:
                new.append((owner[watch_id], watch_id, broadcast_id, due(owner[watch_id], broadcast_id)))
            elif alert.state is AlertState.WITHDRAWN:
                revived.append((alert.id, due(alert.user_id, broadcast_id)))
    stale = [
        a.id
        for a in existing
        if a.state is AlertState.PENDING and (a.watch_id is None or a.watch_id not in wanted.get(a.broadcast_id, ()))
    ]
    moved = [
        (a.id, when)
        for a in existing
        if a.state is AlertState.PENDING
        and a.id not in set(stale)
        and (when := due(a.user_id, a.broadcast_id)) != a.due_at
    ]
    for alert_id, when in revived:
        await uow.watches.set_alerts([alert_id], AlertState.PENDING, due_at=when, now=now)
    await uow.watches.set_alerts(stale, AlertState.WITHDRAWN, now=now)
    await uow.watches.reschedule(moved)
    return await uow.watches.add_alerts(new, now=now) + len(revived)


class ScheduleFeeds:
    """The clock step: the sample on first run (and each new day), each configured feed every few minutes, and
    broadcasts aired more than `keep` ago deleted (with their alerts) once an hour."""

    def __init__(
        self,
        *,
        ingest: ScheduleIngest,
        uow: UnitOfWorkFactory,
        clock: Clock,
        feeds: Sequence[str],
        sample: bool,
        every: timedelta,
        keep: timedelta = timedelta(days=30),
    ) -> None:
        self._ingest = ingest
        self._uow = uow
        self._clock = clock
        self._feeds = tuple(feeds)
        self._sample = sample
        self._every = every
        self._keep = keep
        self._purged_at: datetime | None = None

    async def refresh(self) -> int:
        """Import what is due; how many sources were read."""
        await self._purge()
        read = int(await self.ensure_sample())
        for feed in self._feeds:
            name = source_name(feed)
            async with self._uow() as uow:
                last = await uow.broadcasts.read_at(name)
            now = self._clock.now()
            if last is not None and now - last < self._every:
                continue
            read += 1
            try:
                report = await self._ingest.import_text(await read_source_async(feed), source=name)
            except (OSError, ValueError) as error:  # unreadable: told once per turn, tried again at the next
                logger.error("schedule feed %s could not be read: %s", name, error)  # noqa: TRY400 — no trace needed
                async with self._uow() as uow:
                    await uow.broadcasts.mark_read(name, now=now)
                    await uow.commit()
                continue
            logger.info("schedule feed %s: %s", name, report.line())
        return read

    async def _purge(self) -> None:
        """Broadcasts aired longer ago than RETENTION_DAYS go, with their alerts (once an hour)."""
        now = self._clock.now()
        if self._purged_at is not None and now - self._purged_at < timedelta(hours=1):
            return
        async with self._uow() as uow:
            await uow.broadcasts.purge(started_before=now - self._keep)
            await uow.commit()
        self._purged_at = now

    async def ensure_sample(self) -> bool:
        """Load the sample when it is on and was not loaded today (a first /watch need not wait for the clock)."""
        if not self._sample or not await self._sample_due():
            return False
        slots = tuple(sample_slots(self._clock.now()))
        await self._ingest.import_parsed(ParsedSchedule(slots=slots), source=SAMPLE_SOURCE)
        return True

    async def _sample_due(self) -> bool:
        async with self._uow() as uow:
            last = await uow.broadcasts.read_at(SAMPLE_SOURCE)
        if last is None:
            return True
        return last.astimezone(SCHEDULE_ZONE).date() < self._clock.now().astimezone(SCHEDULE_ZONE).date()
