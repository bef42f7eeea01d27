"""Starting a platform in the web process without letting it take the others down: each platform starts in a
background task of its own and, when its API cannot be reached (or refuses), tries again with capped exponential
backoff, while the rest of the process serves. Its state is what `/readyz` lists."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential, wait_random

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PlatformState(StrEnum):
    OFF = "off"  # not configured
    STARTING = "starting"  # the first attempt is under way
    RUNNING = "running"
    RETRYING = "retrying"  # an attempt failed; the next one is scheduled


@dataclass(frozen=True, kw_only=True)
class Backoff:
    first_seconds: float
    max_seconds: float
    attempt_timeout_seconds: float


class PlatformStarter(Generic[T]):
    """Runs `start()` until it returns (the platform's handle), each attempt bounded by a timeout, waiting
    `first_seconds` × 2ⁿ (at most `max_seconds`, plus a little jitter so that many processes do not knock at once)
    between attempts. Only the error's class is kept and logged: SDK messages can quote a token."""

    def __init__(self, name: str, start: Callable[[], Awaitable[T]] | None, backoff: Backoff) -> None:
        self.name = name
        self._start = start
        self._backoff = backoff
        self.handle: T | None = None
        self.state = PlatformState.OFF if start is None else PlatformState.STARTING
        self.attempts = 0
        self.last_error: str | None = None
        self._next_attempt_at: float | None = None  # time.monotonic()
        self._task: asyncio.Task[None] | None = None
        self._first_attempt_over = asyncio.Event()

    def launch(self) -> None:
        if self._start is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"start-{self.name}")

    async def wait_running(self, *, patience: float) -> T | None:
        """The handle; while the first attempt is still under way (a request right after the process started), wait
        for it up to `patience` seconds. A platform already retrying is not waited for."""
        if self.state is PlatformState.STARTING and self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first_attempt_over.wait(), patience)
        return self.handle

    async def stop(self) -> None:
        """Stop trying; a platform already running is closed by its owner (`handle`)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        assert self._start is not None
        backoff = self._backoff
        retrying = AsyncRetrying(
            wait=wait_exponential(multiplier=backoff.first_seconds, max=backoff.max_seconds)
            + wait_random(0, backoff.first_seconds / 2),
            retry=retry_if_exception_type(Exception),  # never CancelledError: stopping stops
            before_sleep=self._failed,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                self.attempts += 1
                async with asyncio.timeout(backoff.attempt_timeout_seconds):
                    self.handle = await self._start()
        self.state = PlatformState.RUNNING
        self._next_attempt_at = None
        self._first_attempt_over.set()
        if self.attempts > 1:
            logger.info("%s: running after %d attempts", self.name, self.attempts)

    def _failed(self, retry_state: RetryCallState) -> None:
        assert retry_state.outcome is not None
        assert retry_state.next_action is not None
        error = retry_state.outcome.exception()
        wait = float(retry_state.next_action.sleep)
        self.state = PlatformState.RETRYING
        self._first_attempt_over.set()
        self.last_error = type(error).__name__
        self._next_attempt_at = time.monotonic() + wait
        # The first failure is an ERROR (an ops alert: the platform is unreachable); the retries only warnings.
        level = logging.ERROR if self.attempts == 1 else logging.WARNING
        template = "%s: could not start (%s); attempt %d, next in %.1f s"
        logger.log(level, template, self.name, self.last_error, self.attempts, wait)

    def report(self) -> dict[str, Any]:
        """What `/readyz` shows of this platform."""
        shown: dict[str, Any] = {"state": self.state.value}
        if self.state is PlatformState.OFF:
            return shown
        shown["attempts"] = self.attempts
        if self.last_error is not None:
            shown["last_error"] = self.last_error
        if self.state is PlatformState.RETRYING and self._next_attempt_at is not None:
            seconds = max(0.0, self._next_attempt_at - time.monotonic())
            shown["next_attempt_in_seconds"] = round(seconds, 3)
            shown["next_attempt_at"] = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
        return shown
