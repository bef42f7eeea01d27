"""The emotion diary's commands: entries, the friends' feed, comments, weekly stats and the nightly nudge."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.domain.emotion import Emotion
from core.domain.values import UserId


@dataclass(frozen=True, kw_only=True)
class EntryRef:
    """An entry as a person names it: one of their own by its number ("3"), or a friend's by the friend's name as
    /friend list shows it and the friend's own number for it ("민지 3"). When two friends share a name, "@2 3"
    names the one numbered 2 in /friend list; a button names the friend by user id."""

    number: int
    friend: str | None = None
    friend_position: int | None = None
    owner: UserId | None = None

    @property
    def mine(self) -> bool:
        return self.friend is None and self.friend_position is None and self.owner is None


@dataclass(frozen=True, kw_only=True)
class WriteDiary(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class ListDiaries(Command):
    before_number: int | None = None  # keyset: the page after the entry with this number


@dataclass(frozen=True, kw_only=True)
class ChangeEntry(Command):
    entry: EntryRef
    change: str  # "friends" | "private" | "delete" (asks first) | "delete_confirmed" | "show" | "mood"
    emotion: Emotion | None = None  # "mood": the feeling the writer says the entry has
    intensity: int | None = None  # "mood": 1–5; None keeps the entry's


@dataclass(frozen=True, kw_only=True)
class ShowFeed(Command):
    """Friends' friends-visible entries, newest first."""

    before_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CommentOnEntry(Command):
    entry: EntryRef
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
