"""What a platform adapter may use of the core — a narrow face instead of the whole App: hand a message in, read
the catalog and the verbs, keep updates in the inbox. The App is one (structurally); a test may pass another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from core.dispatch import Dispatcher
    from core.i18n import Catalog
    from core.ports import Clock, UnitOfWorkFactory
    from core.routing import VerbTable
    from core.settings import Settings
    from core.usecases.inbox_intake import Handle, InboxIntake


class PlatformFace(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def dispatcher(self) -> Dispatcher: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def verbs(self) -> VerbTable: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def uow(self) -> UnitOfWorkFactory: ...

    def inbox_intake(self, platform: str, handle: Handle) -> InboxIntake: ...
