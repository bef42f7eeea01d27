"""Push rules: the life of an outbox row, retry backoff, and the document a push carries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class PushKind(StrEnum):
    """What a push is, for quiet hours, exports and the operator: one per kind of notice a product sends."""

    REMINDER = "reminder"  # a person's own reminder: due when they asked, quiet hours or not
    FRIENDS = "friends"  # every notice between friends
    ACCOUNT = "account"  # about the account itself (an account linked): at once, quiet hours or not
    NUDGE = "nudge"  # the nightly diary nudge
    DIGEST = "digest"  # the Monday digest
    ANNOUNCEMENT = "announcement"
    IMAGE = "image"  # a chart sent as a file
    MEETING = "meeting"  # a book club's meeting: its reminder (room and RSVP'd members) and its start, on time
    CRISIS = "crisis"  # the crisis reply, by direct message, to a crisis said where others read: at once, always
    MEDIATION = "mediation"  # a couple mediation: the DM asking a partner's side, its reminder, the child's post
    # Broadcast alerts: quiet hours are applied before the push is written (an alert waits for their end and is
    # dropped if the broadcast has started by then, which delivery cannot know), so delivery sends it at once.
    ALERT = "alert"


class PushState(StrEnum):
    PENDING = "pending"  # waiting for its due time (or its next attempt)
    QUEUED = "queued"  # claimed by the clock and handed to a job
    SENDING = "sending"  # a worker holds it under a short lease
    SENT = "sent"
    DEAD = "dead"  # every attempt failed: the operator is told
    UNREACHABLE = "unreachable"  # blocked bot, deleted chat: retrying would not help
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class DeadLetter:
    """A push every attempt failed for, as the operator sees it (ids and codes; the text stays in the row)."""

    id: int
    kind: str
    user_id: int | None
    platform: str | None
    attempts: int
    due_at: datetime
    last_error: str | None


FINAL_STATES = frozenset({PushState.SENT, PushState.DEAD, PushState.UNREACHABLE, PushState.CANCELLED})

MAX_ATTEMPTS = 6
SEND_LEASE = timedelta(seconds=30)  # a dead worker's row is sent again within a minute
QUEUE_GRACE = timedelta(seconds=10)  # a queued row whose job vanished from Redis is requeued after this


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after a transient failure: 5 s, 10 s, 20 s … capped at 10 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 600))


@dataclass(frozen=True, kw_only=True)
class PushOutcome:
    """What became of a push a worker took: final (sent, dead, unreachable), or back to pending at `retry_at`.

    A worker records the outcomes of many sends in one transaction."""

    id: int
    state: PushState
    at: datetime  # when it happened (a sent push's sent_at)
    message_id: str | None = None
    error: str | None = None
    retry_at: datetime | None = None  # a retry: pending again from then
    attempts: int = 0  # a retry's attempt count (a pace, quiet-hours or 429 wait gives its attempt back)


@dataclass(frozen=True, kw_only=True)
class PushButton:
    """A button under a push (an RSVP, "done"): its label is a catalog key, rendered in the recipient's language at
    delivery; `action` is an encoded action id (core.routing.encode_action), pressed like any button."""

    label_key: str
    action: str


@dataclass(frozen=True, kw_only=True)
class PushDocument:
    """What to say, kept language-neutral: rendered at delivery in the recipient's current language.

    `key` and `title_key` are message-catalog keys, `params` fill them; `text` is verbatim text the user or
    operator wrote (a reminder's note, an announcement), shown as written.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    title_key: str | None = None
    text: str | None = None
    buttons: tuple[PushButton, ...] = ()
    # A post to a group chat, which has no one reader's language: the group's own (a book club's is its creator's).
    locale: str | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = {"key": self.key, "params": self.params, "title_key": self.title_key, "text": self.text}
        if self.locale is not None:
            data["locale"] = self.locale
        if self.buttons:
            data["buttons"] = [{"label_key": b.label_key, "action": b.action} for b in self.buttons]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> PushDocument:
        data = json.loads(raw)
        return cls(
            key=data["key"],
            params=data.get("params") or {},
            title_key=data.get("title_key"),
            text=data.get("text"),
            locale=data.get("locale"),
            buttons=tuple(PushButton(label_key=b["label_key"], action=b["action"]) for b in data.get("buttons") or ()),
        )


@dataclass(frozen=True, kw_only=True)
class NewPush:
    """A push a use case asks for; `dedupe_key` makes writing it twice harmless."""

    dedupe_key: str
    kind: str
    document: PushDocument
    due_at: datetime
    user_id: int | None = None  # a person: delivered to their direct chat
    identity_id: int | None = None  # …on this one of their linked accounts (else the newest)
    platform: str | None = None  # or a group chat on one platform
    chat_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class PushItem:
    id: int
    dedupe_key: str
    kind: str
    document: PushDocument
    due_at: datetime
    state: PushState
    attempts: int
    user_id: int | None
    platform: str | None
    chat_id: str | None
    identity_id: int | None = None
