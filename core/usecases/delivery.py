"""Delivering due pushes: take each row under a short lease, render it in the recipient's current
language, wait for the platform's pace, push it, and record what happened."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.domain.outbox import MAX_ATTEMPTS, SEND_LEASE, PushItem, PushState, retry_delay
from core.domain.pacing import pacing_keys
from core.domain.quiet_hours import HELD_FOR_QUIET_HOURS, WAITING_KINDS
from core.domain.values import DEFAULT_LOCALE, Locale, UserId
from core.i18n import Catalog
from core.ports import (
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


@dataclass(frozen=True, kw_only=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unreachable: int = 0
    skipped: int = 0  # another worker had it, or it was final already


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
    ) -> None:
        self._metrics = metrics
        self._lease = lease
        self._uow = uow
        self._clock = clock
        self._messengers = messengers
        self._pacer = pacer
        self._catalog = catalog
        self._rate_overrides = dict(rate_overrides or {})

    async def deliver(self, ids: Sequence[int], job_id: str | None = None) -> DeliveryReport:
        """Deliver rows one by one; a job says it is alive every few seconds, so the clock can tell a slow
        batch from one whose worker died."""
        counts = {"sent": 0, "retried": 0, "dead": 0, "unreachable": 0, "skipped": 0}
        touched = self._clock.now()
        if job_id:  # a job that waited long in the queue is alive now: its rows are not to be given away
            async with self._uow() as uow:
                await uow.outbox.touch_job(job_id, now=touched)
                await uow.commit()
        for push_id in ids:
            counts[await self._deliver_one(push_id)] += 1
            if job_id and self._clock.now() - touched >= self._lease / 4:
                touched = self._clock.now()
                async with self._uow() as uow:
                    await uow.outbox.touch_job(job_id, now=touched)
                    await uow.commit()
        for outcome, amount in counts.items():
            if amount:
                await self._metrics.count("deliveries", outcome, amount)
        return DeliveryReport(**counts)

    async def _deliver_one(self, push_id: int) -> str:
        now = self._clock.now()
        async with self._uow() as uow:
            item = await uow.outbox.take_for_sending(push_id, now=now, lease_until=now + self._lease)
            if item is None:
                return "skipped"
            target = await self._address(uow, item)
            await uow.commit()
        messenger = self._messengers.get(target[0].platform) if target else None
        if target is None or messenger is None:
            reason = "no platform identity" if target is None else f"no messenger for {target[0].platform}"
            await self._finish(item, PushState.UNREACHABLE, error=reason)
            return "unreachable"
        recipient, locale, quiet_until = target
        if quiet_until is not None and item.kind in WAITING_KINDS:
            await self._retry(
                item,
                after=(quiet_until - self._clock.now()).total_seconds(),
                error=HELD_FOR_QUIET_HOURS,
                count_attempt=False,
            )
            return "retried"
        if not await self._wait_for_pace(recipient):
            await self._retry(item, after=1.0, error="pacing", count_attempt=False)
            return "retried"
        return await self._send(messenger, item, recipient, locale)

    async def _send(self, messenger: Messenger, item: PushItem, recipient: Recipient, locale: Locale) -> str:
        try:
            message_id = await messenger.push(recipient, self._render(item, locale), idempotency_key=item.dedupe_key)
        except RetryLater as signal:
            await self._pacer.hold_off(f"{recipient.platform}:all", signal.after)
            await self._retry(item, after=signal.after, error=f"retry later: {signal.reason}", count_attempt=False)
            return "retried"
        except RecipientUnreachable as error:
            logger.info("push %s: recipient unreachable (%s)", item.id, type(error).__name__)
            await self._finish(item, PushState.UNREACHABLE, error=str(error)[:200] or "unreachable")
            return "unreachable"
        except Exception as error:  # any platform failure: retried, then dead-lettered (logged with its trace)
            reason = type(error).__name__
            if item.attempts < MAX_ATTEMPTS:
                await self._retry(item, after=retry_delay(item.attempts).total_seconds(), error=reason)
                return "retried"
            await self._finish(item, PushState.DEAD, error=reason)
            logger.exception("dead letter: push %s (%s) failed %s times", item.id, item.kind, item.attempts)
            return "dead"
        await self._finish(item, PushState.SENT, message_id=message_id)
        await self._metrics.count("messages_out", recipient.platform)
        return "sent"

    async def _address(self, work: UnitOfWork, item: PushItem) -> tuple[Recipient, Locale, datetime | None] | None:
        """Where the push goes, in which language, and until when it must wait (the recipient's quiet hours)."""
        if item.user_id is None:
            if item.platform is None or item.chat_id is None:
                return None
            locale = Locale(item.document.locale) if item.document.locale in set(Locale) else DEFAULT_LOCALE
            return Recipient(platform=item.platform, chat_id=item.chat_id), locale, None
        user = await work.users.get(UserId(item.user_id))
        identities = await work.users.identities(UserId(item.user_id)) if user else []
        if user is None or not identities:
            return None
        if item.identity_id is not None:  # meant for one linked account ("an account was linked to this one")
            identities = [i for i in identities if i.id == item.identity_id]
            if not identities:
                return None  # that account was unlinked or forgotten since: the notice is not for the others
        identity = identities[-1]  # otherwise the newest account
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

    async def _wait_for_pace(self, recipient: Recipient) -> bool:
        chat = recipient.chat_id or recipient.user_external_id or ""
        keys = pacing_keys(
            platform=recipient.platform,
            chat=chat,
            group=recipient.chat_id is not None,
            overrides=self._rate_overrides,
        )
        if not keys:
            return True
        wait = await self._pacer.reserve(keys)
        if wait > MAX_PACING_WAIT_SECONDS:
            return False  # the slot is given up; the row waits its turn in the table instead
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    async def _finish(
        self, item: PushItem, state: PushState, *, message_id: str | None = None, error: str | None = None
    ) -> None:
        async with self._uow() as uow:
            await uow.outbox.finish(item.id, state, now=self._clock.now(), message_id=message_id, error=error)
            await uow.commit()

    async def _retry(self, item: PushItem, *, after: float, error: str, count_attempt: bool = True) -> None:
        async with self._uow() as uow:
            await uow.outbox.retry_at(
                item.id, self._clock.now() + timedelta(seconds=after), error=error, count_attempt=count_attempt
            )
            await uow.commit()
