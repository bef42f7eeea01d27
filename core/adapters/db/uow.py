"""The unit of work: one session, one transaction per use case step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.adapters.db.books import SqlAlchemyBooks
from core.adapters.db.choices import SqlAlchemyHeldChoices
from core.adapters.db.clubs import SqlAlchemyClubs, SqlAlchemyQuizzes
from core.adapters.db.counseling import SqlAlchemyCounseling
from core.adapters.db.diary import SqlAlchemyDiary
from core.adapters.db.friends import SqlAlchemyFriends
from core.adapters.db.inbox import SqlAlchemyInbox
from core.adapters.db.leases import SqlAlchemyLeases
from core.adapters.db.mediation import SqlAlchemyMediations
from core.adapters.db.outbox import SqlAlchemyOutbox
from core.adapters.db.points import SqlAlchemyPoints
from core.adapters.db.recipes import SqlAlchemyRecipes
from core.adapters.db.schedules import SqlAlchemySchedules
from core.adapters.db.shopping import SqlAlchemyBroadcasts, SqlAlchemyWatches
from core.adapters.db.usage import SqlAlchemyUsage
from core.adapters.db.users import SqlAlchemyCodeTries, SqlAlchemyUsers
from core.ports import Cipher

R = TypeVar("R")


class SqlAlchemyUnitOfWork:
    """Rolls back unless `commit()` was called: a failure half-way stores nothing."""

    users: SqlAlchemyUsers
    counseling: SqlAlchemyCounseling
    usage: SqlAlchemyUsage
    outbox: SqlAlchemyOutbox
    leases: SqlAlchemyLeases
    inbox: SqlAlchemyInbox
    points: SqlAlchemyPoints
    diary: SqlAlchemyDiary
    friends: SqlAlchemyFriends
    schedules: SqlAlchemySchedules
    code_tries: SqlAlchemyCodeTries
    clubs: SqlAlchemyClubs
    quizzes: SqlAlchemyQuizzes
    books: SqlAlchemyBooks
    mediations: SqlAlchemyMediations
    choices: SqlAlchemyHeldChoices
    watches: SqlAlchemyWatches
    broadcasts: SqlAlchemyBroadcasts
    recipes: SqlAlchemyRecipes

    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        self._session = self._sessions()
        self.users = SqlAlchemyUsers(self._session)
        self.counseling = SqlAlchemyCounseling(self._session, self._cipher)
        self.usage = SqlAlchemyUsage(self._session)
        self.outbox = SqlAlchemyOutbox(self._session, self._cipher)
        self.leases = SqlAlchemyLeases(self._session)
        self.inbox = SqlAlchemyInbox(self._session, self._cipher)
        self.points = SqlAlchemyPoints(self._session)
        self.diary = SqlAlchemyDiary(self._session, self._cipher)
        self.friends = SqlAlchemyFriends(self._session)
        self.schedules = SqlAlchemySchedules(self._session)
        self.code_tries = SqlAlchemyCodeTries(self._session)
        self.clubs = SqlAlchemyClubs(self._session, self._cipher)
        self.quizzes = SqlAlchemyQuizzes(self._session)
        self.books = SqlAlchemyBooks(self._session)
        self.mediations = SqlAlchemyMediations(self._session, self._cipher)
        self.choices = SqlAlchemyHeldChoices(self._session, self._cipher)
        self.watches = SqlAlchemyWatches(self._session)
        self.broadcasts = SqlAlchemyBroadcasts(self._session)
        self.recipes = SqlAlchemyRecipes(self._session)
        return self

    def repository(self, build: Callable[[Any, Cipher], R]) -> R:
        """A product's own repository, on this unit of work's session and cipher."""
        assert self._session is not None, "a repository exists only inside `async with uow`"
        return build(self._session, self._cipher)

    async def __aexit__(self, *exc: Any) -> None:
        assert self._session is not None
        try:
            await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None

    async def commit(self) -> None:
        assert self._session is not None
        await self._session.commit()

    async def rollback(self) -> None:
        assert self._session is not None
        await self._session.rollback()


class SqlAlchemyUnitOfWorkFactory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: Cipher) -> None:
        self._sessions = sessions
        self._cipher = cipher
        bind = sessions.kw.get("bind")
        # Reads of one statement need no transaction: in autocommit there is no BEGIN and no ROLLBACK (two round trips
        # of three on PostgreSQL), and on SQLite no write lock (every transaction here begins IMMEDIATE).
        self._reading = (
            async_sessionmaker(bind.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
            if bind is not None
            else sessions
        )

    def __call__(self, *, reading: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self._reading if reading else self._sessions, self._cipher)
