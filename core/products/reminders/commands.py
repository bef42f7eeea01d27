"""One-off reminders' commands."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class SetReminder(Command):
    when: str  # as typed ("10m", "21:30", "오후 9시"); read in the user's zone by the use case
    text: str


@dataclass(frozen=True, kw_only=True)
class ListReminders(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class CancelReminder(Command):
    position: int  # as numbered by /remind list
