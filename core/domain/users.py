"""Records the repositories hand back: frozen values, no ORM objects leave the adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.domain.quiet_hours import QuietHours
from core.domain.values import ConversationId, Locale, Persona, UserId, WorryId


@dataclass(frozen=True, kw_only=True)
class User:
    id: UserId
    locale: Locale
    timezone: str
    created_at: datetime
    consented_at: datetime | None = None
    forget_requested_at: datetime | None = None
    quiet_hours: QuietHours | None = None

    @property
    def consented(self) -> bool:
        return self.consented_at is not None


@dataclass(frozen=True, kw_only=True)
class Identity:
    id: int
    user_id: UserId
    platform: str
    external_id: str
    display_name: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Worry:
    id: WorryId
    user_id: UserId
    conversation_id: ConversationId | None
    created_at: datetime
    text: str | None  # None when the user had not consented, or for crisis texts
    crisis: bool
    answered: bool = False
    answered_offline: bool = False


@dataclass(frozen=True, kw_only=True)
class Turn:
    """One utterance in a counseling conversation: the user's worry or one persona's answer."""

    worry_id: WorryId
    role: str  # "user", "F" or "T"
    text: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Feedback:
    worry_id: WorryId
    persona: Persona
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class UsageRecord:
    """One LLM call: what it cost and how long it took."""

    user_id: UserId | None
    worry_id: WorryId | None
    purpose: str  # e.g. "counsel.F"
    model: str
    tokens_in: int
    tokens_out: int
    cost: Decimal
    latency_ms: int
    ok: bool
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class PointEntry:
    """One ledger row: `delta` earned (> 0) or spent (< 0) for `reason`, and the balance it left."""

    id: int
    user_id: UserId
    delta: int
    reason: str
    ref: str | None
    balance_after: int
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Note:
    """A comment on an entry or a guestbook note."""

    id: int
    author_id: UserId
    author_name: str
    text: str
    created_at: datetime
