"""Delivering due pushes in batches: take a job's rows in one transaction under a short lease, render each in its
recipient's current language, send several at once inside the platform's pace (buckets shared in Redis), and record
what happened in one transaction per group of outcomes.

A send holds its place among the `concurrency` sends in flight until its outcome is committed, so a worker killed
at any instant leaves at most `concurrency` rows sent but not recorded: those, and only those, can go twice when
their lease runs out. Everything else it held is still `sending` under the lease and goes again, once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.domain.outbox import MAX_ATTEMPTS, SEND_LEASE, PushItem, PushOutcome, PushState, retry_delay
from core.domain.pacing import BROADCAST_KINDS, pacing_keys
from core.domain.quiet_hours import HELD_FOR_QUIET_HOURS, WAITING_KINDS
from core.domain.users import Identity, User
from core.domain.values import Locale, UserId, locale_from_platform
from core.i18n import Catalog
from core.ports import (
    AddressingMessenger,
    Clock,
    Messenger,
    Metrics,
    Pacer,
    Recipient,
    RecipientUnreachable,
    RetryLater,
    UnitOfWork,
    UnitOfWorkFactory,
)
from core.replies import Button, Reply, Section

logger = logging.getLogger(__name__)

MAX_PACING_WAIT_SECONDS = 20.0  # longer than this and the row goes back to wait its turn in the table
DEFAULT_CONCURRENCY = 20  # sends in flight per batch

Target = tuple[Recipient, Locale, datetime | None]  # where, in which language, quiet until


@dataclass(frozen=True, kw_only=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unreachable: int = 0
    skipped: int = 0  # another worker had it, or it was final already


class _Recorder:
    """Outcomes waiting to be committed. One writer at a time commits every outcome gathered so far in one
    transaction and releases all their senders at once, so groups grow with the load (one transaction per send when
    sends are slow and few, dozens of outcomes per transaction at full speed)."""

    def __init__(self, uow: UnitOfWorkFactory, open_ids: set[int]) -> None:
        self._uow = uow
        self._open = open_ids  # taken and not yet recorded: the rows whose lease the batch keeps alive
        self._waiting: list[PushOutcome] = []
        self._committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._writer: asyncio.Task[None] | None = None
        self._failed: BaseException | None = None

    async def record(self, outcome: PushOutcome) -> None:
        """Returns once `outcome` is committed; raises when it could not be."""
        if self._failed is not None:
            raise RuntimeError("recording outcomes failed earlier in this batch") from self._failed
        self._waiting.append(outcome)
        committed = self._committed
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await committed

    async def _write(self) -> None:
        await asyncio.sleep(0)  # sends finishing in this same turn of the loop join the group
        while self._waiting:
            group, self._waiting = self._waiting, []
            committed, self._committed = self._committed, asyncio.get_running_loop().create_future()
            try:
                async with self._uow() as uow:
                    await uow.outbox.record(group)
                    await uow.commit()
            except Exception as error:  # noqa: BLE001 — handed to every waiting sender; the rows stay `sending`,
                # sent again after their lease, as after a crash
                self._failed = error
                committed.set_exception(error)
                if self._waiting:
                    self._committed.set_exception(error)
                    self._waiting = []
                return
            self._open.difference_update(o.id for o in group)
            committed.set_result(None)


class DeliveryService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        messengers: Mapping[str, Messenger],
        pacer: Pacer,
        catalog: Catalog,
        metrics: Metrics,
        rate_overrides: Mapping[str, float] | None = None,
        lease: timedelta = SEND_LEASE,
        concurrency: int = DEFAULT_CONCURRENCY,
        paid_broadcast: Collection[str] = (),
    ) -> None:
        """`paid_broadcast`: platforms whose broadcasts go as paid broadcasts (Telegram, TELEGRAM_PAID_BROADCAST)."""
        self._concurrency = max(1, concurrency)
        self._paid_broadcast = frozenset(paid_broadcast)
        self._metrics = metrics
        self._lease = lease
        self._uow = uow
        self._clock = clock
        self._messengers = messengers
        self._pacer = pacer
        self._catalog = catalog
        self._rate_overrides = dict(rate_overrides or {})

    async def deliver(self, ids: Sequence[int], job_id: str | None = None) -> DeliveryReport:
        """Deliver a batch. Safe to run twice, or beside another worker with the same rows: each row is taken once.

        `job_id` is kept for the queue's bookkeeping; the rows' own lease now says that the batch is alive."""
        del job_id
        now = self._clock.now()
        async with self._uow() as uow:
            items = await uow.outbox.take_batch(ids, now=now, lease_until=now + self._lease)
            targets = await self._addresses(uow, items)
            await uow.commit()
        counts: Counter[str] = Counter(skipped=len(set(ids)) - len(items))
        if items:
            open_ids = {item.id for item in items}
            recorder = _Recorder(self._uow, open_ids)
            in_flight = asyncio.Semaphore(self._concurrency)
            sent_by_platform: Counter[str] = Counter()

            # Pushes of this batch to one chat go one after another: each takes its slot of the chat's pace (one a
            # second, or 20 a minute in a Telegram group) only when the one before it has gone, so none reserves a
            # slot far ahead only to give it up — which would push the chat's bucket further out for everyone.
            chats: dict[str, asyncio.Lock] = {}

            async def one(item: PushItem) -> None:
                target = targets.get(item.id)
                chat = f"{target[0].platform}:{target[0].chat_id or target[0].user_external_id}" if target else ""
                turn = chats.setdefault(chat, asyncio.Lock()) if chat else contextlib.nullcontext()
                # the place among the sends in flight is held until the outcome is committed (module docstring)
                async with turn, in_flight:
                    outcome, platform = await self._attempt(item, target)
                    await recorder.record(outcome)
                counts[_kind_of(outcome)] += 1
                if outcome.state is PushState.SENT and platform:
                    sent_by_platform[platform] += 1

            keeper = asyncio.create_task(self._keep_leases(open_ids))
            try:
                async with asyncio.TaskGroup() as sends:  # one failing (the database gone) stops the others
                    for item in items:
                        sends.create_task(one(item))
            finally:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
            for platform, amount in sent_by_platform.items():
                await self._metrics.count("messages_out", platform, amount)
        for outcome_name, amount in counts.items():
            if amount:
                await self._metrics.count("deliveries", outcome_name, amount)
        return DeliveryReport(**{name: counts[name] for name in ("sent", "retried", "dead", "unreachable", "skipped")})

    async def _keep_leases(self, open_ids: set[int]) -> None:
        """Every quarter of a lease, the rows still being sent get a fresh one: the clock can tell a slow batch
        (paced, or a platform answering slowly) from one whose worker died."""
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 4)
            if not open_ids:
                continue
            now = self._clock.now()
            try:
                async with self._uow() as uow:
                    await uow.outbox.extend_leases(sorted(open_ids), lease_until=now + self._lease)
                    await uow.commit()
            except Exception:
                logger.warning("could not extend the leases of %s pushes", len(open_ids), exc_info=True)

    async def _attempt(self, item: PushItem, target: Target | None) -> tuple[PushOutcome, str | None]:
        """Decide, wait for the pace and send one push; what became of it (not yet recorded) and its platform."""
        messenger = self._messengers.get(target[0].platform) if target else None
        if target is None or messenger is None:
            reason = "no platform identity" if target is None else f"no messenger for {target[0].platform}"
            return self._final(item, PushState.UNREACHABLE, error=reason), None
        recipient, locale, quiet_until = target
        if quiet_until is not None and item.kind in WAITING_KINDS:
            return self._retry(item, at=quiet_until, error=HELD_FOR_QUIET_HOURS, count_attempt=False), None
        if recipient.platform in self._paid_broadcast and item.kind in BROADCAST_KINDS:
            recipient = replace(recipient, paid_broadcast=True)
        if isinstance(messenger, AddressingMessenger):
            try:  # before the pace: the paced call is the message itself, not a lookup of variable length before it
                recipient = await messenger.address(recipient)
            except Exception as error:  # noqa: BLE001 — every failure has its outcome, as a send's has
                return await self._failed(item, error, self._pacing_keys(recipient)), None
        keys = self._pacing_keys(recipient)
        if not await self._wait_for_pace(keys):
            return self._retry(item, after=1.0, error="pacing", count_attempt=False), None
        try:
            message_id = await messenger.push(recipient, self._render(item, locale), idempotency_key=item.dedupe_key)
        except Exception as error:  # noqa: BLE001 — every failure has its outcome (retried, unreachable or dead)
            return await self._failed(item, error, keys), None
        return self._final(item, PushState.SENT, message_id=message_id), recipient.platform

    async def _failed(self, item: PushItem, failure: Exception, keys: list[tuple[str, float, float]]) -> PushOutcome:
        try:
            raise failure
        except RetryLater as signal:
            if keys:
                await self._pacer.hold_off(keys[0][0], signal.after)
            return self._retry(item, after=signal.after, error=f"retry later: {signal.reason}", count_attempt=False)
        except RecipientUnreachable as error:
            logger.info("push %s: recipient unreachable (%s)", item.id, type(error).__name__)
            return self._final(item, PushState.UNREACHABLE, error=str(error)[:200] or "unreachable")
        except Exception as error:  # any platform failure: retried, then dead-lettered (logged with its trace)
            reason = type(error).__name__
            if item.attempts < MAX_ATTEMPTS:
                return self._retry(item, after=retry_delay(item.attempts).total_seconds(), error=reason)
            logger.exception("dead letter: push %s (%s) failed %s times", item.id, item.kind, item.attempts)
            return self._final(item, PushState.DEAD, error=reason)

    def _final(
        self, item: PushItem, state: PushState, *, message_id: str | None = None, error: str | None = None
    ) -> PushOutcome:
        return PushOutcome(id=item.id, state=state, at=self._clock.now(), message_id=message_id, error=error)

    def _retry(
        self,
        item: PushItem,
        *,
        error: str,
        after: float = 0.0,
        at: datetime | None = None,
        count_attempt: bool = True,
    ) -> PushOutcome:
        now = self._clock.now()
        return PushOutcome(
            id=item.id,
            state=PushState.PENDING,
            at=now,
            error=error,
            retry_at=at or now + timedelta(seconds=after),
            # a rate limit or a wait is not the recipient's fault: it does not use up an attempt
            attempts=item.attempts if count_attempt else item.attempts - 1,
        )

    async def _addresses(self, work: UnitOfWork, items: Sequence[PushItem]) -> dict[int, Target]:
        """Where each push goes, in which language, and until when it must wait (the recipient's quiet hours): two
        queries for the whole batch."""
        user_ids = sorted({UserId(item.user_id) for item in items if item.user_id is not None})
        users = await work.users.get_many(user_ids) if user_ids else {}
        identities = await work.users.identities_of_many(list(users)) if users else {}
        found = {}
        for item in items:
            target = self._address(item, users, identities)
            if target is not None:
                found[item.id] = target
        return found

    def _address(
        self, item: PushItem, users: Mapping[UserId, User], identities: Mapping[UserId, list[Identity]]
    ) -> Target | None:
        if item.user_id is None:
            if item.platform is None or item.chat_id is None:
                return None
            locale = locale_from_platform(item.document.locale)  # the group's own, else the default
            return Recipient(platform=item.platform, chat_id=item.chat_id), locale, None
        user = users.get(UserId(item.user_id))
        held = identities.get(UserId(item.user_id), []) if user else []
        if user is None or not held:
            return None
        if item.identity_id is not None:  # meant for one linked account ("an account was linked to this one")
            held = [i for i in held if i.id == item.identity_id]
            if not held:
                return None  # that account was unlinked or forgotten since: the notice is not for the others
        # otherwise the account they last wrote from, or chose (/link primary); the newest when that is gone
        identity = next((i for i in held if i.id == user.push_identity_id), held[-1])
        recipient = Recipient(
            platform=identity.platform, user_external_id=identity.external_id, display_name=identity.display_name
        )
        quiet = user.quiet_hours.ends_after(self._clock.now(), user.timezone) if user.quiet_hours else None
        return recipient, user.locale, quiet

    def _render(self, item: PushItem, locale: Locale) -> Reply:
        document = item.document
        params = dict(document.params)
        for name, value in document.params.items():  # "platform_key": "platform.discord" → {platform}, translated
            if name.endswith("_key") and isinstance(value, str):
                params[name.removesuffix("_key")] = self._catalog.text(locale, value)
        if document.text is not None:
            params["text"] = document.text
        title = self._catalog.text(locale, document.title_key) if document.title_key else None
        buttons = tuple(
            Button(label=self._catalog.text(locale, button.label_key), action=button.action)
            for button in document.buttons
        )
        body = self._catalog.text(locale, document.key, **params)
        return Reply(sections=(Section(title=title, body=body, buttons=buttons),))

    def _pacing_keys(self, recipient: Recipient) -> list[tuple[str, float, float]]:
        return pacing_keys(
            platform=recipient.platform,
            chat=recipient.chat_id or recipient.user_external_id or "",
            group=recipient.chat_id is not None,
            overrides=self._rate_overrides,
            paid=recipient.paid_broadcast,
        )

    async def _wait_for_pace(self, keys: list[tuple[str, float, float]]) -> bool:
        if not keys:
            return True
        loop = asyncio.get_running_loop()
        asked = loop.time()
        wait = await self._pacer.reserve(keys)
        if wait > MAX_PACING_WAIT_SECONDS:
            return False  # the slot is given up; the row waits its turn in the table instead
        # The slot is `wait` after the pacer read its clock, which is just after we asked. Counting from the asking,
        # not from when this busy loop got round to reading the answer, keeps many concurrent sends on their slots
        # instead of letting each drift late by its own delay (and bunch up in a platform's one-second window).
        remaining = asked + wait - loop.time()
        if remaining > 0:
            await asyncio.sleep(remaining)
        return True


def _kind_of(outcome: PushOutcome) -> str:
    if outcome.retry_at is not None:
        return "retried"
    return {PushState.SENT: "sent", PushState.DEAD: "dead"}.get(outcome.state, "unreachable")
