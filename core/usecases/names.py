"""How a person is named to others (in friends' notices): the name of their first platform account."""

from __future__ import annotations

from core.domain.values import UserId
from core.ports import UnitOfWork


async def display_name(uow: UnitOfWork, user_id: UserId) -> str:
    identities = await uow.users.identities(user_id)
    return identities[0].display_name if identities else "?"


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def is_named(typed: str, name: str) -> bool:
    """Whether `typed` names the person called `name`: any case and spacing, and "민지님" for 민지 (people add the
    honorific when they type a name)."""
    wanted, plain = _plain(typed), _plain(name)
    return bool(plain) and (wanted == plain or (wanted.endswith("님") and wanted[:-1].rstrip() == plain))
