"""Book clubs' verbs: `/club` and its subcommands."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.bookclub.commands import (
    AnswerQuiz,
    HandOverClub,
    JoinClub,
    LeaveClub,
    Recommend,
    RecommendForClub,
    ShowClub,
    StartClub,
    TakeQuiz,
)
from core.registration import BOTH, Verb, Words

_START = {"start", "시작", "만들기"}
_JOIN = {"join", "참여", "가입"}
_LEAVE = {"leave", "나가기", "탈퇴"}
_LEADER = {"leader", "리더", "방장"}
_RECOMMEND = {"recommend", "추천"}


def _club(inv: Invocation) -> Command:
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
    raise UsageError("club.usage")


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
