"""Book clubs' verbs: `/club` and its subcommands."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.bookclub.commands import (
    AddMeeting,
    AnswerMeeting,
    AnswerQuiz,
    CancelMeeting,
    HandOverClub,
    JoinClub,
    LeaveClub,
    ListMeetings,
    MarkHere,
    MoveMeeting,
    Recommend,
    RecommendForClub,
    SetClubReminder,
    ShowClub,
    StartClub,
    TakeQuiz,
)
from core.products.bookclub.meetings import read_answer
from core.registration import BOTH, Verb, Words

_START = {"start", "시작", "만들기"}
_JOIN = {"join", "참여", "가입"}
_LEAVE = {"leave", "나가기", "탈퇴"}
_LEADER = {"leader", "리더", "방장"}
_RECOMMEND = {"recommend", "추천"}
_REMIND = {"remind", "알림"}
_ADD = {"add", "추가", "잡기"}
_LIST = {"list", "목록"}
_CANCEL = {"cancel", "취소"}
_RSVP = {"rsvp", "응답"}
_MOVE = {"move", "변경", "옮기기"}


def _club(inv: Invocation) -> Command:  # noqa: PLR0911 — one return per subcommand
    if not inv.args:
        return ShowClub()
    head, rest = inv.args[0].lower(), inv.rest.split(None, 1)[1].strip() if len(inv.args) > 1 else ""
    if head in _START:
        if not rest:
            raise UsageError("club.start_usage")
        return StartClub(name=rest)
    if head in _JOIN and not rest:
        return JoinClub()
    if head in _LEAVE and not rest:
        return LeaveClub()
    if head in _LEADER and rest:
        return HandOverClub(to=rest)
    if head in _RECOMMEND and not rest:
        return RecommendForClub()
    if head in _REMIND:
        if not rest:
            raise UsageError("club.remind_usage")
        return SetClubReminder(length=rest)
    raise UsageError("club.usage")


def _number(word: str) -> int | None:
    return int(word) if word.isdecimal() and len(word) < 7 else None


def _meeting(inv: Invocation) -> Command:
    if not inv.args:
        return ListMeetings()
    head, rest = inv.args[0].lower(), inv.rest.split(None, 1)[1].strip() if len(inv.args) > 1 else ""
    if head in _ADD and rest:
        return AddMeeting(text=rest)
    if head in _LIST and not rest:
        return ListMeetings()
    if head in _CANCEL and len(inv.args) == 2 and (n := _number(inv.args[1])) is not None:
        return CancelMeeting(number=n)
    if head in _MOVE and len(inv.args) >= 3 and (n := _number(inv.args[1])) is not None:
        return MoveMeeting(number=n, text=inv.rest.split(None, 2)[2].strip())
    if (
        head in _RSVP
        and len(inv.args) == 3
        and (n := _number(inv.args[1])) is not None
        and (answer := read_answer(inv.args[2])) is not None
    ):
        return AnswerMeeting(number=n, answer=answer.value)  # a button, or its typed twin
    raise UsageError("meeting.usage")


def _quiz(inv: Invocation) -> Command:
    if not inv.args:
        return TakeQuiz()
    if len(inv.args) == 2 and inv.args[0].isdecimal() and len(inv.args[0]) < 3:
        return AnswerQuiz(step=int(inv.args[0]), value=inv.args[1].lower())  # a button (or its typed twin)
    raise UsageError("quiz.usage")


VERBS: tuple[Verb, ...] = (
    Verb(
        name="club",
        parse=_club,
        usage_key="club.usage",
        summary_key="club.summary",
        where=BOTH,  # /club start in a direct chat gets its own answer, not "direct chats only"
        aliases=("독서모임",),
        words=Words(key="args", required=False, max_length=100),
    ),
    Verb(
        name="meeting",
        parse=_meeting,
        usage_key="meeting.usage",
        summary_key="meeting.summary",
        where=BOTH,  # in a direct chat it says where meetings are set
        aliases=("모임",),
        words=Words(key="args", required=False, max_length=200),
    ),
    Verb(
        name="here",
        parse=lambda inv: MarkHere(),
        usage_key="here.usage",
        summary_key="here.summary",
        aliases=("출석", "왔어요"),
    ),
    Verb(
        name="quiz",
        parse=_quiz,
        usage_key="quiz.usage",
        summary_key="quiz.summary",
        aliases=("퀴즈", "취향"),
    ),
    Verb(
        name="recommend",
        parse=lambda inv: Recommend(),
        usage_key="recommend.usage",
        summary_key="recommend.summary",
        aliases=("추천",),
    ),
)
