"""Users, their identities and link codes, and code tries (SQLAlchemy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import (
    CodeTryRow,
    DiaryEntryRow,
    FriendshipRow,
    IdentityRow,
    LinkCodeRow,
    OutboxRow,
    PointLedgerRow,
    UserRow,
)
from core.domain.accounts import CodeTry, IssuedCode
from core.domain.quiet_hours import QuietHours
from core.domain.users import Identity, User
from core.domain.values import Locale, UserId
from core.ports import IdentityTaken


def display_name_of(user_column: object) -> object:
    """The user's display name: their first identity's."""
    return (
        select(IdentityRow.display_name)
        .where(IdentityRow.user_id == user_column)
        .order_by(IdentityRow.id)
        .limit(1)
        .scalar_subquery()
    )


def _user(row: UserRow) -> User:
    return User(
        id=UserId(row.id),
        locale=Locale(row.locale),
        timezone=row.timezone,
        created_at=row.created_at,
        consented_at=row.consented_at,
        forget_requested_at=row.forget_requested_at,
        first_update_key=row.first_update_key,
        push_identity_id=row.push_identity_id,
        push_pinned=bool(row.push_identity_pinned),
        quiet_hours=QuietHours(start=row.quiet_start, end=row.quiet_end)
        if row.quiet_start is not None and row.quiet_end is not None
        else None,
    )


class SqlAlchemyUsers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_identity(self, platform: str, external_id: str) -> User | None:
        found = (
            await self._session.execute(
                select(UserRow, IdentityRow.id)
                .join(IdentityRow, IdentityRow.user_id == UserRow.id)
                .where(IdentityRow.platform == platform, IdentityRow.external_id == external_id)
            )
        ).first()
        return replace(_user(found[0]), arrived_via=found[1]) if found else None

    async def set_push_identity(self, user_id: UserId, identity_id: int | None, *, pinned: bool) -> None:
        await self._set(user_id, push_identity_id=identity_id, push_identity_pinned=pinned)

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
        row = UserRow(locale=locale.value, timezone=timezone, created_at=now, first_update_key=update_key)
        self._session.add(row)
        await self._session.flush()
        self._session.add(
            IdentityRow(
                user_id=row.id,
                platform=platform,
                external_id=external_id,
                display_name=display_name[:200],
                created_at=now,
            )
        )
        try:
            await self._session.flush()
        except IntegrityError as error:  # uq_identities_platform_external_id: the other request won
            raise IdentityTaken(f"{platform}:{external_id}") from error
        return _user(row)

    async def get(self, user_id: UserId, *, for_update: bool = False) -> User | None:
        query = select(UserRow).where(UserRow.id == user_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return _user(row) if row else None

    async def _set(self, user_id: UserId, **values: object) -> None:
        await self._session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))

    async def set_locale(self, user_id: UserId, locale: Locale) -> None:
        await self._set(user_id, locale=locale.value)

    async def set_timezone(self, user_id: UserId, timezone: str) -> None:
        await self._set(user_id, timezone=timezone)

    async def set_consent(self, user_id: UserId, consented_at: datetime | None) -> None:
        await self._set(user_id, consented_at=consented_at)

    async def set_quiet_hours(self, user_id: UserId, quiet: QuietHours | None) -> None:
        await self._set(user_id, quiet_start=quiet.start if quiet else None, quiet_end=quiet.end if quiet else None)

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None:
        await self._set(user_id, forget_requested_at=at)

    async def identities(self, user_id: UserId) -> list[Identity]:
        rows = await self._session.scalars(
            select(IdentityRow).where(IdentityRow.user_id == user_id).order_by(IdentityRow.id)
        )
        return [
            Identity(
                id=r.id,
                user_id=UserId(r.user_id),
                platform=r.platform,
                external_id=r.external_id,
                display_name=r.display_name,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def get_many(self, user_ids: Sequence[UserId]) -> dict[UserId, User]:
        """Several users in one query (a delivery batch's recipients); missing ids are left out."""
        if not user_ids:
            return {}
        rows = await self._session.scalars(select(UserRow).where(UserRow.id.in_(list(set(user_ids)))))
        return {UserId(row.id): _user(row) for row in rows}

    async def identities_of_many(self, user_ids: Sequence[UserId]) -> dict[UserId, list[Identity]]:
        """Each user's identities, oldest first, in one query."""
        found: dict[UserId, list[Identity]] = {}
        if not user_ids:
            return found
        rows = await self._session.scalars(
            select(IdentityRow).where(IdentityRow.user_id.in_(list(set(user_ids)))).order_by(IdentityRow.id)
        )
        for r in rows:
            found.setdefault(UserId(r.user_id), []).append(
                Identity(
                    id=r.id,
                    user_id=UserId(r.user_id),
                    platform=r.platform,
                    external_id=r.external_id,
                    display_name=r.display_name,
                    created_at=r.created_at,
                )
            )
        return found

    async def create_link_code(self, user_id: UserId, *, code: str, now: datetime, expires_at: datetime) -> None:
        self._session.add(LinkCodeRow(code=code, user_id=user_id, created_at=now, expires_at=expires_at))
        await self._session.flush()

    async def take_link_code(self, code: str, *, now: datetime) -> UserId | None:
        """The user who made `code`, marking it used; None when it is unknown, used or expired."""
        owner = await self._session.scalar(
            update(LinkCodeRow)
            .where(LinkCodeRow.code == code, LinkCodeRow.used_at.is_(None), LinkCodeRow.expires_at > now)
            .values(used_at=now)
            .returning(LinkCodeRow.user_id)
        )
        return UserId(owner) if owner is not None else None

    async def link_codes_since(self, user_id: UserId, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(LinkCodeRow)
            .where(LinkCodeRow.user_id == user_id, LinkCodeRow.created_at >= since)
        )
        return int(count or 0)

    async def link_codes_of(self, user_id: UserId) -> list[IssuedCode]:
        rows = await self._session.scalars(
            select(LinkCodeRow).where(LinkCodeRow.user_id == user_id).order_by(LinkCodeRow.id)
        )
        return [IssuedCode(made_at=r.created_at, expires_at=r.expires_at, used_at=r.used_at) for r in rows]

    async def detach_identity(self, identity_id: int, *, now: datetime) -> UserId:
        """Move one linked account out to a new user of its own (same language and zone, nothing else)."""
        identity = await self._session.get(IdentityRow, identity_id)
        assert identity is not None
        old = await self._session.get(UserRow, identity.user_id)
        assert old is not None
        fresh = UserRow(locale=old.locale, timezone=old.timezone, created_at=now)
        self._session.add(fresh)
        await self._session.flush()
        await self._session.execute(update(IdentityRow).where(IdentityRow.id == identity_id).values(user_id=fresh.id))
        return UserId(fresh.id)

    async def has_own_records(self, user_id: UserId) -> bool:
        """Whether the account keeps a diary, points or friends of its own (then it cannot be folded into
        another user without choosing whose to keep)."""
        for query in (
            select(DiaryEntryRow.id).where(DiaryEntryRow.user_id == user_id),
            select(PointLedgerRow.id).where(PointLedgerRow.user_id == user_id),
            select(FriendshipRow.user_id).where(FriendshipRow.user_id == user_id),
        ):
            if await self._session.scalar(query.limit(1)) is not None:
                return True
        return False

    async def fold_into(self, source: UserId, target: UserId) -> None:
        """Move `source`'s accounts, its pushes and code tries to `target`, then delete it (the products have moved
        their own rows before: see AccountPart.fold)."""
        for model in (IdentityRow, OutboxRow, CodeTryRow):
            await self._session.execute(update(model).where(model.user_id == source).values(user_id=target))
        await self._session.execute(delete(LinkCodeRow).where(LinkCodeRow.user_id == source))
        await self._session.execute(delete(UserRow).where(UserRow.id == source))

    async def ids_after(self, after: int, *, limit: int) -> list[UserId]:
        rows = await self._session.scalars(
            select(UserRow.id).where(UserRow.id > after).order_by(UserRow.id).limit(limit)
        )
        return [UserId(i) for i in rows]

    async def delete_user(self, user_id: UserId) -> None:
        """The user row and what the account itself holds (the products have deleted their own rows before: see
        AccountPart.forget). Explicit deletes rather than trusting ON DELETE CASCADE alone, so a SQLite connection
        opened without foreign keys still leaves nothing behind."""
        await self._session.execute(delete(LinkCodeRow).where(LinkCodeRow.user_id == user_id))
        await self._session.execute(delete(CodeTryRow).where(CodeTryRow.user_id == user_id))
        await self._session.execute(delete(OutboxRow).where(OutboxRow.user_id == user_id))
        await self._session.execute(delete(IdentityRow).where(IdentityRow.user_id == user_id))
        await self._session.execute(delete(UserRow).where(UserRow.id == user_id))


class SqlAlchemyCodeTries:
    """Code tries that were not right, per user (see core.domain.accounts.paused_until)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, user_id: UserId, *, kind: str, now: datetime) -> int:
        row = CodeTryRow(user_id=user_id, kind=kind, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def since(self, user_id: UserId, since: datetime) -> list[datetime]:
        rows = await self._session.scalars(
            select(CodeTryRow.created_at)
            .where(CodeTryRow.user_id == user_id, CodeTryRow.created_at > since)
            .order_by(CodeTryRow.created_at)
        )
        return list(rows.all())

    async def remove(self, try_id: int) -> None:
        await self._session.execute(delete(CodeTryRow).where(CodeTryRow.id == try_id))

    async def prune(self, user_id: UserId, *, before: datetime) -> None:
        await self._session.execute(
            delete(CodeTryRow).where(CodeTryRow.user_id == user_id, CodeTryRow.created_at <= before)
        )

    async def of_user(self, user_id: UserId) -> list[CodeTry]:
        rows = await self._session.scalars(
            select(CodeTryRow).where(CodeTryRow.user_id == user_id).order_by(CodeTryRow.id)
        )
        return [CodeTry(kind=r.kind, at=r.created_at) for r in rows]
