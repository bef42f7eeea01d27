"""The taste quiz as people take it: one question at a time, buttons that answer only the presser's own quiz."""

from __future__ import annotations

from core.errors import UsageError
from core.ports import Clock, UnitOfWorkFactory
from core.products.bookclub.commands import AnswerQuiz, TakeQuiz
from core.products.bookclub.quiz import QUESTIONS, Progress, answer, persona_of
from core.products.bookclub.ranking import ReadingPersona
from core.replies import Button, Reply
from core.routing import encode_action
from core.usecases.context import Context


class QuizService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def take(self, command: TakeQuiz, ctx: Context) -> None:
        async with self._uow() as uow:
            progress = await uow.quizzes.get(ctx.user.id)
            resumed = progress is not None and not progress.done and (progress.step > 0 or bool(progress.picked))
            if progress is None or progress.done:
                progress = Progress(step=0)  # a first quiz, or a retake
                await uow.quizzes.save(ctx.user.id, progress, now=self._clock.now())
                await uow.commit()
        if resumed:
            await ctx.say("quiz.resumed")
        await ctx.responder.send(self._question(progress, ctx))

    async def answer(self, command: AnswerQuiz, ctx: Context) -> None:
        async with self._uow() as uow:
            progress = await uow.quizzes.get(ctx.user.id)
            if progress is None or progress.done:
                raise UsageError("quiz.none")
            if command.step != progress.step:
                await ctx.say("quiz.stale")
                await ctx.responder.send(self._question(progress, ctx))
                return
            after = answer(progress, command.value)
            if after == progress:
                if command.value == "next":
                    raise UsageError("quiz.pick_first")
                raise UsageError("quiz.usage")
            await uow.quizzes.save(ctx.user.id, after, now=self._clock.now())
            await uow.commit()
        if after.done:
            await ctx.responder.send(self.persona_card(persona_of(after.answers), ctx))
        else:
            await ctx.responder.send(self._question(after, ctx))

    def _question(self, progress: Progress, ctx: Context) -> Reply:
        question = QUESTIONS[progress.step]
        buttons = [
            Button(
                label=("✓ " if choice in progress.picked else "") + ctx.t(f"quiz.a.{question.key}.{choice}"),
                action=encode_action("quiz", str(progress.step), choice),
            )
            for choice in question.choices
        ]
        body = ctx.t(f"quiz.q.{question.key}")
        if question.several:
            buttons.append(
                Button(label=ctx.t("quiz.next_button"), action=encode_action("quiz", str(progress.step), "next"))
            )
            body += "\n" + ctx.t("quiz.several_hint")
        title = ctx.t("quiz.title", name=ctx.incoming.sender.name, n=progress.step + 1, total=len(QUESTIONS))
        return Reply.text(body, title=title, buttons=tuple(buttons))

    def persona_card(self, persona: ReadingPersona, ctx: Context) -> Reply:
        any_ = ctx.t("quiz.any")
        fiction = {True: "yes", False: "no", None: "both"}[persona.fiction]
        origin = {True: "translated", False: "korean", None: "any"}[persona.translated]
        body = ctx.t(
            "quiz.done",
            genres=", ".join(persona.genres) or any_,
            moods=", ".join(persona.moods) or any_,
            fiction=ctx.t(f"quiz.fiction.{fiction}"),
            pace=ctx.t(f"quiz.pace.{persona.pace or 'any'}"),
            length=ctx.t(f"quiz.length.{persona.length or 'any'}"),
            origin=ctx.t(f"quiz.origin.{origin}"),
        )
        return Reply.text(body, title=ctx.t("quiz.done_title", name=ctx.incoming.sender.name))
