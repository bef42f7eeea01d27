"""The conversation the user is in: sending and editing its messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.replies import Reply


@dataclass(frozen=True, kw_only=True)
class MessageRef:
    """A message the bot sent, as the platform adapter knows it (opaque to the core)."""

    id: str


class Responder(Protocol):
    async def send(self, reply: Reply) -> MessageRef: ...

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        """Replace a sent message; adapters may coalesce non-final edits to respect rate limits."""
        ...

    async def show_typing(self) -> None: ...
