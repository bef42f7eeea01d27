"""The book-club product's registration: group chats become reading clubs (rooms, members, the leader's 👑);
a taste quiz makes each reader's persona; meetings with RSVPs and reminders; while a meeting is live, who is here
and what the room says (its log, summed up at the end)."""

from __future__ import annotations

from core.domain.values import ChatKind
from core.products.bookclub.account import ACCOUNT
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
    SayInMeeting,
    SetClubReminder,
    ShowClub,
    StartClub,
    TakeQuiz,
)
from core.products.bookclub.live_service import LiveService
from core.products.bookclub.meetings_service import MeetingsService
from core.products.bookclub.quiz_service import QuizService
from core.products.bookclub.ranking import CandidateRanker
from core.products.bookclub.recommend import RecommendService
from core.products.bookclub.service import ClubsService
from core.products.bookclub.verbs import VERBS
from core.registration import Built, Kit, Listener, Product


def _build(kit: Kit) -> Built:
    live = LiveService(
        uow=kit.uow,
        clock=kit.clock,
        catalog=kit.catalog,
        llm=kit.llm,
        budget=kit.budget,
        gate=kit.gate,
        presence=kit.presence,
    )
    clubs = ClubsService(uow=kit.uow, clock=kit.clock, live=live)
    meetings = MeetingsService(uow=kit.uow, clock=kit.clock, gate=kit.gate)
    quiz = QuizService(uow=kit.uow, clock=kit.clock)
    recommend = RecommendService(
        uow=kit.uow,
        clock=kit.clock,
        llm=kit.llm,
        budget=kit.budget,
        ranker=CandidateRanker(embedder=kit.embedder),  # one per process: the catalog's index is kept
    )
    return Built(
        handlers={
            ShowClub: clubs.show,
            StartClub: clubs.start,
            JoinClub: clubs.join,
            LeaveClub: clubs.leave,
            HandOverClub: clubs.hand_over,
            SetClubReminder: meetings.set_reminder,
            AddMeeting: meetings.add,
            AnswerMeeting: meetings.answer,
            ListMeetings: meetings.list,
            CancelMeeting: meetings.cancel,
            MoveMeeting: meetings.move,
            MarkHere: live.here,
            SayInMeeting: live.say,
            TakeQuiz: quiz.take,
            AnswerQuiz: quiz.answer,
            Recommend: recommend.for_me,
            RecommendForClub: recommend.for_club,
        },
        clock_steps=(live.summarize_ended,),
        listeners=(Listener(where=frozenset({ChatKind.GROUP}), claim=live.claim),),
    )


PRODUCT = Product(name="bookclub", verbs=VERBS, build=_build, account=ACCOUNT)
