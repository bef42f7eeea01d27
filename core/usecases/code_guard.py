"""The guard in front of every one-time code (/link CODE, /friend accept CODE): a few wrong codes, then a pause.

Codes are 8 characters from 32, so guessing one is hopeless at a human pace, but not at ~150 tries a second.
Each try is written down before the code is looked at (a reservation, under a lock on the person's row), so
tries running at the same time cannot slip past the count; a right code takes its reservation back in the
transaction that uses it. One count covers both verbs: a guesser gains nothing by switching."""

from __future__ import annotations

import logging

from core.domain.accounts import CodeLimits, minutes_until, paused_until
from core.domain.values import UserId
from core.errors import LimitExceeded
from core.ports import Clock, UnitOfWorkFactory

logger = logging.getLogger(__name__)


class CodeGuard:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, limits: CodeLimits) -> None:
        self._uow = uow
        self._clock = clock
        self.limits = limits

    async def reserve(self, user_id: UserId, *, kind: str) -> int:
        """Count this try as wrong until it proves right; LimitExceeded("code.paused") while paused (then even a
        right code is not looked at)."""
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.users.get(user_id, for_update=True)  # one try of this person at a time
            until = paused_until(
                await uow.code_tries.since(user_id, now - self.limits.window), now=now, limits=self.limits
            )
            if until is not None:
                logger.info("user %s: code try refused, paused for %s s", user_id, int((until - now).total_seconds()))
                raise LimitExceeded(
                    "code.paused",
                    minutes=minutes_until(until, now=now),
                    tries=self.limits.wrong_tries,
                    window=int(self.limits.window.total_seconds() // 60),
                )
            await uow.code_tries.prune(user_id, before=now - self.limits.window)
            try_id = await uow.code_tries.add(user_id, kind=kind, now=now)
            await uow.commit()
        return try_id

    async def release(self, try_id: int) -> None:
        """The code was a real one (used up, one's own, already a friend…): the try was not a wrong guess."""
        async with self._uow() as uow:
            await uow.code_tries.remove(try_id)
            await uow.commit()
