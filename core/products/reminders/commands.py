"""One-off reminders' commands."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


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
