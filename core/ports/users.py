"""Users, their linked platform identities and link codes, and the codes they typed wrong."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.domain.accounts import CodeTry, IssuedCode
from core.domain.quiet_hours import QuietHours
from core.domain.users import Identity, User
from core.domain.values import Locale, UserId


class IdentityTaken(Exception):
    """A user with this platform identity was created meanwhile (two first messages at once); read it instead."""


class Users(Protocol):
    async def by_identity(self, platform: str, external_id: str) -> User | None: ...

    async def set_push_identity(self, user_id: UserId, identity_id: int | None, *, pinned: bool) -> None:
        """Pushes go to this linked account (`pinned`: chosen with /link primary, kept until changed there)."""
        ...

    async def create(
        self,
        *,
        platform: str,
        external_id: str,
        display_name: str,
        locale: Locale,
        timezone: str,
        now: datetime,
        update_key: str | None = None,
    ) -> User:
        """A new user with this identity; IdentityTaken when another transaction created it first."""
        ...

    async def get(self, user_id: UserId, *, for_update: bool = False) -> User | None: ...

    async def set_locale(self, user_id: UserId, locale: Locale) -> None: ...

    async def set_timezone(self, user_id: UserId, timezone: str) -> None: ...

    async def set_consent(self, user_id: UserId, consented_at: datetime | None) -> None: ...

    async def set_quiet_hours(self, user_id: UserId, quiet: QuietHours | None) -> None: ...

    async def create_link_code(self, user_id: UserId, *, code: str, now: datetime, expires_at: datetime) -> None: ...

    async def take_link_code(self, code: str, *, now: datetime) -> UserId | None: ...

    async def link_codes_since(self, user_id: UserId, since: datetime) -> int:
        """Link codes the user made since `since` (the daily limit)."""
        ...

    async def link_codes_of(self, user_id: UserId) -> list[IssuedCode]: ...

    async def detach_identity(self, identity_id: int, *, now: datetime) -> UserId:
        """Move one linked account out to a new user of its own; that user's id."""
        ...

    async def has_own_records(self, user_id: UserId) -> bool: ...

    async def fold_into(self, source: UserId, target: UserId) -> None: ...

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None: ...

    async def identities(self, user_id: UserId) -> list[Identity]: ...

    async def get_many(self, user_ids: Sequence[UserId]) -> dict[UserId, User]:
        """Several users in one query (a delivery batch's recipients); missing ids are left out."""
        ...

    async def identities_of_many(self, user_ids: Sequence[UserId]) -> dict[UserId, list[Identity]]:
        """Each user's identities, oldest first, in one query."""
        ...

    async def delete_user(self, user_id: UserId) -> None:
        """The user row and what the account itself holds; the products delete their own rows first."""
        ...

    async def ids_after(self, after: int, *, limit: int) -> list[UserId]:
        """User ids in order, for paging through everyone (announcements)."""
        ...


class CodeTries(Protocol):
    """/link and /friend accept codes typed that were not right (or are still being checked)."""

    async def add(self, user_id: UserId, *, kind: str, now: datetime) -> int: ...

    async def since(self, user_id: UserId, since: datetime) -> list[datetime]: ...

    async def remove(self, try_id: int) -> None: ...

    async def prune(self, user_id: UserId, *, before: datetime) -> None: ...

    async def of_user(self, user_id: UserId) -> list[CodeTry]: ...
