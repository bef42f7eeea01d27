"""Shared rate limiting of outgoing messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Pacer(Protocol):
    """Shared rate limiting: how long to wait before one more message may go to `keys`."""

    async def reserve(self, keys: Sequence[tuple[str, float, float]]) -> float:
        """Each key is (name, rate per second, burst). Takes the next free slot on every key and returns the
        seconds until it (0 = go now); the caller sleeps that long and sends without asking again."""
        ...

    async def hold_off(self, name: str, seconds: float) -> None:
        """Nobody sends to `name` for `seconds` (a platform's retry-after)."""
        ...
