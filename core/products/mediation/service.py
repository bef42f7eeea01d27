"""Couple mediation's use cases: open and join a session in a two-person group chat, name the child, hear each
partner's side privately, post the child's words to the group, and close politely (cancel, expiry).

Who the couple is: no platform adapter tells the core how many people a group holds, so the couple is what the
product can know — the opener of a chat's first session and the first person to join it. After that, anyone else
acting in the chat (opening, joining, naming, /side) is a third person and is refused.

Privacy: a side reaches nobody but the model (as data) and the offline reading. The other partner never sees it;
the group sees only the child's post, which must quote no side (no run of QUOTE_RUN characters, spaces ignored)
unless its partner allowed it, and which must take no side; a model answer that does either is asked for once
more, then the offline post stands in. A side's text is kept only while its session is open.

Every model call waits for no transaction: sides are stored and committed first, the post is composed, and a second
transaction moves the session from open to posted (only one writer wins) with the group push in it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from pydantic import ValidationError

from core.commands import Command
from core.domain.budget import Room as BudgetRoom
from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.users import User
from core.domain.values import ChatKind, Locale, UserId
from core.errors import LanguageModelUnavailable, UsageError
from core.i18n import Catalog
from core.inbound import IncomingMessage
from core.ports import ChatMessage, Clock, LanguageModel, ModelCall, UnitOfWork, UnitOfWorkFactory
from core.products.mediation.commands import (
    AllowQuote,
    CancelMediation,
    GiveSide,
    JoinMediation,
    NameChild,
    OpenMediation,
    ResumeMediation,
)
from core.products.mediation.domain import (
    EXPIRE_AFTER,
    MAX_SIDE,
    PARTNERS,
    STUCK_AFTER,
    Couple,
    Post,
    Session,
    Side,
    SideNote,
    State,
    ask_key,
    clean_child_name,
    closed_key,
    post_key,
    remind_key,
    reminder_due,
    session_key,
    takes_sides,
)
from core.products.mediation.post import Say, Told, offline_post, problems_with, render
from core.products.mediation.prompts import POST_INSTRUCTIONS, PostAnswer, post_request, retry_request
from core.replies import Button, Reply
from core.routing import encode_action
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget
from core.usecases.safety_gate import SafetyGate

logger = logging.getLogger(__name__)

MODEL_TRIES = 2  # the model's post, and once more when it quoted or took a side; then the offline post
_MIN_LETTERS = 2  # a plain direct message with fewer letters (a digit, "ㅇ") is not taken for a side


def child_of(name: str | None, catalog: Catalog, locale: Locale) -> str:
    return name or catalog.text(locale, "mediation.child_default")


def _join_button(ctx: Context) -> Button:
    return Button(label=ctx.t("mediation.join_button"), action=encode_action("mediate", "join"))


def _quote_buttons(session_id: int, ctx: Context) -> tuple[Button, ...]:
    return (
        Button(
            label=ctx.t("mediation.quote_yes_button"), action=encode_action("side", "quote", "yes", str(session_id))
        ),
        Button(label=ctx.t("mediation.quote_no_button"), action=encode_action("side", "quote", "no", str(session_id))),
    )


def group_of(ctx: Context) -> tuple[str, str]:
    """The group chat a command is for (platform, chat id); mediation lives in group chats."""
    if ctx.incoming.chat.kind is not ChatKind.GROUP:
        raise UsageError("mediation.group_only")
    return ctx.incoming.platform, ctx.incoming.chat.id


def refuse_a_third(couple: Couple | None, user_id: UserId) -> None:
    """Once a chat's couple has formed, nobody else mediates there."""
    if couple is not None and user_id not in couple.partners:
        raise UsageError("mediation.not_the_couple", first=couple.first_name, second=couple.second_name)


