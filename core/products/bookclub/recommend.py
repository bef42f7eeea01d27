"""Book picks: `/recommend` (for me) and `/club recommend` (for a room: all members' personas combined).

Candidates come from the catalog, never the model's memory: the top 20 for the persona (ranking.py). The model
gets the persona, the candidates and an example and must answer JSON — 3 distinct candidate ids, a one-line
reason each — checked here; out of shape, it is asked once more, then the ranked list stands in (offline: the
ranked list with template reasons). Picks are stored; a room never gets the same book twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from core.domain.budget import Room as BudgetRoom
from core.domain.values import ChatKind
from core.errors import LanguageModelUnavailable, UsageError
from core.ports import ChatMessage, Clock, LanguageModel, ModelCall, UnitOfWorkFactory
from core.products.bookclub.catalog import BookText, ensure_sample_catalog
from core.products.bookclub.commands import Recommend, RecommendForClub
from core.products.bookclub.prompts import PICK_INSTRUCTIONS, pick_request
from core.products.bookclub.quiz import persona_of
from core.products.bookclub.ranking import Candidate, CandidateRanker, ReadingPersona, combine_personas
from core.products.bookclub.rooms import Room
from core.replies import Reply
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget

logger = logging.getLogger(__name__)

PICKS = 3
CANDIDATES = 20


class _Pick(BaseModel):
    id: int
    reason: str = Field(min_length=1, max_length=300)


class _Picks(BaseModel):
    picks: list[_Pick]


@dataclass(frozen=True, kw_only=True)
class Chosen:
    book: BookText
    reason: str


def check_picks(answer: _Picks, candidate_ids: Sequence[int]) -> str | None:
    """What is wrong with the model's picks, or None: exactly 3, distinct, all among the candidates."""
    ids = [p.id for p in answer.picks]
    if len(ids) != PICKS:
        return f"exactly {PICKS} picks are needed, not {len(ids)}"
    if len(set(ids)) != PICKS:
        return "the picks must be 3 different books"
    unknown = [i for i in ids if i not in set(candidate_ids)]
    if unknown:
        return f"ids {unknown} are not among the candidates"
    return None


class RecommendService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        llm: LanguageModel,
        budget: ModelBudget,
        ranker: CandidateRanker,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._llm = llm
        self._budget = budget
        self._ranker = ranker

    async def for_me(self, command: Recommend, ctx: Context) -> None:
        async with self._uow() as uow:
            progress = await uow.quizzes.get(ctx.user.id)
        if progress is None or not progress.done:
            raise UsageError("recommend.quiz_first")
        await self._recommend(persona_of(progress.answers), ctx, room=None)

    async def for_club(self, command: RecommendForClub, ctx: Context) -> None:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            raise UsageError("club.group_only")
        async with self._uow() as uow:
            room = await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)
            if room is None:
                raise UsageError("club.none_here")
            members = await uow.clubs.members(room.id)
            if not any(m.user_id == ctx.user.id for m in members):
                raise UsageError("club.not_member", name=room.name)
            personas = []
            for member in members:
                progress = await uow.quizzes.get(member.user_id)
                if progress is not None and progress.done:
                    personas.append(persona_of(progress.answers))
        if not personas:
            raise UsageError("recommend.club_quiz_first")
        await self._recommend(combine_personas(personas), ctx, room=room, readers=len(personas))

    async def _recommend(self, persona: ReadingPersona, ctx: Context, *, room: Room | None, readers: int = 1) -> None:
        await ctx.responder.show_typing()
        await ensure_sample_catalog(self._uow, self._clock)
        async with self._uow() as uow:
            before = await uow.clubs.picks(room_id=room.id) if room else await uow.clubs.picks(user_id=ctx.user.id)

        async def books() -> list[BookText]:
            async with self._uow() as uow:
                return await uow.books.texts()

        picked = {book_id for book_id, _, _ in before}
        candidates = await self._ranker.rank(persona, books, n=CANDIDATES, exclude=picked)
        if len(candidates) < PICKS:
            raise UsageError("recommend.none_left")
        chosen = await self._choose(persona, candidates, ctx) or self._ranked(persona, candidates, ctx)
        now = self._clock.now()
        async with self._uow() as uow:
            for pick in chosen:
                await uow.clubs.add_pick(
                    room_id=room.id if room else None,
                    user_id=ctx.user.id,
                    book_id=pick.book.id,
                    reason=pick.reason,
                    now=now,
                )
            await uow.commit()
        lines = [
            ctx.t("recommend.line", n=n, title=p.book.title, authors=", ".join(p.book.authors), reason=p.reason)
            for n, p in enumerate(chosen, start=1)
        ]
        title = ctx.t("recommend.title_club", name=room.name, readers=readers) if room else ctx.t("recommend.title")
        await ctx.responder.send(Reply.text("\n".join(lines), title=title))

    async def _choose(
        self, persona: ReadingPersona, candidates: list[Candidate[BookText]], ctx: Context
    ) -> list[Chosen] | None:
        """The model's three, checked; None when there is no model, no budget, or it answered out of shape twice."""
        if self._llm.offline:
            return None
        async with self._uow() as uow:
            if await self._budget.room(uow, ctx.user, calls=1) is not BudgetRoom.OPEN:
                return None
        by_id = {int(c.book.id): c.book for c in candidates}
        request = pick_request(
            persona,
            [(int(b.id), b.title, ", ".join(b.authors), b.description) for b in by_id.values()],
            ctx.locale,
        )
        messages = [
            ChatMessage(role="system", content=PICK_INSTRUCTIONS[ctx.locale]),
            ChatMessage(role="user", content=request),
        ]
        for _attempt in range(2):
            call = ModelCall(
                purpose="bookclub.recommend", messages=tuple(messages), locale=ctx.locale, subject="", max_tokens=500
            )
            try:
                answer, finished = await self._llm.complete_json(call, _Picks)
            except (LanguageModelUnavailable, ValidationError):
                logger.warning("book picks: the model gave no valid JSON; the ranked list stands in")
                return None
            async with self._uow() as uow:
                await uow.usage.record(self._budget.usage("bookclub.recommend", finished, user_id=ctx.user.id))
                await uow.commit()
            problem = check_picks(answer, list(by_id))
            if problem is None:
                return [Chosen(book=by_id[p.id], reason=" ".join(p.reason.split())) for p in answer.picks]
            logger.warning("book picks out of shape (%s); asking once more", problem)
            messages.append(ChatMessage(role="assistant", content=answer.model_dump_json()))
            messages.append(ChatMessage(role="user", content=f"Not valid: {problem}. Answer again, JSON only."))
        return None

    def _ranked(self, persona: ReadingPersona, candidates: list[Candidate[BookText]], ctx: Context) -> list[Chosen]:
        """The ranked list's top three with template reasons (offline, or the model out of shape)."""
        chosen = []
        for n, candidate in enumerate(candidates[:PICKS]):
            book = candidate.book
            shared = [g for g in book.genres if g in persona.genres] or list(book.genres[:1]) or [book.category]
            mood = next((m for m in book.mood if m in persona.moods), None)
            # three books, three ways of saying why: the same sentence thrice reads like a machine
            keys = ("recommend.reason.genre_mood" if mood else "recommend.reason.genre", "recommend.reason.second")
            key = "recommend.reason.third" if n == 2 and mood else keys[min(n, 1)]
            chosen.append(Chosen(book=book, reason=ctx.t(key, genre=shared[0], mood=mood or "")))
        return chosen
