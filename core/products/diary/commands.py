"""The emotion diary's commands: entries, the friends' feed, comments, weekly stats and the nightly nudge."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.domain.emotion import Emotion


@dataclass(frozen=True, kw_only=True)
class WriteDiary(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class ListDiaries(Command):
    before_id: int | None = None  # keyset: the page after the entry with this id


@dataclass(frozen=True, kw_only=True)
class ChangeEntry(Command):
    entry_id: int
    change: str  # "friends" | "private" | "delete" (asks first) | "delete_confirmed" | "show" | "mood"
    emotion: Emotion | None = None  # "mood": the feeling the writer says the entry has
    intensity: int | None = None  # "mood": 1–5; None keeps the entry's


@dataclass(frozen=True, kw_only=True)
class ShowFeed(Command):
    """Friends' friends-visible entries, newest first."""

    before_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CommentOnEntry(Command):
    entry_id: int
    text: str


@dataclass(frozen=True, kw_only=True)
class ShowStats(Command):
    week: str | None = None  # "this", "last", "YYYY-MM-DD"; read by the use case against the user's today


@dataclass(frozen=True, kw_only=True)
class ShowDiaryNudge(Command):
    """`/remind diary`: when the daily nudge comes, if it is on."""


@dataclass(frozen=True, kw_only=True)
class SetDiaryNudge(Command):
    hour: int | None  # None: turn the nudge off
    minute: int = 0
