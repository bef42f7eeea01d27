"""The account's commands: start and consent, help and home, language, time zone, quiet hours, linked accounts,
export and forget."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.domain.values import Locale


@dataclass(frozen=True, kw_only=True)
class Start(Command):
    payload: str = ""  # deep-link payload from the platform (/start CODE)


@dataclass(frozen=True, kw_only=True)
class SetConsent(Command):
    agree: bool
    confirmed: bool = False  # withdrawing deletes stored worries: asked once more before it happens


@dataclass(frozen=True, kw_only=True)
class ShowHelp(Command):
    lines_only: bool = False  # just the help lines (the button under a crisis reply)


@dataclass(frozen=True, kw_only=True)
class SetLanguage(Command):
    locale: Locale | None  # None: show the current language and the choices


@dataclass(frozen=True, kw_only=True)
class SetTimezone(Command):
    zone: str | None  # None: show the current zone


@dataclass(frozen=True, kw_only=True)
class ExportData(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class RequestForget(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class ConfirmForget(Command):
    confirmed: bool


@dataclass(frozen=True, kw_only=True)
class ShowHome(Command):
    """A summary of the user's week with the main verbs as buttons (Slack's App Home)."""


@dataclass(frozen=True, kw_only=True)
class SetQuietHours(Command):
    window: str | None  # "23:00-08:00", "off", or None to show the current setting


@dataclass(frozen=True, kw_only=True)
class LinkAccount(Command):
    code: str | None  # None: make a code here; a code: join this account to the user who made it


@dataclass(frozen=True, kw_only=True)
class ChoosePushAccount(Command):
    """`/link primary N`: pushes go to linked account N from now on; `/link primary auto`: to the one last used."""

    position: int | None  # None: the one last written from


@dataclass(frozen=True, kw_only=True)
class ListLinkedAccounts(Command):
    """`/link list`: the platform accounts joined to this user, and which one is speaking."""


@dataclass(frozen=True, kw_only=True)
class UnlinkAccount(Command):
    position: int | None = None  # as numbered by /link list
    platform: str | None = None  # or the platform, when the user has one account there
    answer: str = "ask"  # "ask" | "yes" (the confirm button and `/unlink N yes`) | "no"
