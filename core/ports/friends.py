"""Friendships and invite codes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import UserId
from core.products.friends.domain import Friend, InviteOutcome


class Friends(Protocol):
    async def create_invite(self, *, inviter: UserId, code: str, now: datetime, expires_at: datetime) -> None: ...

    async def invites_made(self, inviter: UserId) -> list[dict[str, str | None]]: ...

    async def invites_since(self, inviter: UserId, since: datetime) -> int: ...

    async def redeem(self, code: str, *, user: UserId, now: datetime) -> tuple[InviteOutcome, UserId | None]: ...

    async def are_friends(self, a: UserId, b: UserId) -> bool: ...

    async def ids(self, user: UserId) -> list[UserId]: ...

    async def list(self, user: UserId) -> list[Friend]: ...

    async def remove(self, a: UserId, b: UserId) -> bool: ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...
