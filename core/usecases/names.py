"""How a person is named to others (in friends' notices): the name of their first platform account."""

from __future__ import annotations

from core.domain.values import UserId
from core.ports import UnitOfWork


async def display_name(uow: UnitOfWork, user_id: UserId) -> str:
    identities = await uow.users.identities(user_id)
    return identities[0].display_name if identities else "?"
