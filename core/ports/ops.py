"""What the operator sees: alerts and the counters /metrics reads."""

from __future__ import annotations

from typing import Protocol


class OpsAlerts(Protocol):
    async def alert(self, event: str, **fields: str | int) -> None:
        """Tell the operator something happened. Never pass user-written text here."""
        ...


class Metrics(Protocol):
    """Counters shared by every process (Redis) or kept in this one; /metrics reads them."""

    async def count(self, name: str, label: str, amount: int = 1) -> None: ...

    async def read(self, name: str) -> dict[str, int]: ...
