"""The Discord messenger's safety: invalid-request budget, token cool-down, nonces."""

from __future__ import annotations

import pytest

from bots.discord.messenger import INVALID_WINDOW, TOKEN_COOL_DOWN, InvalidRequestGuard, nonce_for
from core.ports import RetryLater


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_past_the_budget_of_invalid_answers_nothing_is_asked_until_the_window_has_room() -> None:
    clock = Clock()
    guard = InvalidRequestGuard(budget=3, now=clock)
    for status in (429, 403, 200, 404, 429):  # 200 and 404 do not count
        guard.record(status)
        clock.now += 1
    with pytest.raises(RetryLater) as refused:
        guard.check()
    assert refused.value.after == pytest.approx(INVALID_WINDOW - 5)
    clock.now += INVALID_WINDOW - 5
    guard.check()  # the first one left the window
    assert guard.recent == 2


def test_a_rejected_token_stops_every_request_for_the_cool_down() -> None:
    clock = Clock()
    guard = InvalidRequestGuard(now=clock)
    guard.record(401)
    with pytest.raises(RuntimeError, match="rejected the bot token"):
        guard.check()
    clock.now += TOKEN_COOL_DOWN + 1
    guard.check()


def test_nonces_fit_discord_and_differ_per_push_and_part() -> None:
    nonces = {nonce_for("outbox-1", 0), nonce_for("outbox-1", 1), nonce_for("outbox-2", 0)}
    assert len(nonces) == 3
    assert all(len(n) == 25 for n in nonces)
    assert nonce_for("outbox-1", 0) == nonce_for("outbox-1", 0)
