"""The unit of work: one transaction and the repositories on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from core.ports.books import Books
from core.ports.choices import HeldChoices
from core.ports.clubs import Clubs, Quizzes
from core.ports.counseling import Counseling
from core.ports.crypto import Cipher
from core.ports.diary import Diary
from core.ports.friends import Friends
from core.ports.inbox import Inbox
from core.ports.leases import Leases
from core.ports.mediation import Mediations
from core.ports.outbox import Outbox
from core.ports.points import Points
from core.ports.recipes import Recipes
from core.ports.schedules import Schedules
from core.ports.shopping import Broadcasts, Watches
from core.ports.usage import Usage
from core.ports.users import CodeTries, Users

R = TypeVar("R")


class UnitOfWork(Protocol):
    """One transaction: nothing is stored unless `commit()` is called."""

    @property
    def users(self) -> Users: ...

    @property
    def counseling(self) -> Counseling: ...

    @property
    def usage(self) -> Usage: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def leases(self) -> Leases: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def points(self) -> Points: ...

    @property
    def diary(self) -> Diary: ...

    @property
    def friends(self) -> Friends: ...

    @property
    def schedules(self) -> Schedules: ...

    @property
    def code_tries(self) -> CodeTries: ...

    @property
    def clubs(self) -> Clubs: ...

    @property
    def quizzes(self) -> Quizzes: ...

    @property
    def books(self) -> Books: ...

    @property
    def mediations(self) -> Mediations: ...

    @property
    def choices(self) -> HeldChoices: ...

    @property
    def watches(self) -> Watches: ...

    @property
    def broadcasts(self) -> Broadcasts: ...

    @property
    def recipes(self) -> Recipes: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc: object) -> None: ...

    def repository(self, build: Callable[[Any, Cipher], R]) -> R:
        """A product's own repository on this unit of work (`build(session, cipher)`; what the session is belongs
        to the adapter that builds it, `core/adapters/db/<product>.py`)."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, reading: bool = False) -> UnitOfWork:
        """A unit of work; `reading`: for one read statement, outside any transaction (autocommit: no BEGIN and no
        ROLLBACK round trips, no write lock on SQLite). Never write in it: there is nothing to commit or roll back."""
        ...
