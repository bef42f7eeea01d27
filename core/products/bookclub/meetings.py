"""A room's meetings: when, how long, what to read; each member's RSVP; the pushes a meeting schedules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from core.domain.values import UserId

MAX_READING: Final = 100
MIN_LENGTH: Final = timedelta(minutes=1)
MAX_LENGTH: Final = timedelta(hours=12)
MIN_REMIND_MINUTES: Final = 1
MAX_REMIND_MINUTES: Final = 1440


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


_ANSWER_WORDS: Final = {
    "yes": Answer.YES,
    "참석": Answer.YES,
    "maybe": Answer.MAYBE,
    "미정": Answer.MAYBE,
    "no": Answer.NO,
    "불참": Answer.NO,
}


def read_answer(word: str) -> Answer | None:
    """An RSVP as typed or pressed: 참석 / 미정 / 불참, yes / maybe / no."""
    return _ANSWER_WORDS.get(word.strip().lower())


@dataclass(frozen=True, kw_only=True)
class Meeting:
    id: int
    room_id: int
    number: int  # the room's own, never reused
    starts_at: datetime
    ends_at: datetime
    reading: str
    remind_minutes: int  # the room's when the meeting was set
    created_by: UserId
    cancelled_at: datetime | None = None

    @property
    def remind_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.remind_minutes)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True, kw_only=True)
class Note:
    """One thing a member said in the room while a meeting was live."""

    user_id: UserId
    text: str
    said_at: datetime


@dataclass(frozen=True, kw_only=True)
class Counts:
    yes: int = 0
    maybe: int = 0
    no: int = 0


def count(answers: Mapping[UserId, Answer]) -> Counts:
    values = list(answers.values())
    return Counts(yes=values.count(Answer.YES), maybe=values.count(Answer.MAYBE), no=values.count(Answer.NO))


def overlaps(meetings: Sequence[Meeting], starts_at: datetime, ends_at: datetime) -> Meeting | None:
    """The first meeting still on that shares some of [starts_at, ends_at)."""
    return next(
        (m for m in meetings if m.cancelled_at is None and m.starts_at < ends_at and starts_at < m.ends_at), None
    )


def keys_of(room_id: int, number: int) -> str:
    """The prefix of every push a meeting schedules: withdrawing it takes them all back."""
    return f"meeting:{room_id}:{number}:"


def reminder_key(room_id: int, number: int) -> str:
    return f"{keys_of(room_id, number)}remind"


def started_key(room_id: int, number: int) -> str:
    return f"{keys_of(room_id, number)}started"


def dm_key(room_id: int, number: int, user_id: UserId) -> str:
    return f"{keys_of(room_id, number)}dm:{user_id}:"  # the colon: withdrawing user 5's is not user 50's
