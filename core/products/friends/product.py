"""The friends product's registration: friends: invite codes, the friend list, guestbooks; friends see each other's
shared diary entries."""

from __future__ import annotations

from core.products.friends.account import ACCOUNT
from core.products.friends.commands import (
    AcceptFriend,
    InviteFriend,
    ListFriends,
    RemoveFriend,
    ShowGuestbook,
    WriteGuestbook,
)
from core.products.friends.service import FriendsService
from core.products.friends.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    friends = FriendsService(uow=kit.uow, clock=kit.clock, gate=kit.gate, guard=kit.code_guard)
    return Built(
        handlers={
            InviteFriend: friends.invite,
            AcceptFriend: friends.accept,
            ListFriends: friends.list_friends,
            RemoveFriend: friends.remove,
            WriteGuestbook: friends.write_guestbook,
            ShowGuestbook: friends.show_guestbook,
        }
    )


PRODUCT = Product(name="friends", verbs=VERBS, build=_build, account=ACCOUNT)
