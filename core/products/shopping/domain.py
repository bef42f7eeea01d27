"""Watches, broadcasts and alerts: the values and the rules of when an alert is due (pure).

An alert is one (watch, broadcast) pair: due `lead` before the broadcast starts (the person's `/watch lead`,
10 minutes unless they set another), or at once when that moment has passed but the broadcast has not started.
An alert for a broadcast that has started is never sent (it is dropped); one due in the person's quiet hours
waits for their end, and is dropped if the broadcast has started by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from core.domain.values import Locale, UserId

MAX_WATCHES: Final = 50
MAX_WATCH_TEXT: Final = 60
DEFAULT_LEAD_MINUTES: Final = 10
MIN_LEAD_MINUTES: Final = 1
MAX_LEAD_MINUTES: Final = 24 * 60
SHOWN_MATCHES: Final = 5  # upcoming broadcasts listed under a new watch


class AlertState(StrEnum):
    PENDING = "pending"  # waiting for its due time (or for quiet hours to end)
    SENT = "sent"  # in a grouped push (or folded into one the person had for that broadcast already)
    WITHDRAWN = "withdrawn"  # the broadcast vanished, its product changed away, or the watch was removed
    DROPPED = "dropped"  # the broadcast started before it could go out (quiet hours, a clock outage)


@dataclass(frozen=True, kw_only=True)
class Watch:
    id: int
    user_id: UserId
    number: int  # the person's own, never reused
    text: str  # as typed
    key: str  # the words it matches by (two watches with one key are the same watch)
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class WatchVector:
    """A watch's embedding, and the model it came from (vectors of two models never mix)."""

    watch_id: int
    model: str
    vector: bytes  # float32, L2-normalized


@dataclass(frozen=True, kw_only=True)
class Broadcast:
    id: int
    channel: str
    starts_at: datetime
    ends_at: datetime
    product: str
    price: int | None
    url: str | None
    source: str
    withdrawn: bool = False


@dataclass(frozen=True, kw_only=True)
class Alert:
    id: int
    user_id: UserId
    watch_id: int | None  # None once the watch is removed (a sent alert stays, so nothing is sent twice)
    broadcast_id: int
    due_at: datetime
    state: AlertState


@dataclass(frozen=True, kw_only=True)
class DueAlert:
    """An alert whose time has come, with what its line says."""

    alert: Alert
    broadcast: Broadcast
    watch_text: str | None


def due_at(starts_at: datetime, *, lead_minutes: int, now: datetime) -> datetime:
    """`lead` before air, or now when that has passed (a broadcast that has started is the caller's to drop)."""
    return max(starts_at - timedelta(minutes=lead_minutes), now)


def lead_from(length: timedelta | None) -> int | None:
    """A `/watch lead` length in whole minutes within the allowed range, or None."""
    if length is None or length.total_seconds() % 60:
        return None
    minutes = int(length.total_seconds() // 60)
    return minutes if MIN_LEAD_MINUTES <= minutes <= MAX_LEAD_MINUTES else None


def price_text(price: int | None, locale: Locale) -> str:
    """39900 → "39,900원" / "₩39,900"; unknown → ""."""
    if price is None:
        return ""
    return f"{price:,}원" if locale is Locale.KO else f"₩{price:,}"


def clean_watch_text(text: str) -> str:
    return " ".join(text.split())
