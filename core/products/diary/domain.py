"""The emotion diary's records and rules: who may see an entry, invite codes, what earns points."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from core.domain.emotion import Emotion
from core.domain.values import UserId

MAX_ENTRY_CHARS: Final = 4_000
MAX_NOTE_CHARS: Final = 500  # comments and guestbook notes
# An entry written before consent waits this long for the answer to the consent question, then is deleted.
PENDING_DIARY_TTL: Final = timedelta(minutes=15)
MAX_PENDING_DIARIES: Final = 5  # held per person; more are not kept
INVITE_TTL: Final = timedelta(hours=24)
LINK_TTL: Final = timedelta(minutes=10)  # /link codes: typed on another device right away
INVITE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without doubt
INVITE_LENGTH: Final = 8
MAX_FRIENDS: Final = 200
PAGE_SIZE: Final = 5

FRIENDS_PUSH_KIND: Final = "friends"  # the outbox kind of every notice between friends

POINTS_FIRST_OF_DAY: Final = 10
POINTS_STREAK: Final = 30
STREAK_DAYS: Final = 7
POINTS_EXTRA_WORRY: Final = 20


class Visibility(StrEnum):
    PRIVATE = "private"
    FRIENDS = "friends"


@dataclass(frozen=True, kw_only=True)
class DiaryEntry:
    id: int
    user_id: UserId
    text: str
    emotion: Emotion
    intensity: int
    visibility: Visibility
    comment: str | None
    local_date: date
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Note:
    """A comment on an entry or a guestbook note."""

    id: int
    author_id: UserId
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Friend:
    user_id: UserId
    name: str
    since: datetime


class InviteOutcome(StrEnum):
    ACCEPTED = "accepted"
    UNKNOWN = "unknown"  # no such code, or used already, or expired: one answer, so codes cannot be probed
    SELF = "self"
    ALREADY = "already"
    FULL = "full"


# Dedupe keys of the pushes friends get; each starts with its writer, so what someone wrote can be taken back
# (deleted entry, unfriended, /forget) by key prefix.
def shared_entry_key(author: UserId, friend: UserId, entry_id: int) -> str:
    return f"diary-shared:{author}:{friend}:{entry_id}"


def comment_key(author: UserId, entry_id: int, comment_id: int) -> str:
    return f"diary-comment:{author}:{entry_id}:{comment_id}"


def guestbook_key(author: UserId, owner: UserId, note_id: int) -> str:
    return f"guestbook:{author}:{owner}:{note_id}"


def accepted_key(user: UserId, code: str) -> str:
    return f"friend-accepted:{user}:{code}"


def pushes_written_by(user: UserId) -> tuple[str, ...]:
    """The key prefixes of every push that carries something `user` wrote."""
    return (f"diary-shared:{user}:", f"diary-comment:{user}:", f"guestbook:{user}:", f"friend-accepted:{user}:")


def pushes_between(a: UserId, b: UserId) -> tuple[str, ...]:
    """What a and b were sent about each other's entries and guestbooks (withdrawn when they unfriend)."""
    return (f"diary-shared:{a}:{b}:", f"diary-shared:{b}:{a}:", f"guestbook:{a}:{b}:", f"guestbook:{b}:{a}:")


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalize_invite_code(typed: str) -> str | None:
    """What a person typed ("abcd-efgh", "ABCD EFGH") as a code, or None when it cannot be one."""
    code = "".join(ch for ch in typed.upper() if ch not in "- ")
    if len(code) != INVITE_LENGTH or any(ch not in INVITE_ALPHABET for ch in code):
        return None
    return code


def show_invite_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def can_read(entry: DiaryEntry, reader: UserId, *, friends: bool) -> bool:
    """The owner reads everything of theirs; a friend reads friends-visible entries; nobody else reads anything."""
    if entry.user_id == reader:
        return True
    return friends and entry.visibility is Visibility.FRIENDS


def points_for_entry(*, first_of_day: bool, streak: int) -> list[tuple[str, int]]:
    """(reason, points) earned by an entry: the first of a day, and a bonus each time a streak reaches 7, 14…"""
    if not first_of_day:
        return []
    earned = [("diary.first_of_day", POINTS_FIRST_OF_DAY)]
    if streak > 0 and streak % STREAK_DAYS == 0:
        earned.append(("diary.streak_7", POINTS_STREAK))
    return earned
