"""The book-club product's registration: group chats become reading clubs (rooms, members, the leader's 👑);
a taste quiz makes each reader's persona; meetings with RSVPs and reminders."""

from __future__ import annotations

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
    Recommend,
    RecommendForClub,
    SetClubReminder,
    ShowClub,
    StartClub,
    TakeQuiz,
)
from core.products.bookclub.meetings_service import MeetingsService
from core.products.bookclub.quiz_service import QuizService
from core.products.bookclub.ranking import CandidateRanker
from core.products.bookclub.recommend import RecommendService
from core.products.bookclub.service import ClubsService
from core.products.bookclub.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    clubs = ClubsService(uow=kit.uow, clock=kit.clock)
    meetings = MeetingsService(uow=kit.uow, clock=kit.clock)
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
            TakeQuiz: quiz.take,
            AnswerQuiz: quiz.answer,
            Recommend: recommend.for_me,
            RecommendForClub: recommend.for_club,
        }
    )


PRODUCT = Product(name="bookclub", verbs=VERBS, build=_build, account=ACCOUNT)
