"""Pushes: delivery through a platform's REST API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.replies import Reply


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """Where a push goes on one platform: a person's direct chat (user_id set) or a group chat."""

    platform: str
    chat_id: str | None = None  # a group or channel, or a known DM channel
    user_external_id: str | None = None  # a person, when the DM channel must be opened first
    display_name: str = ""
    # Telegram: send with `allow_paid_broadcast` (TELEGRAM_PAID_BROADCAST, announcements and alert fan-outs only):
    # up to 1,000 messages a second, charged in Stars. Other platforms ignore it.
    paid_broadcast: bool = False


class RetryLater(Exception):
    """The platform asked to slow down (429) or is briefly unavailable; try again after `after` seconds."""

    def __init__(self, after: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.after = after
        self.reason = reason


class RecipientUnreachable(Exception):
    """The bot is blocked, the chat is gone, the account is inactive: retrying will not help."""


class Messenger(Protocol):
    """Pushes a Reply to a recipient through one platform's REST API (used by delivery workers)."""

    @property
    def platform(self) -> str: ...

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        """Send and return the platform's message id. Raises RetryLater or RecipientUnreachable;
        any other exception is a transient failure retried with backoff."""
        ...


@runtime_checkable
class AddressingMessenger(Protocol):
    """A Messenger that must look something up before it can send (Slack opens a person's DM channel): delivery
    asks for it before it waits for the pace, so that the paced send is the message itself, on time."""

    async def address(self, recipient: Recipient) -> Recipient:
        """The recipient, ready to be sent to (a DM channel filled in). Raises as `push` does."""
        ...