class MediationService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        llm: LanguageModel,
        budget: ModelBudget,
        gate: SafetyGate,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._llm = llm
        self._budget = budget
        self._gate = gate

    def _say(self, locale: Locale) -> Say:
        def say(key: str, /, **params: object) -> str:
            return self._catalog.text(locale, key, **params)

        return say

    def _status(self, sides: Sequence[Side], ctx: Context) -> str:
        """Who has told their side — never what, and never that one paused."""
        lines = [
            ctx.t("mediation.status_in" if side.given_at is not None else "mediation.status_waiting", name=side.name)
            for side in sides
        ]
        if len(sides) < PARTNERS:
            lines.append(ctx.t("mediation.status_partner_missing"))
        return "\n".join(lines)

    # --- opening and joining -------------------------------------------------------------------------------------

    async def open(self, command: OpenMediation, ctx: Context) -> None:
        platform, chat_id = group_of(ctx)
        now = self._clock.now()
        async with self._uow() as uow:
            couple = await uow.mediations.couple_in(platform, chat_id)
            refuse_a_third(couple, ctx.user.id)
            existing = await uow.mediations.open_in(platform, chat_id)
            if existing is not None:
                sides = await uow.mediations.sides(existing.id)
                mine = any(side.user_id == ctx.user.id for side in sides)
                key = "mediation.already_open" if mine or len(sides) >= PARTNERS else "mediation.already_open_join"
                raise UsageError(key, status=self._status(sides, ctx))
            session = await uow.mediations.open_session(
                platform=platform,
                chat_id=chat_id,
                chat_title=ctx.incoming.chat.title,
                couple_id=couple.id if couple is not None else None,
                locale=ctx.locale,
                opener=ctx.user.id,
                now=now,
                expires_at=now + EXPIRE_AFTER,
            )
            if session is None:  # opened by the other a moment ago
                raise UsageError("mediation.already_open_join", status="")
            await self._ask(uow, session, ctx.user.id)
            await uow.commit()
        child = child_of(session.child_name, self._catalog, ctx.locale)
        body = ctx.t("mediation.opened", name=ctx.incoming.sender.name, child=child)
        await ctx.responder.send(Reply.text(body, title=ctx.t("mediation.title"), buttons=(_join_button(ctx),)))

    async def join(self, command: JoinMediation, ctx: Context) -> None:
        platform, chat_id = group_of(ctx)
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.mediations.open_in(platform, chat_id)
            if session is None:
                raise UsageError("mediation.none_open")
            sides = await uow.mediations.sides(session.id)
            if any(side.user_id == ctx.user.id for side in sides):
                raise UsageError("mediation.already_in")
            couple = await uow.mediations.couple_in(platform, chat_id)
            refuse_a_third(couple, ctx.user.id)
            if len(sides) >= PARTNERS:
                raise UsageError("mediation.full", first=sides[0].name, second=sides[1].name)
            if couple is None:
                couple = await uow.mediations.create_couple(
                    platform=platform, chat_id=chat_id, first=sides[0].user_id, second=ctx.user.id, now=now
                ) or await uow.mediations.couple_in(platform, chat_id)
                assert couple is not None  # made here, or a moment ago by a concurrent join
                refuse_a_third(couple, ctx.user.id)
            if not await uow.mediations.join(session.id, ctx.user.id, couple_id=couple.id, now=now):
                raise UsageError("mediation.already_in")
            await self._ask(uow, session, ctx.user.id)
            await uow.commit()
        await ctx.say("mediation.joined", name=ctx.incoming.sender.name)

    async def _ask(self, uow: UnitOfWork, session: Session, user_id: UserId, *, round_: int = 0) -> None:
        """The partner's DM asking for their side, now, and (the first time) its one reminder."""
        now = self._clock.now()
        params: dict[str, object] = (
            {"chat": session.chat_title} if session.chat_title else {"chat_key": "mediation.chat_untitled"}
        )
        params |= {"child": session.child_name} if session.child_name else {"child_key": "mediation.child_default"}
        ask = PushDocument(key="mediation.ask", title_key="mediation.ask_title", params=params)
        await uow.outbox.add(
            NewPush(
                dedupe_key=ask_key(session.id, user_id, round_),
                kind=PushKind.MEDIATION,
                document=ask,
                due_at=now,
                user_id=user_id,
            ),
            now=now,
        )
        due = reminder_due(now, session.expires_at)
        if round_ == 0 and due is not None:
            reminder = PushDocument(key="mediation.remind", title_key="mediation.ask_title", params=params)
            await uow.outbox.add(
                NewPush(
                    dedupe_key=remind_key(session.id, user_id),
                    kind=PushKind.MEDIATION,
                    document=reminder,
                    due_at=due,
                    user_id=user_id,
                ),
                now=now,
            )

    # --- the child's name ----------------------------------------------------------------------------------------

    async def name(self, command: NameChild, ctx: Context) -> None:
        platform, chat_id = group_of(ctx)
        name = clean_child_name(command.name)
        if name is None:
            raise UsageError("mediation.name_usage")
        async with self._uow() as uow:
            couple = await uow.mediations.couple_in(platform, chat_id)
            if couple is None:
                raise UsageError("mediation.name_needs_couple")
            refuse_a_third(couple, ctx.user.id)
            await uow.mediations.name_child(couple.id, name)
            await uow.commit()
        if couple.child_name and couple.child_name != name:
            await ctx.say("mediation.renamed", old=couple.child_name, child=name)
        else:
            await ctx.say("mediation.named", child=name)

    # --- sides ---------------------------------------------------------------------------------------------------

    async def claim(self, incoming: IncomingMessage, text: str) -> Command | None:
        """A plain direct message is the side while this person's side is awaited (the Listener hook)."""
        if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
            return None
        async with self._uow() as uow:
            waiting = await uow.mediations.awaiting(incoming.platform, incoming.sender.external_id)
        return GiveSide(text=text, typed=False) if waiting is not None else None

    async def crisis_in_side(self, command: Command, ctx: Context) -> None:
        """A plain message taken for a side was a crisis, which the safety gate has answered: the session waits for
        this partner (nothing asked, no reminder) until `/mediate resume`."""
        async with self._uow() as uow:
            found = await uow.mediations.current_of(ctx.user.id)
        if found is not None and found[1].paused_at is None:
            await self._pause(found[0].id, ctx)

    async def _pause(self, session_id: int, ctx: Context) -> None:
        async with self._uow() as uow:
            await uow.mediations.pause(session_id, ctx.user.id, now=self._clock.now())
            await uow.outbox.withdraw(remind_key(session_id, ctx.user.id))  # no nudging after a crisis
            await uow.commit()
        await ctx.say("mediation.paused", name=ctx.incoming.sender.name)

    async def side(self, command: GiveSide, ctx: Context) -> None:
        text = command.text.strip()
        if ctx.incoming.chat.kind is ChatKind.GROUP:
            # Typed where everyone sees it: not taken, but a crisis is still answered first.
            if text and await self._gate.screen(text, ctx, source="mediation.side"):
                return
            raise UsageError("mediation.side_in_group")
        if not text:
            raise UsageError("mediation.side_empty")
        if len(text) > MAX_SIDE:
            raise UsageError("mediation.side_too_long", limit=f"{MAX_SIDE:,}", size=f"{len(text):,}")
        async with self._uow() as uow:
            found = await uow.mediations.current_of(ctx.user.id)
        if found is None:
            raise UsageError("mediation.no_session")
        session, mine = found
        if mine.paused_at is not None:
            raise UsageError("mediation.paused_side")
        if await self._gate.screen(text, ctx, source="mediation.side"):
            await self._pause(session.id, ctx)
            return
        async with self._uow() as uow:
            await uow.mediations.give_side(session.id, ctx.user.id, text, now=self._clock.now())
            await uow.outbox.withdraw(remind_key(session.id, ctx.user.id))
            sides = await uow.mediations.sides(session.id)
            await uow.commit()
        other = next((side for side in sides if side.user_id != ctx.user.id), None)
        if other is None or other.given_at is None:
            key = "mediation.side_replaced" if mine.given_at is not None else "mediation.side_kept"
            waiting = ctx.t("mediation.waiting_for", name=other.name) if other else ctx.t("mediation.waiting_partner")
            await ctx.responder.send(Reply.text(ctx.t(key, waiting=waiting), buttons=_quote_buttons(session.id, ctx)))
            return
        await ctx.responder.show_typing()
        await self.post(session.id, payer=ctx.user)
        await ctx.say("mediation.side_last", chat=session.chat_title or ctx.t("mediation.chat_untitled"))

    async def quote(self, command: AllowQuote, ctx: Context) -> None:
        async with self._uow() as uow:
            if command.session_id is None:
                found = await uow.mediations.current_of(ctx.user.id)
                session = found[0] if found is not None else None
            else:
                session = await uow.mediations.get(command.session_id)
                sides = await uow.mediations.sides(command.session_id) if session is not None else []
                if not any(side.user_id == ctx.user.id for side in sides):
                    session = None  # not theirs: a forwarded or stale button
            if session is None or session.state is not State.OPEN:
                raise UsageError("mediation.quote_too_late")
            await uow.mediations.allow_quote(session.id, ctx.user.id, command.allowed)
            await uow.commit()
        await ctx.say("mediation.quote_allowed" if command.allowed else "mediation.quote_refused")

    # --- the child's post ----------------------------------------------------------------------------------------

    async def post(self, session_id: int, *, payer: User | None) -> bool:
        """Compose the child's post from both sides and push it to the group; False when another got there first.
        `payer` is whose model budget pays for it (None: the offline post, as when the clock finishes a stuck one)."""
        async with self._uow() as uow:
            session = await uow.mediations.get(session_id)
            sides = await uow.mediations.sides(session_id)
        if session is None or session.state is not State.OPEN or len(sides) != PARTNERS:
            return False
        told = tuple(Told(name=side.name, text=side.text or "", quote_ok=side.quote_ok) for side in sides)
        if any(not side.text for side in sides):
            return False
        pair = (told[0], told[1])
        child = child_of(session.child_name, self._catalog, session.locale)
        say = self._say(session.locale)
        post = (await self._from_model(pair, child, say, session.locale, payer)) or offline_post(
            pair, child=child, say=say
        )
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.mediations.close(session_id, State.POSTED, now=now, post=post):
                return False
            await uow.outbox.withdraw(remind_key(session_id))
            await uow.outbox.add(self._group_push(session, post_key(session_id), post.text, now), now=now)
            await uow.commit()
        logger.info("mediation %s posted (%s)", session_id, "offline" if post.offline else "model")
        return True

    async def _from_model(
        self, sides: tuple[Told, Told], child: str, say: Say, locale: Locale, payer: User | None
    ) -> Post | None:
        """The model's post, checked; None when there is no model or budget, or it failed the checks twice."""
        if self._llm.offline or payer is None:
            return None
        messages = [
            ChatMessage(role="system", content=POST_INSTRUCTIONS[locale].replace("{child}", child)),
            ChatMessage(role="user", content=post_request(sides)),
        ]
        for _attempt in range(MODEL_TRIES):
            async with self._uow() as uow:
                if await self._budget.room(uow, payer, calls=1) is not BudgetRoom.OPEN:
                    return None
            call = ModelCall(
                purpose="mediation.post", messages=tuple(messages), locale=locale, subject="", max_tokens=900
            )
            try:
                answer, finished = await self._llm.complete_json(call, PostAnswer)
            except (LanguageModelUnavailable, ValidationError):
                logger.warning("mediation post: the model gave no valid JSON; the offline post stands in")
                return None
            async with self._uow() as uow:
                await uow.usage.record(self._budget.usage("mediation.post", finished, user_id=payer.id))
                await uow.commit()
            post = _post_of(answer, sides, child=child, say=say)
            problem = _problem(post, sides)
            if problem is None:
                return post
            logger.warning("mediation post from the model rejected (%s)", problem)
            messages.append(ChatMessage(role="assistant", content=answer.model_dump_json()))
            messages.append(ChatMessage(role="user", content=retry_request(problem)))
        return None

    def _group_push(self, session: Session, key: str, text: str, now: datetime) -> NewPush:
        """A post to the group, written out in the session's language (a group has no language of its own)."""
        return NewPush(
            dedupe_key=key,
            kind=PushKind.MEDIATION,
            document=PushDocument(key="mediation.group_post", text=text),
            due_at=now,
            platform=session.platform,
            chat_id=session.chat_id,
        )

    # --- cancel, resume, expire ----------------------------------------------------------------------------------

    async def _mine(self, uow: UnitOfWork, ctx: Context) -> tuple[Session, Side]:
        """The session this person acts on: the group's open one (as a partner), or in a direct chat their newest."""
        if ctx.incoming.chat.kind is ChatKind.GROUP:
            platform, chat_id = ctx.incoming.platform, ctx.incoming.chat.id
            session = await uow.mediations.open_in(platform, chat_id)
            if session is None:
                raise UsageError("mediation.none_open")
            mine = next((s for s in await uow.mediations.sides(session.id) if s.user_id == ctx.user.id), None)
            if mine is None:
                refuse_a_third(await uow.mediations.couple_in(platform, chat_id), ctx.user.id)
                raise UsageError("mediation.not_in_session")
            return session, mine
        found = await uow.mediations.current_of(ctx.user.id)
        if found is None:
            raise UsageError("mediation.no_session")
        return found

    async def cancel(self, command: CancelMediation, ctx: Context) -> None:
        now = self._clock.now()
        direct = ctx.incoming.chat.kind is ChatKind.DIRECT
        async with self._uow() as uow:
            session, _ = await self._mine(uow, ctx)
            if not await uow.mediations.close(session.id, State.CANCELLED, now=now):
                raise UsageError("mediation.none_open")
            await uow.outbox.withdraw(session_key(session.id))
            if direct:  # the group hears it too; in the group the reply says it
                note = self._catalog.text(session.locale, "mediation.cancelled_note", name=ctx.incoming.sender.name)
                await uow.outbox.add(self._group_push(session, closed_key(session.id), note, now), now=now)
            await uow.commit()
        await ctx.say("mediation.cancelled_direct" if direct else "mediation.cancelled")

    async def resume(self, command: ResumeMediation, ctx: Context) -> None:
        async with self._uow() as uow:
            session, mine = await self._mine(uow, ctx)
            if mine.paused_at is None:
                raise UsageError("mediation.nothing_paused")
            await uow.mediations.resume(session.id, ctx.user.id)
            if ctx.incoming.chat.kind is ChatKind.GROUP:  # asked again where the side is told
                round_ = int(self._clock.now().timestamp())
                await self._ask(uow, session, ctx.user.id, round_=round_)
            await uow.commit()
        await ctx.say("mediation.resumed_group" if ctx.incoming.chat.kind is ChatKind.GROUP else "mediation.resumed")

    async def expire_due(self) -> int:
        """A clock step: sessions a day old close politely, with a word to the group."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.mediations.due_to_expire(now=now)
        expired = 0
        for session in due:
            async with self._uow() as uow:
                if not await uow.mediations.close(session.id, State.EXPIRED, now=now):
                    continue
                await uow.outbox.withdraw(session_key(session.id))
                note = self._catalog.text(session.locale, "mediation.expired_note")
                await uow.outbox.add(self._group_push(session, closed_key(session.id), note, now), now=now)
                await uow.commit()
            expired += 1
        if expired:
            logger.info("mediation: %d sessions expired", expired)
        return expired

    async def finish_stuck(self) -> int:
        """A clock step: a session whose two sides are in but whose post never went (a failure mid-way) posts now,
        offline."""
        async with self._uow() as uow:
            stuck = await uow.mediations.stuck(given_before=self._clock.now() - STUCK_AFTER)
        posted = 0
        for session in stuck:
            try:
                posted += await self.post(session.id, payer=None)
            except Exception:  # one session that cannot be posted must not stop the clock's other work
                logger.exception("mediation %s: the stuck post failed again", session.id)
        return posted


def _post_of(answer: PostAnswer, sides: tuple[Told, Told], *, child: str, say: Say) -> Post:
    post = Post(
        greeting=answer.greeting.strip(),
        first=SideNote(name=sides[0].name, summary=answer.first.summary.strip(), need=answer.first.need.strip()),
        second=SideNote(name=sides[1].name, summary=answer.second.summary.strip(), need=answer.second.need.strip()),
        compromise=answer.compromise.strip(),
        closing=answer.closing.strip(),
        offline=False,
    )
    return replace(post, text=render(post, child=child, say=say))


def _problem(post: Post, sides: tuple[Told, Told]) -> str | None:
    """Why the model's post cannot go to the group (said to the model when asking again), or None."""
    quoted = problems_with(post, sides)
    if quoted:
        which = " and ".join(("the first", "the second")[n] for n in quoted)
        return f"it copies words from {which} partner's private message; paraphrase everything"
    return takes_sides(post)
