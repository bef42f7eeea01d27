"""Friends' commands: invite codes, the friend list and guestbooks."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class InviteFriend(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class AcceptFriend(Command):
    code: str


@dataclass(frozen=True, kw_only=True)
class ListFriends(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class RemoveFriend(Command):
    position: int  # as numbered by /friend list


@dataclass(frozen=True, kw_only=True)
class WriteGuestbook(Command):
    position: int | None = None  # the friend, as numbered by /friend list
    text: str  # the note; without a `position`, the friend's name and then the note ("민지 힘내!")


@dataclass(frozen=True, kw_only=True)
class ShowGuestbook(Command):
    pass
