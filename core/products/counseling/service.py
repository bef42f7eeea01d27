"""Dual counseling: one worry, two answers (💗 F and 🧠 T) generated concurrently and streamed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from core.domain.budget import Room
from core.domain.timekeeping import start_of_local_day
from core.domain.values import ConversationId, Persona, WorryId
from core.errors import LanguageModelUnavailable
from core.ports import (
    CallFinished,
    ChatMessage,
    Clock,
    LanguageModel,
    Locks,
    MessageRef,
    ModelCall,
    TextDelta,
    UnitOfWorkFactory,
)
from core.products.counseling.commands import AskWorry, MarkHelpful, StartNewConversation
from core.products.counseling.domain import Turn, Worry, over_quota
from core.products.counseling.prompts import build_prompt
from core.products.points import POINTS_EXTRA_WORRY, PointEntry
from core.replies import Button, Reply, Section
from core.routing import encode_action
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget
from core.usecases.safety_gate import SafetyGate, crisis_reply, help_lines_button

logger = logging.getLogger(__name__)

WORRY_LOCK_SECONDS = 180  # longer than two answers can take, so a crashed holder frees itself


@dataclass(frozen=True, kw_only=True)
class CounselingLimits:
    daily_free_worries: int
    history_worries: int
    second_opinion: bool  # ask the configured model for a crisis verdict beside the answers


@dataclass(frozen=True, kw_only=True)
class Reserved:
    """A worry recorded and paid for (if it had to be), about to be answered by `model`."""

    worry_id: WorryId
    conversation_id: ConversationId | None
    history: list[Turn]
    model: LanguageModel
    capped: Room | None  # the person's own cap sent this worry to the offline counselor
    spent: PointEntry | None


@dataclass(frozen=True, kw_only=True)
class Answer:
    persona: Persona
    text: str
    finished: CallFinished
    ok: bool  # False when the configured model failed and the offline counselor answered instead
    delivery_error: Exception | None = None


class _StreamedPart:
    """One part being streamed to the user. If the platform fails, edits stop but the model call goes on,
    so that what was paid for is still recorded; the error is raised once everything is recorded."""

    def __init__(self, ctx: Context, ref: MessageRef) -> None:
        self._ctx = ctx
        self._ref = ref
        self.error: Exception | None = None

    async def replace(self, reply: Reply) -> None:
        """Whatever was streamed gives way to `reply` (the second opinion found a crisis)."""
        self.error = None
        await self.show(reply, final=True)

    async def show(self, reply: Reply, *, final: bool = False) -> None:
        if self.error is not None:
            return
        try:
            await self._ctx.responder.edit(self._ref, reply, final=final)
        except Exception as exc:  # noqa: BLE001 — any platform failure; re-raised after recording
            logger.warning("showing a streamed part failed: %s", type(exc).__name__)
            self.error = exc


class CounselingService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        llm: LanguageModel,
        fallback: LanguageModel,
        locks: Locks,
        gate: SafetyGate,
        budget: ModelBudget,
        limits: CounselingLimits,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._llm = llm
        self._fallback = fallback
        self._locks = locks
        self._gate = gate
        self._budget = budget
        self._limits = limits

    async def ask(self, command: AskWorry, ctx: Context) -> None:
        # Safety first: before quotas, locks or any model, and whatever the configuration.
        verdict = self._gate.assess(command.text)
        if verdict.crisis:
            await self._gate.answer_crisis(ctx, reason=verdict.reason or "unspecified", source="worry")
            return
        key = ctx.incoming.update_key
        lock = self._locks.hold(f"worry:{ctx.user.id}", ttl_seconds=WORRY_LOCK_SECONDS, owner=key)
        async with lock as acquired:
            if not acquired:
                await ctx.say("worry.busy")
                return
            earlier = await self._earlier_worry(ctx)
            if earlier is not None and (earlier.answered or earlier.crisis):
                return  # this platform update was answered before (and is handled again after a crash): done
            await ctx.responder.show_typing()
            gentle = await self._gate.in_gentle_window(ctx)
            if earlier is not None:
                reserved: Reserved | None = await self._resume(earlier, ctx)
            else:
                reserved = await self._reserve(command, ctx, gentle=gentle)
            if reserved is None:
                return
            worry_id = reserved.worry_id
            parts = {persona: await self._open_part(persona, reserved, ctx) for persona in (Persona.F, Persona.T)}
            fell_back: set[Persona] = set()  # parts the offline counselor answered because the model failed
            answering = asyncio.gather(
                *(
                    self._answer(
                        persona, command.text, reserved, ctx, part=parts[persona], gentle=gentle, fell_back=fell_back
                    )
                    for persona in (Persona.F, Persona.T)
                ),
                return_exceptions=True,
            )
            if (
                self._limits.second_opinion
                and not self._llm.offline
                and await self._second_opinion_finds_crisis(command.text, worry_id, ctx, answering)
            ):
                await parts[Persona.F].replace(crisis_reply(ctx))
                await parts[Persona.T].replace(Reply.text(ctx.t("crisis.instead_of_answers")))
                return
            outcomes = await answering
            # Whatever was generated is recorded even if showing the other part failed: the budget
            # must count every call that was paid for.
            answers = tuple(o for o in outcomes if isinstance(o, Answer))
            if answers:
                await self._record(reserved, answers, ctx)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
                if outcome.delivery_error is not None:
                    raise outcome.delivery_error

    async def _second_opinion_finds_crisis(
        self, text: str, worry_id: WorryId, ctx: Context, answering: asyncio.Future[list[Answer | BaseException]]
    ) -> bool:
        """The model's verdict, running beside the answers. If it says crisis, the answers are stopped and the
        worry forgotten (text and turns) before the caller replaces what was streamed by the crisis reply."""
        verdict, finished = await self._gate.second_opinion(self._llm, text, ctx)
        if finished is not None:
            await self._record_usage("safety.second_opinion", finished, ctx, worry_id=worry_id)
        if not verdict.crisis:
            return False
        answering.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await answering
        async with self._uow() as uow:
            await uow.counseling.mark_crisis(worry_id)
            await uow.commit()
        await self._gate.report(ctx, reason=verdict.reason or "second_opinion", source="worry")
        return True

    async def _earlier_worry(self, ctx: Context) -> Worry | None:
        """The worry an earlier attempt at the same platform update recorded, if any."""
        if ctx.incoming.update_key is None:
            return None
        async with self._uow() as uow:
            return await uow.counseling.worry_for_update(ctx.user.id, ctx.incoming.update_key)

    async def _resume(self, worry: Worry, ctx: Context) -> Reserved:
        """Go on with a worry an earlier attempt at the same update recorded but did not answer (it crashed or
        failed): no second row, quota count or charge. What that attempt said is said again in the same order,
        which the inbox's reply journal turns into edits of the messages it sent (core/usecases/inbox_intake.py)."""
        async with self._uow() as uow:
            history: list[Turn] = []
            if worry.conversation_id is not None:
                turns = await uow.counseling.recent_turns(
                    worry.conversation_id, worries=self._limits.history_worries + 1
                )
                history = [turn for turn in turns if turn.worry_id != worry.id]
            spent = await uow.points.spent(ctx.user.id, reason="spend.worry", ref=f"worry:{worry.id}")
            user = await uow.users.get(ctx.user.id)
            room = await self._budget.room(uow, user or ctx.user, calls=2)
        if spent is not None:
            await ctx.say("worry.paid_with_points", cost=-spent.delta, balance=spent.balance_after)
        # A worry paid for is answered by the model it was paid for; otherwise the budget decides again.
        capped = room if room.capped and spent is None else None
        return Reserved(
            worry_id=worry.id,
            conversation_id=worry.conversation_id,
            history=history,
            model=self._fallback if capped is not None or (room is Room.SPENT and spent is None) else self._llm,
            capped=capped,
            spent=spent,
        )

    async def _reserve(self, command: AskWorry, ctx: Context, *, gentle: bool) -> Reserved | None:
        """Check quota and budget and record the worry, in one short transaction before any model call."""
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(ctx.user.id, for_update=True)
            if user is None:
                return None
            room = await self._budget.room(uow, user, calls=2)  # F and T
            if room is Room.SPENT:
                await ctx.say("worry.resting")
                return None
            model = self._fallback if room.capped else self._llm
            # Only an answer from the model is paid for: offline ones are free, whatever the quota says.
            pays = (
                not model.offline
                and not gentle  # soon after a crisis nobody is asked to pay
                and over_quota(
                    worries_today=await uow.counseling.count_worries_since(
                        user.id, start_of_local_day(now, ZoneInfo(user.timezone))
                    ),
                    daily_free=self._limits.daily_free_worries,
                )
            )
            conversation_id: ConversationId | None = None
            history: list[Turn] = []
            if user.consented:
                conversation_id = await uow.counseling.current_conversation(user.id)
                if conversation_id is None:
                    conversation_id = await uow.counseling.open_conversation(user.id, now)
                history = await uow.counseling.recent_turns(conversation_id, worries=self._limits.history_worries)
            worry_id = await uow.counseling.add_worry(
                user_id=user.id,
                conversation_id=conversation_id,
                text=command.text if user.consented else None,
                crisis=False,
                now=now,
                update_key=ctx.incoming.update_key,
            )
            spent: PointEntry | None = None
            if pays:
                # Past the free quota a worry costs points, taken in the same transaction that records it (keyed
                # by the worry, so it is charged once); without enough points nothing of it is kept.
                spent = await uow.points.spend(
                    user.id, POINTS_EXTRA_WORRY, reason="spend.worry", ref=f"worry:{worry_id}", now=now
                )
                if spent is None:
                    balance = await uow.points.balance(user.id)
                    await ctx.say(
                        "worry.over_quota",
                        limit=self._limits.daily_free_worries,
                        cost=POINTS_EXTRA_WORRY,
                        balance=balance,
                    )
                    return None
            if conversation_id is not None:
                await uow.counseling.add_turn(
                    conversation_id=conversation_id, worry_id=worry_id, role="user", text=command.text, now=now
                )
            await uow.commit()
        if spent is not None:
            await ctx.say("worry.paid_with_points", cost=-spent.delta, balance=spent.balance_after)
        return Reserved(
            worry_id=worry_id,
            conversation_id=conversation_id,
            history=history,
            model=model,
            capped=room if room.capped else None,
            spent=spent,
        )

    def _section(self, persona: Persona, reserved: Reserved, ctx: Context) -> Section:
        # Why the whole answer comes from the offline counselor is said once, under its last part (T), not under
        # each part. (A part the model failed for says so itself, in _answer: that is about that part alone.)
        note: str | None = None
        if persona is Persona.T and reserved.capped is not None:
            note = ctx.t(f"worry.capped_note.{reserved.capped.value}")
        elif persona is Persona.T and reserved.model.offline:
            note = ctx.t("worry.offline_note")
        return Section(title=ctx.t(f"persona.{persona.value}.title"), body=ctx.t("worry.thinking"), note=note)

    async def _open_part(self, persona: Persona, reserved: Reserved, ctx: Context) -> _StreamedPart:
        return _StreamedPart(
            ctx, await ctx.responder.send(Reply(sections=(self._section(persona, reserved, ctx),), pending=True))
        )

    async def _answer(
        self,
        persona: Persona,
        worry: str,
        reserved: Reserved,
        ctx: Context,
        *,
        part: _StreamedPart,
        gentle: bool,
        fell_back: set[Persona],
    ) -> Answer:
        worry_id = reserved.worry_id
        section = self._section(persona, reserved, ctx)
        prompt = build_prompt(persona=persona, locale=ctx.locale, history=reserved.history, worry=worry, gentle=gentle)
        call = ModelCall(
            purpose=f"counsel.{persona.value}",
            messages=tuple(ChatMessage(role=m.role, content=m.content) for m in prompt),  # type: ignore[arg-type]
            locale=ctx.locale,
            subject=worry,
            persona=persona,
            gentle=gentle,
        )
        ok = True
        try:
            text, finished = await self._stream_into(reserved.model, call, part, section)
        except LanguageModelUnavailable:
            logger.warning("language model unavailable for worry %s persona %s; offline fallback", worry_id, persona)
            ok = False
            if not fell_back:  # said once per answer, by the first part that needed it
                section = replace(section, note=ctx.t("worry.fallback_note"))
            fell_back.add(persona)
            text, finished = await self._stream_into(self._fallback, call, part, section)
        helpful = Button(
            label=ctx.t(f"persona.{persona.value}.helpful"),
            action=encode_action("helpful", persona.value, str(worry_id)),
        )
        buttons = (helpful, help_lines_button(ctx)) if gentle and persona is Persona.T else (helpful,)
        await part.show(Reply(sections=(replace(section, body=text, buttons=buttons),)), final=True)
        return Answer(persona=persona, text=text, finished=finished, ok=ok, delivery_error=part.error)

    async def _stream_into(
        self, model: LanguageModel, call: ModelCall, part: _StreamedPart, section: Section
    ) -> tuple[str, CallFinished]:
        text = ""
        finished: CallFinished | None = None
        async for event in model.stream(call):
            if isinstance(event, TextDelta):
                text += event.text
                await part.show(Reply(sections=(replace(section, body=text),), pending=True))
            else:
                finished = event
        if finished is None or not text.strip():
            raise LanguageModelUnavailable("the model finished without an answer")
        return text, finished

    async def _record(self, reserved: Reserved, answers: tuple[Answer, ...], ctx: Context) -> None:
        now = self._clock.now()
        worry_id = reserved.worry_id
        offline = all(a.finished.offline for a in answers)
        refund: PointEntry | None = None
        async with self._uow() as uow:
            for answer in answers:
                await uow.usage.record(
                    self._budget.usage(
                        f"counsel.{answer.persona.value}",
                        answer.finished,
                        user_id=ctx.user.id,
                        worry_id=worry_id,
                        ok=answer.ok,
                        now=now,
                    )
                )
                if reserved.conversation_id is not None:
                    await uow.counseling.add_turn(
                        conversation_id=reserved.conversation_id,
                        worry_id=worry_id,
                        role=answer.persona.value,
                        text=answer.text,
                        now=now,
                    )
            await uow.counseling.mark_answered(worry_id, offline=offline)
            if offline and reserved.spent is not None:
                # The model failed and the offline counselor answered: what was paid for this worry goes back.
                refund = await uow.points.earn(
                    ctx.user.id, -reserved.spent.delta, reason="refund.worry", ref=f"worry:{worry_id}", now=now
                )
            await uow.commit()
        if refund is not None:
            await ctx.say("worry.points_refunded", points=refund.delta, balance=refund.balance_after)

    async def _record_usage(self, purpose: str, done: CallFinished, ctx: Context, *, worry_id: WorryId) -> None:
        async with self._uow() as uow:
            await uow.usage.record(self._budget.usage(purpose, done, user_id=ctx.user.id, worry_id=worry_id))
            await uow.commit()

    async def start_new(self, command: StartNewConversation, ctx: Context) -> None:
        async with self._uow() as uow:
            await uow.counseling.close_conversations(ctx.user.id, self._clock.now())
            await uow.commit()
        await ctx.say("new.done")

    async def mark_helpful(self, command: MarkHelpful, ctx: Context) -> None:
        async with self._uow() as uow:
            worry = await uow.counseling.get_worry(command.worry_id)
            if worry is None or worry.user_id != ctx.user.id:
                await ctx.say("action.expired")
                return
            added = await uow.counseling.add_feedback(
                user_id=ctx.user.id, worry_id=command.worry_id, persona=command.persona, now=self._clock.now()
            )
            await uow.commit()
        key = "helpful.thanks" if added else "helpful.already"
        await ctx.say(key, persona=ctx.t(f"persona.{command.persona.value}.short"))
