"""Book-club rooms: a group chat made a reading club, its members and its leader (👑)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from core.domain.values import DEFAULT_LOCALE, Locale, UserId

MAX_ROOM_NAME: Final = 40
DEFAULT_REMIND_MINUTES: Final = 10  # before a meeting, unless the room says otherwise (/club remind 30m)


@dataclass(frozen=True, kw_only=True)
class Room:
    id: int
    platform: str
    chat_id: str
    name: str
    timezone: str  # its creator's at /club start: meetings are read and shown in it
    leader_id: UserId
    remind_minutes: int
    created_at: datetime
    locale: Locale = DEFAULT_LOCALE  # its creator's at /club start: the room's posts (reminders, summaries) speak it


@dataclass(frozen=True, kw_only=True)
class Member:
    user_id: UserId
    name: str
    joined_at: datetime


def next_leader(members: Sequence[Member], *, leaving: UserId) -> UserId | None:
    """When the leader leaves, the longest-standing member leads; None when nobody is left."""
    staying = sorted((m for m in members if m.user_id != leaving), key=lambda m: (m.joined_at, m.user_id))
    return staying[0].user_id if staying else None


def clean_room_name(typed: str) -> str | None:
    """A room's name as typed (spaces collapsed), or None when it is empty or too long."""
    name = " ".join(typed.split())
    return name if 0 < len(name) <= MAX_ROOM_NAME else None


def find_member(members: Sequence[Member], typed: str) -> Member | None:
    """The member a person named (`@준호`, `준호`): by name, ignoring case and a leading @."""
    wanted = typed.strip().removeprefix("@").casefold()
    matches = [m for m in members if m.name.casefold() == wanted]
    return matches[0] if len(matches) == 1 else None
