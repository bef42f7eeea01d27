"""The durable inbox as every platform adapter uses it: record an update (once), then handle it — at least once,
and with its effects and its answer once.

- `accept` before the platform is answered; `process` after. A process holds an update under a short lease
  (`INBOX_LEASE_SECONDS`) that a heartbeat renews while the handler runs, so a long model call keeps it and a
  crashed process's update is taken again soon after (`recover`, run every third of a lease by
  `recover_forever`).
- A handler that fails is retried after a backoff (`INBOX_RETRY_SECONDS`, doubling, capped) and is dead after
  `INBOX_MAX_ATTEMPTS`: logged as an ERROR (an ops alert), listed by `maeum deadletters list`.
- Handling the same update again repeats nothing: the core keys what it records by `IncomingMessage.update_key`,
  and the `ReplyJournal` keeps the platform ids of the messages each attempt sent, so a later attempt edits those
  messages instead of sending new ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from core.domain.inbox import DueUpdate, TakenUpdate, retry_delay
from core.inbound import IncomingMessage
from core.ports import Clock, MessageRef, Responder, UnitOfWorkFactory
from core.replies import Reply

logger = logging.getLogger(__name__)


class LeaseLost(BaseException):
    """This process no longer holds the update (its lease ran out and another process took it): the handler stops
    at once. A BaseException, so that no handler turns it into an apology to the user on its way out."""


class ReplyJournal:
    """The messages sent while handling one update, in order, stored with the inbox row.

    A later attempt at the same update says what the earlier one said in the same order (the core records its
    effects by update key and goes on from them), so its n-th send becomes an edit of the n-th message sent
    before. The one message a crash can still double is one sent in the instant before its id was stored.
    """

    def __init__(self, uow: UnitOfWorkFactory, taken: TakenUpdate) -> None:
        self._uow = uow
        self._taken = taken
        self._sent: list[str] = list(taken.replies)
        self._next = 0
        self._lock = asyncio.Lock()

    @property
    def key(self) -> str:
        return self._taken.key

    @property
    def attempt(self) -> int:
        return self._taken.attempt

    def message(self, incoming: IncomingMessage) -> IncomingMessage:
        """`incoming` marked with its update, for the core to key its effects by."""
        return replace(incoming, update_key=self.key)

    def wrap(self, responder: Responder) -> Responder:
        return JournaledResponder(responder, self)

    async def _send(self, inner: Responder, reply: Reply) -> MessageRef:
        async with self._lock:
            index, self._next = self._next, self._next + 1
            if index < len(self._sent):
                ref = MessageRef(id=self._sent[index])
                await inner.edit(ref, reply, final=True)  # sent by an earlier attempt: brought up to date
                return ref
            ref = await inner.send(reply)
            self._sent.append(ref.id)
            async with self._uow() as uow:
                kept = await uow.inbox.record_replies(self._taken.id, attempt=self.attempt, replies=self._sent)
                await uow.commit()
            if not kept:
                raise LeaseLost(f"inbox update {self._taken.id} is no longer held by attempt {self.attempt}")
            return ref


class JournaledResponder:
    def __init__(self, inner: Responder, journal: ReplyJournal) -> None:
        self._inner = inner
        self._journal = journal

    async def send(self, reply: Reply) -> MessageRef:
        return await self._journal._send(self._inner, reply)

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        await self._inner.edit(ref, reply, final=final)

    async def show_typing(self) -> None:
        await self._inner.show_typing()


Handle = Callable[[str, ReplyJournal], Coroutine[Any, Any, None]]


class InboxIntake:
    """`accept` before answering the platform; `process` after. `recover` takes what a crash or a failure left."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        platform: str,
        handle: Handle,
        lease: timedelta,
        first_retry: timedelta,
        max_attempts: int,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._platform = platform
        self._handle = handle
        self.lease = lease
        self.first_retry = first_retry
        self.max_attempts = max_attempts

    @property
    def heartbeat_seconds(self) -> float:
        return self.lease.total_seconds() / 3

    async def accept(self, event_id: str, payload: str) -> int | None:
        """The inbox row id, or None when this update was received before (a retry or a repeat). Other processes
        leave it to this one for a lease; after that, `recover` anywhere takes it."""
        now = self._clock.now()
        async with self._uow() as uow:
            inbox_id = await uow.inbox.accept(
                platform=self._platform, event_id=event_id, payload=payload, now=now, due_at=now + self.lease
            )
            await uow.commit()
        return inbox_id

    async def process(self, inbox_id: int) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            taken = await uow.inbox.claim(inbox_id, now=now, lease_until=now + self.lease)
            await uow.commit()
        if taken is None:
            return  # done, dead, or held by a live process
        journal = ReplyJournal(self._uow, taken)
        handling: asyncio.Task[None] = asyncio.create_task(self._handle(taken.payload, journal))
        heartbeat = asyncio.create_task(self._keep_lease(taken, handling))
        try:
            await handling
        except LeaseLost:
            logger.warning("%s update %s: lease lost to another process; left to it", self._platform, inbox_id)
            return
        except asyncio.CancelledError:
            if heartbeat.done() and not heartbeat.cancelled() and heartbeat.result() is False:
                logger.warning("%s update %s: lease lost to another process; left to it", self._platform, inbox_id)
                return
            raise
        except Exception as error:  # noqa: BLE001 — any failure is retried after a backoff, then dead-lettered
            await self._failed(taken, error)
            return
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        async with self._uow() as uow:
            await uow.inbox.done(inbox_id, now=self._clock.now(), attempt=taken.attempt)
            await uow.commit()

    async def _keep_lease(self, taken: TakenUpdate, handling: asyncio.Task[None]) -> bool:
        """Renew the lease every third of it while the handler runs; if another process took the update meanwhile
        (this one stalled past its lease), stop the handler: the other attempt answers."""
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                async with self._uow() as uow:
                    held = await uow.inbox.renew(
                        taken.id, attempt=taken.attempt, lease_until=self._clock.now() + self.lease
                    )
                    await uow.commit()
            except Exception:  # a database hiccup: try again at the next beat
                logger.warning("%s update %s: lease renewal failed", self._platform, taken.id, exc_info=True)
                continue
            if not held:
                handling.cancel()
                return False

    async def _failed(self, taken: TakenUpdate, error: Exception) -> None:
        now = self._clock.now()
        reason = type(error).__name__
        async with self._uow() as uow:
            if taken.attempt >= self.max_attempts:
                await uow.inbox.bury(taken.id, attempt=taken.attempt, now=now, error=reason)
            else:
                at = now + retry_delay(taken.attempt, first=self.first_retry)
                await uow.inbox.retry_later(taken.id, attempt=taken.attempt, at=at, error=reason)
            await uow.commit()
        if taken.attempt >= self.max_attempts:
            logger.error(
                "dead inbox update: %s update %s failed %s times",
                self._platform,
                taken.id,
                taken.attempt,
                exc_info=error,
            )
        else:
            logger.warning(
                "%s update %s failed (attempt %s, %s); retried later",
                self._platform,
                taken.id,
                taken.attempt,
                reason,
                exc_info=error,
            )

    async def receive(self, event_id: str, payload: str) -> None:
        inbox_id = await self.accept(event_id, payload)
        if inbox_id is not None:
            await self.process(inbox_id)

    async def recover(self, *, fresh_too: bool = False) -> int:
        """Handle what is due: updates waiting for a retry, ones whose holder died (lease over) and ones accepted
        a lease ago and never taken — or, with `fresh_too` (the start of the only process receiving this
        platform's updates), every pending one. Returns how many were taken up."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.inbox.due(platform=self._platform, now=now, fresh_too=fresh_too)
        exhausted = [update for update in due if update.attempts >= self.max_attempts]
        if exhausted:
            await self._bury_exhausted(exhausted)
        ready = [update for update in due if update.attempts < self.max_attempts]
        outcomes = await asyncio.gather(*(self.process(update.id) for update in ready), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                logger.error("%s: a recovered update could not be processed", self._platform, exc_info=outcome)
            elif isinstance(outcome, BaseException):
                raise outcome
        return len(ready)

    async def _bury_exhausted(self, updates: Sequence[DueUpdate]) -> None:
        """Updates whose every attempt ended with its process dying (a poison update): dead, not tried again."""
        now = self._clock.now()
        for update in updates:
            async with self._uow() as uow:
                buried = await uow.inbox.bury(update.id, attempt=update.attempts, now=now, error="lease expired")
                await uow.commit()
            if buried:
                logger.error(
                    "dead inbox update: %s update %s was abandoned %s times", self._platform, update.id, update.attempts
                )


async def recover_forever(intakes: Sequence[InboxIntake], stop: asyncio.Event) -> None:
    """Every third of a lease: retries that are due, and updates a crashed process left behind."""
    if not intakes:
        return
    interval = min(max(min(intake.heartbeat_seconds for intake in intakes), 0.1), 10.0)
    while not stop.is_set():
        for intake in intakes:
            try:
                await intake.recover()
            except Exception:
                logger.exception("inbox recovery failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
