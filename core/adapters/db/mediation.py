"""Couple mediation's couples, sessions and sides (SQLAlchemy): see core.ports.Mediations. Sides and posts are
sealed by the cipher (encrypted at rest when a key is configured)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import IdentityRow, MediationCoupleRow, MediationSessionRow, MediationSideRow
from core.adapters.db.users import display_name_of
from core.domain.values import Locale, UserId
from core.ports import Cipher
from core.products.mediation.domain import PARTNERS, Couple, Post, Session, Side, State


def _open_chat(platform: str, chat_id: str) -> str:
    return f"{platform}:{chat_id}"


def _couple(row: MediationCoupleRow, first_name: str | None = None, second_name: str | None = None) -> Couple:
    return Couple(
        id=row.id,
        platform=row.platform,
        chat_id=row.chat_id,
        first_id=UserId(row.first_id),
        second_id=UserId(row.second_id),
        child_name=row.child_name,
        first_name=first_name or "?",
        second_name=second_name or "?",
    )


_COUPLE = select(  # type: ignore[call-overload]
    MediationCoupleRow,
    display_name_of(MediationCoupleRow.first_id),
    display_name_of(MediationCoupleRow.second_id),
)


_SESSION = select(MediationSessionRow, MediationCoupleRow.child_name).outerjoin(
    MediationCoupleRow, MediationCoupleRow.id == MediationSessionRow.couple_id
)


class SqlAlchemyMediations:
    def __init__(self, session: AsyncSession, cipher: Cipher) -> None:
        self._session = session
        self._cipher = cipher

    def _to_session(self, row: MediationSessionRow, child_name: str | None) -> Session:
        return Session(
            id=row.id,
            platform=row.platform,
            chat_id=row.chat_id,
            chat_title=row.chat_title,
            couple_id=row.couple_id,
            child_name=child_name,
            opened_by=UserId(row.opened_by),
            state=State(row.state),
            locale=Locale(row.locale),
            opened_at=row.opened_at,
            expires_at=row.expires_at,
            closed_at=row.closed_at,
            post=Post.from_json(self._cipher.decrypt(row.post)) if row.post is not None else None,
        )

    def _to_side(self, row: MediationSideRow, name: str | None) -> Side:
        return Side(
            session_id=row.session_id,
            user_id=UserId(row.user_id),
            name=name or "?",
            joined_at=row.joined_at,
            text=self._cipher.decrypt(row.text) if row.text is not None else None,
            given_at=row.given_at,
            quote_ok=row.quote_ok,
            paused_at=row.paused_at,
        )

    async def _sessions(self, *where: object) -> list[Session]:
        rows = await self._session.execute(_SESSION.where(*where).order_by(MediationSessionRow.opened_at))  # type: ignore[arg-type]
        return [self._to_session(row, child) for row, child in rows]

    # --- couples -----------------------------------------------------------------------------------------------

    async def couple_in(self, platform: str, chat_id: str) -> Couple | None:
        found = (
            await self._session.execute(
                _COUPLE.where(MediationCoupleRow.platform == platform, MediationCoupleRow.chat_id == chat_id)
            )
        ).first()
        return _couple(*found) if found is not None else None

    async def create_couple(
        self, *, platform: str, chat_id: str, first: UserId, second: UserId, now: datetime
    ) -> Couple | None:
        row = MediationCoupleRow(platform=platform, chat_id=chat_id, first_id=first, second_id=second, created_at=now)
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            return None
        return await self.couple_in(platform, chat_id)

    async def name_child(self, couple_id: int, name: str) -> None:
        await self._session.execute(
            update(MediationCoupleRow).where(MediationCoupleRow.id == couple_id).values(child_name=name)
        )

    async def couples_of(self, user_id: UserId) -> list[Couple]:
        rows = await self._session.execute(
            _COUPLE.where(
                or_(MediationCoupleRow.first_id == user_id, MediationCoupleRow.second_id == user_id)
            ).order_by(MediationCoupleRow.id)
        )
        return [_couple(*row) for row in rows]

    # --- sessions ----------------------------------------------------------------------------------------------

    async def open_in(self, platform: str, chat_id: str) -> Session | None:
        found = await self._sessions(MediationSessionRow.open_chat == _open_chat(platform, chat_id))
        return found[0] if found else None

    async def open_session(
        self,
        *,
        platform: str,
        chat_id: str,
        chat_title: str | None,
        couple_id: int | None,
        locale: Locale,
        opener: UserId,
        now: datetime,
        expires_at: datetime,
    ) -> Session | None:
        row = MediationSessionRow(
            platform=platform,
            chat_id=chat_id,
            chat_title=(chat_title or None) and chat_title[:200],
            couple_id=couple_id,
            state=State.OPEN.value,
            locale=locale.value,
            opened_by=opener,
            open_chat=_open_chat(platform, chat_id),
            opened_at=now,
            expires_at=expires_at,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            return None
        self._session.add(MediationSideRow(session_id=row.id, user_id=opener, joined_at=now, quote_ok=False))
        await self._session.flush()
        return await self.get(row.id)

    async def get(self, session_id: int) -> Session | None:
        found = await self._sessions(MediationSessionRow.id == session_id)
        return found[0] if found else None

    async def join(self, session_id: int, user_id: UserId, *, couple_id: int, now: datetime) -> bool:
        try:
            async with self._session.begin_nested():
                self._session.add(
                    MediationSideRow(session_id=session_id, user_id=user_id, joined_at=now, quote_ok=False)
                )
                await self._session.flush()
        except IntegrityError:
            return False
        await self._session.execute(
            update(MediationSessionRow).where(MediationSessionRow.id == session_id).values(couple_id=couple_id)
        )
        return True

    async def sides(self, session_id: int) -> list[Side]:
        rows = await self._session.execute(
            select(MediationSideRow, MediationSessionRow.opened_by, display_name_of(MediationSideRow.user_id))  # type: ignore[call-overload]
            .join(MediationSessionRow, MediationSessionRow.id == MediationSideRow.session_id)
            .where(MediationSideRow.session_id == session_id)
        )
        found = [(row.user_id != opener, row.joined_at, self._to_side(row, name)) for row, opener, name in rows]
        return [side for _, _, side in sorted(found, key=lambda item: (item[0], item[1]))]

    async def awaiting(self, platform: str, external_id: str) -> int | None:
        return await self._session.scalar(
            select(MediationSessionRow.id)
            .join(MediationSideRow, MediationSideRow.session_id == MediationSessionRow.id)
            .join(IdentityRow, IdentityRow.user_id == MediationSideRow.user_id)
            .where(
                IdentityRow.platform == platform,
                IdentityRow.external_id == external_id,
                MediationSessionRow.state == State.OPEN.value,
                MediationSideRow.given_at.is_(None),
                MediationSideRow.paused_at.is_(None),
            )
            .order_by(MediationSessionRow.opened_at.desc(), MediationSessionRow.id.desc())
            .limit(1)
        )

    async def current_of(self, user_id: UserId) -> tuple[Session, Side] | None:
        awaited = case((and_(MediationSideRow.given_at.is_(None), MediationSideRow.paused_at.is_(None)), 0), else_=1)
        session_id = await self._session.scalar(
            select(MediationSessionRow.id)
            .join(MediationSideRow, MediationSideRow.session_id == MediationSessionRow.id)
            .where(MediationSideRow.user_id == user_id, MediationSessionRow.state == State.OPEN.value)
            .order_by(awaited, MediationSessionRow.opened_at.desc(), MediationSessionRow.id.desc())
            .limit(1)
        )
        if session_id is None:
            return None
        session = await self.get(session_id)
        mine = next((side for side in await self.sides(session_id) if side.user_id == user_id), None)
        return (session, mine) if session is not None and mine is not None else None

    def _side(self, session_id: int, user_id: UserId) -> object:
        return (MediationSideRow.session_id == session_id) & (MediationSideRow.user_id == user_id)

    async def give_side(self, session_id: int, user_id: UserId, text: str, *, now: datetime) -> None:
        await self._session.execute(
            update(MediationSideRow)
            .where(self._side(session_id, user_id))  # type: ignore[arg-type]
            .values(text=self._cipher.encrypt(text), given_at=now)
        )

    async def allow_quote(self, session_id: int, user_id: UserId, allowed: bool) -> None:
        await self._session.execute(
            update(MediationSideRow).where(self._side(session_id, user_id)).values(quote_ok=allowed)  # type: ignore[arg-type]
        )

    async def pause(self, session_id: int, user_id: UserId, *, now: datetime) -> None:
        await self._session.execute(
            update(MediationSideRow).where(self._side(session_id, user_id)).values(paused_at=now)  # type: ignore[arg-type]
        )

    async def resume(self, session_id: int, user_id: UserId) -> None:
        await self._session.execute(
            update(MediationSideRow).where(self._side(session_id, user_id)).values(paused_at=None)  # type: ignore[arg-type]
        )

    async def close(self, session_id: int, state: State, *, now: datetime, post: Post | None = None) -> bool:
        result = await self._session.execute(
            update(MediationSessionRow)
            .where(MediationSessionRow.id == session_id, MediationSessionRow.state == State.OPEN.value)
            .values(
                state=state.value,
                open_chat=None,
                closed_at=now,
                post=self._cipher.encrypt(post.to_json()) if post is not None else None,
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        # a side was given for this one post: once the session is over, the words are not kept
        await self._session.execute(
            update(MediationSideRow).where(MediationSideRow.session_id == session_id).values(text=None)
        )
        return True

    async def due_to_expire(self, *, now: datetime) -> list[Session]:
        return await self._sessions(
            MediationSessionRow.state == State.OPEN.value, MediationSessionRow.expires_at <= now
        )

    async def stuck(self, *, given_before: datetime) -> list[Session]:
        both_given = (
            select(MediationSideRow.session_id)
            .where(MediationSideRow.given_at < given_before)
            .group_by(MediationSideRow.session_id)
            .having(func.count() == PARTNERS)
        )
        return await self._sessions(
            MediationSessionRow.state == State.OPEN.value, MediationSessionRow.id.in_(both_given)
        )

    async def latest_posted(self, platform: str, chat_id: str) -> Session | None:
        found = await self._sessions(
            MediationSessionRow.platform == platform,
            MediationSessionRow.chat_id == chat_id,
            MediationSessionRow.state == State.POSTED.value,
        )
        return found[-1] if found else None

    async def sessions_of(self, user_id: UserId) -> list[tuple[Session, Side]]:
        ids = (
            await self._session.scalars(select(MediationSideRow.session_id).where(MediationSideRow.user_id == user_id))
        ).all()
        result = []
        for session in await self._sessions(MediationSessionRow.id.in_(ids)):
            mine = next(side for side in await self.sides(session.id) if side.user_id == user_id)
            result.append((session, mine))
        return result

    # --- the account ---------------------------------------------------------------------------------------------

    async def forget_user(self, user_id: UserId) -> list[int]:
        couples = select(MediationCoupleRow.id).where(
            or_(MediationCoupleRow.first_id == user_id, MediationCoupleRow.second_id == user_id)
        )
        joined = select(MediationSideRow.session_id).where(MediationSideRow.user_id == user_id)
        ids = list(
            (
                await self._session.scalars(
                    select(MediationSessionRow.id).where(
                        or_(
                            MediationSessionRow.id.in_(joined),
                            MediationSessionRow.couple_id.in_(couples),
                            MediationSessionRow.opened_by == user_id,
                        )
                    )
                )
            ).all()
        )
        await self._session.execute(delete(MediationSideRow).where(MediationSideRow.session_id.in_(ids)))
        await self._session.execute(delete(MediationSessionRow).where(MediationSessionRow.id.in_(ids)))
        await self._session.execute(delete(MediationCoupleRow).where(MediationCoupleRow.id.in_(couples)))
        return ids

    async def fold_user(self, source: UserId, target: UserId) -> None:
        # a session both accounts are in keeps target's place alone
        both = select(MediationSideRow.session_id).where(MediationSideRow.user_id == target)
        await self._session.execute(
            delete(MediationSideRow).where(MediationSideRow.user_id == source, MediationSideRow.session_id.in_(both))
        )
        await self._session.execute(
            update(MediationSideRow).where(MediationSideRow.user_id == source).values(user_id=target)
        )
        await self._session.execute(
            update(MediationSessionRow).where(MediationSessionRow.opened_by == source).values(opened_by=target)
        )
        # a couple of the two accounts of one person is no couple
        await self._session.execute(
            delete(MediationCoupleRow).where(
                or_(
                    (MediationCoupleRow.first_id == source) & (MediationCoupleRow.second_id == target),
                    (MediationCoupleRow.first_id == target) & (MediationCoupleRow.second_id == source),
                )
            )
        )
        await self._session.execute(
            update(MediationCoupleRow).where(MediationCoupleRow.first_id == source).values(first_id=target)
        )
        await self._session.execute(
            update(MediationCoupleRow).where(MediationCoupleRow.second_id == source).values(second_id=target)
        )
