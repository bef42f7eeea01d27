"""The friends product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.friends.commands import (
    AcceptFriend,
    InviteFriend,
    ListFriends,
    RemoveFriend,
    ShowGuestbook,
    WriteGuestbook,
)
from core.registration import DIRECT, Verb, Words
from core.routing import number


def _friend(inv: Invocation) -> Command:
    head = inv.args[0].lower() if inv.args else ""
    if head in {"invite", "초대"} and len(inv.args) == 1:
        return InviteFriend()
    if head in {"accept", "수락"} and len(inv.args) >= 2:
        return AcceptFriend(code="".join(inv.args[1:]))
    if head in {"list", "목록"} or not inv.args:
        return ListFriends()
    if head in {"remove", "삭제", "끊기"} and len(inv.args) == 2:
        return RemoveFriend(position=number(inv.args[1], "friend.usage"))
    raise UsageError("friend.usage")


def _guestbook(inv: Invocation) -> Command:
    """`/guestbook 2 힘내!` (the friend numbered 2 in /friend list; "@2" too) or `/guestbook 민지 힘내!` (by name,
    spaces and all: the name is matched against the friend list when the note is written)."""
    if not inv.args:
        return ShowGuestbook()
    parts = inv.rest.split(None, 1)
    if len(parts) < 2 or not parts[1].strip():
        raise UsageError("guestbook.usage")
    head = parts[0].removeprefix("@").removeprefix("#")
    if head and all(c.isdigit() for c in head):  # "²" too, to be told the usage rather than "no friend called ²"
        return WriteGuestbook(position=number(head, "guestbook.usage"), text=parts[1].strip())
    return WriteGuestbook(text=inv.rest.strip())


VERBS: tuple[Verb, ...] = (
    Verb(
        name="friend",
        parse=_friend,
        usage_key="friend.usage",
        summary_key="friend.summary",
        where=DIRECT,
        aliases=("친구",),
        words=Words(key="args", required=False, max_length=100),
    ),
    Verb(
        name="guestbook",
        parse=_guestbook,
        usage_key="guestbook.usage",
        summary_key="guestbook.summary",
        where=DIRECT,
        aliases=("방명록",),
        words=Words(key="args", required=False, max_length=600),
    ),
)
