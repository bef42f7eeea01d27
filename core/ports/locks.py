"""Short-lived shared locks."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Locks(Protocol):
    def hold(self, key: str, *, ttl_seconds: int, owner: str | None = None) -> AbstractAsyncContextManager[bool]:
        """Try to take `key`; yields False at once if another holder has it. A holder that names an `owner` (the
        platform update being handled) takes the key over from an earlier holder with the same owner: the same
        update handled again after a crash must not wait for the crashed attempt's lock to expire."""
        ...
