"""Friends' records and rules: the friend list, invite outcomes, the keys of the notices friends get."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from core.domain.values import UserId

INVITE_TTL: Final = timedelta(hours=24)
MAX_FRIENDS: Final = 200
MAX_NOTE_CHARS: Final = 500  # guestbook notes


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


def guestbook_key(author: UserId, owner: UserId, note_id: int) -> str:
    return f"guestbook:{author}:{owner}:{note_id}"


def accepted_key(user: UserId, code: str) -> str:
    return f"friend-accepted:{user}:{code}"


def pushes_written_by(user: UserId) -> tuple[str, ...]:
    """The key prefixes of every friends' notice that carries something `user` wrote (taken back on /forget)."""
    return (f"guestbook:{user}:", f"friend-accepted:{user}:")


def guestbook_between(a: UserId, b: UserId) -> tuple[str, ...]:
    """What a and b were sent about each other's guestbooks (taken back when they unfriend)."""
    return (f"guestbook:{a}:{b}:", f"guestbook:{b}:{a}:")
