"""Book clubs' commands: rooms, their members and leader."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class ShowClub(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class StartClub(Command):
    name: str


@dataclass(frozen=True, kw_only=True)
class JoinClub(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class LeaveClub(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class HandOverClub(Command):
    to: str  # as typed: "@준호", "준호"


@dataclass(frozen=True, kw_only=True)
class TakeQuiz(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class AnswerQuiz(Command):
    step: int  # the question the button was shown under: a press on an old question is not taken for the current one
    value: str  # a choice, or "next"


@dataclass(frozen=True, kw_only=True)
class Recommend(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class RecommendForClub(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class SetClubReminder(Command):
    length: str  # as typed: "30m", "1시간"


@dataclass(frozen=True, kw_only=True)
class AddMeeting(Command):
    text: str  # "내일 20:00 90m 1-5장": when, how long, what to read


@dataclass(frozen=True, kw_only=True)
class ListMeetings(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class CancelMeeting(Command):
    number: int


@dataclass(frozen=True, kw_only=True)
class AnswerMeeting(Command):
    number: int
    answer: str  # yes | maybe | no (core.products.bookclub.meetings.Answer)


@dataclass(frozen=True, kw_only=True)
class MoveMeeting(Command):
    number: int
    text: str  # the new start, as typed ("내일 20:00"): the meeting keeps its length and reading


@dataclass(frozen=True, kw_only=True)
class MarkHere(Command):
    """`/here`: I am at the meeting under way."""


@dataclass(frozen=True, kw_only=True)
class SayInMeeting(Command):
    """A member's plain message in the room while a meeting is live: kept as the meeting's log."""

    text: str
