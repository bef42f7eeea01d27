"""Commands: what a user asked for, parsed and validated, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.values import Locale, Persona, WorryId


@dataclass(frozen=True, kw_only=True)
class Command:
    pass


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
class AskWorry(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class StartNewConversation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class MarkHelpful(Command):
    worry_id: WorryId
    persona: Persona


@dataclass(frozen=True, kw_only=True)
class SetReminder(Command):
    phrase: str  # as typed, when and what together ("내일 아침 8시 약 먹기", "약 먹기 10분 뒤"): the use case reads
    # the time words in the user's zone (core.domain.time_phrases) and keeps the rest as the reminder's text


@dataclass(frozen=True, kw_only=True)
class ListReminders(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class CancelReminder(Command):
    number: int  # the reminder's own number, as /remind list shows it (it never changes)


@dataclass(frozen=True, kw_only=True)
class ShowHome(Command):
    """A summary of the user's week with the main verbs as buttons (Slack's App Home)."""


# --- emotion diary, friends, stats, points -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WriteDiary(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class ListDiaries(Command):
    before_id: int | None = None  # keyset: the page after the entry with this id


@dataclass(frozen=True, kw_only=True)
class ChangeEntry(Command):
    entry_id: int
    change: str  # "friends" | "private" | "delete" (asks first) | "delete_confirmed" | "show"


@dataclass(frozen=True, kw_only=True)
class ShowFeed(Command):
    """Friends' friends-visible entries, newest first."""

    before_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class InviteFriend(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class AcceptFriend(Command):
    code: str


@dataclass(frozen=True, kw_only=True)
class ListFriends(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class RemoveFriend(Command):
    position: int  # as numbered by /friend list


@dataclass(frozen=True, kw_only=True)
class CommentOnEntry(Command):
    entry_id: int
    text: str


@dataclass(frozen=True, kw_only=True)
class WriteGuestbook(Command):
    position: int  # the friend, as numbered by /friend list
    text: str


@dataclass(frozen=True, kw_only=True)
class ShowGuestbook(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class ShowStats(Command):
    week: str | None = None  # "this", "last", "YYYY-MM-DD"; read by the use case against the user's today


@dataclass(frozen=True, kw_only=True)
class ShowPoints(Command):
    before_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetDiaryNudge(Command):
    hour: int | None  # None: turn the nudge off
    minute: int = 0


@dataclass(frozen=True, kw_only=True)
class SetQuietHours(Command):
    window: str | None  # "23:00-08:00", "off", or None to show the current setting


@dataclass(frozen=True, kw_only=True)
class LinkAccount(Command):
    code: str | None  # None: make a code here; a code: join this account to the user who made it


@dataclass(frozen=True, kw_only=True)
class ListLinkedAccounts(Command):
    """`/link list`: the platform accounts joined to this user, and which one is speaking."""


@dataclass(frozen=True, kw_only=True)
class UnlinkAccount(Command):
    position: int | None = None  # as numbered by /link list
    platform: str | None = None  # or the platform, when the user has one account there
    answer: str = "ask"  # "ask" | "yes" (the confirm button and `/unlink N yes`) | "no"
