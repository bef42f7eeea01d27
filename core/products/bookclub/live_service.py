"""A meeting's live window: `/here`, the room's talk kept as the meeting's log (through the safety gate first), and
the summary posted to the room when the meeting ends."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError

from core.commands import Command
from core.domain.budget import Room as BudgetRoom
from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.values import ChatKind, UserId
from core.errors import LanguageModelUnavailable, UsageError
from core.i18n import Catalog, format_moment
from core.inbound import IncomingMessage
from core.ports import ChatMessage, Clock, LanguageModel, ModelCall, Presence, UnitOfWorkFactory
from core.products.bookclub.commands import MarkHere, SayInMeeting
from core.products.bookclub.live import SUMMARY_LOOKBACK_HOURS, LogFacts, facts_of, presence_place
from core.products.bookclub.meetings import Meeting, Note, keys_of
from core.products.bookclub.prompts import SUMMARY_INSTRUCTIONS, summary_request
from core.products.bookclub.rooms import Member, Room
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget
from core.usecases.safety_gate import SafetyGate

logger = logging.getLogger(__name__)

MAX_NOTES_TO_MODEL: Final = 200  # the latest ones, when a meeting talked more than that


class _Summary(BaseModel):
    lines: list[str] = Field(min_length=1, max_length=4)


def summary_key(room_id: int, number: int) -> str:
    return f"{keys_of(room_id, number)}summary"


def crowned(members: list[Member], room: Room, present: frozenset[int]) -> str:
    """The members here, in the room's order, the leader with the crown."""
    return " · ".join(
        ("👑 " if m.user_id == room.leader_id else "") + m.name for m in members if int(m.user_id) in present
    )


class LiveService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        llm: LanguageModel,
        budget: ModelBudget,
        gate: SafetyGate,
        presence: Presence,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._llm = llm
        self._budget = budget
        self._gate = gate
        self._presence = presence

    async def who_is_here(self, room: Room, meeting: Meeting, members: list[Member]) -> str:
        present = await self._presence.here(presence_place(room.id, meeting.number), now=self._clock.now())
        return crowned(members, room, present)

    # --- the room's talk --------------------------------------------------------------------------------------

    async def claim(self, incoming: IncomingMessage, text: str) -> Command | None:
        """A member's plain message in a room whose meeting is live is the meeting's log; anything else in a
        group stays unread (one indexed lookup for a chat that is no room)."""
        now = self._clock.now()
        async with self._uow() as uow:
            room = await uow.clubs.room_in(incoming.platform, incoming.chat.id)
            if room is None or await uow.clubs.live_meeting(room.id, now=now) is None:
                return None
            user = await uow.users.by_identity(incoming.platform, incoming.sender.external_id)
            if user is None or not any(m.user_id == user.id for m in await uow.clubs.members(room.id)):
                return None
        return SayInMeeting(text=text)

    async def say(self, command: SayInMeeting, ctx: Context) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            room = await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)
            meeting = await uow.clubs.live_meeting(room.id, now=now) if room else None
        if room is None or meeting is None:
            return  # the meeting ended a moment ago: the talk goes on, unrecorded
        # A crisis said in the room is answered to that person alone, and is not kept in the room's log.
        if await self._gate.screen_privately(command.text, ctx, source="bookclub", reading_club=True):
            return
        async with self._uow() as uow:
            await uow.clubs.add_note(meeting.id, ctx.user.id, command.text, now=now)
            await uow.commit()
        # speaking in the room is being there
        await self._presence.mark(presence_place(room.id, meeting.number), int(ctx.user.id), until=meeting.ends_at)

    # --- /here ------------------------------------------------------------------------------------------------

    async def here(self, command: MarkHere, ctx: Context) -> None:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            raise UsageError("here.group_only")
        now = self._clock.now()
        async with self._uow() as uow:
            room = await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)
            if room is None:
                raise UsageError("club.none_here")
            members = await uow.clubs.members(room.id)
            if not any(m.user_id == ctx.user.id for m in members):
                raise UsageError("meeting.members_only", name=room.name)
            meeting = await uow.clubs.live_meeting(room.id, now=now)
            upcoming = await uow.clubs.meetings(room.id, ending_after=now) if meeting is None else []
        if meeting is None:
            if upcoming:
                at = format_moment(upcoming[0].starts_at, zone=ZoneInfo(room.timezone), locale=ctx.locale, now=now)
                raise UsageError("here.not_live_next", n=upcoming[0].number, at=at)
            raise UsageError("here.not_live")
        place = presence_place(room.id, meeting.number)
        await self._presence.mark(place, int(ctx.user.id), until=meeting.ends_at)
        present = await self._presence.here(place, now=now)
        await ctx.say(
            "here.marked",
            who=next((m.name for m in members if m.user_id == ctx.user.id), ctx.incoming.sender.name),
            count=len([m for m in members if int(m.user_id) in present]),
            names=crowned(members, room, present),
        )

    # --- the end ------------------------------------------------------------------------------------------------

    async def summarize_ended(self) -> int:
        """Post the summary of every meeting that has ended and has none yet; the number posted."""
        now = self._clock.now()
        async with self._uow() as uow:
            ended = await uow.clubs.ended_unsummarized(now=now, since=now - timedelta(hours=SUMMARY_LOOKBACK_HOURS))
        posted = 0
        for room, meeting in ended:
            async with self._uow() as uow:
                notes = await uow.clubs.notes(meeting.id)
                names = {m.user_id: m.name for m in await uow.clubs.members(room.id)}
            body = await self._summary(room, meeting, notes, names)  # in the room's language
            async with self._uow() as uow:
                if await uow.clubs.mark_summarized(meeting.id, now=now):
                    document = PushDocument(
                        key="meeting.summary_post",
                        title_key="meeting.summary_title",
                        text=body,
                        params={"name": room.name, "n": meeting.number, "reading": meeting.reading},
                        locale=room.locale,
                    )
                    push = NewPush(
                        dedupe_key=summary_key(room.id, meeting.number),
                        kind=PushKind.MEETING,
                        document=document,
                        due_at=now,
                        platform=room.platform,
                        chat_id=room.chat_id,
                    )
                    posted += await uow.outbox.add(push, now=now)
                await uow.commit()
            await self._presence.clear(presence_place(room.id, meeting.number))
        return posted

    async def _summary(self, room: Room, meeting: Meeting, notes: list[Note], names: Mapping[UserId, str]) -> str:
        locale = room.locale
        if not notes:
            return self._catalog.text(locale, "meeting.summary_empty")
        facts = facts_of(notes, names, unknown=self._catalog.text(locale, "meeting.summary_someone"))
        speakers = self._speakers(facts, room)
        lines = await self._model_lines(room, notes, names)
        if lines is None:
            words = ", ".join(facts.words)
            said = self._catalog.text(locale, "meeting.summary_words", words=words) if words else None
            lines = [
                self._catalog.text(locale, "meeting.summary_offline", messages=facts.messages),
                *([said] if said else []),
            ]
        return "\n".join((*lines, speakers, self._catalog.text(locale, "meeting.summary_closing")))

    def _speakers(self, facts: LogFacts, room: Room) -> str:
        locale = room.locale
        people = " · ".join(
            self._catalog.text(locale, "meeting.summary_speaker", who=s.name, said=s.said) for s in facts.speakers
        )
        return self._catalog.text(locale, "meeting.summary_speakers", people=people)

    async def _model_lines(self, room: Room, notes: list[Note], names: Mapping[UserId, str]) -> list[str] | None:
        """The model's summary (charged to the room's leader), or None offline, over budget or out of shape."""
        if self._llm.offline:
            return None
        async with self._uow() as uow:
            leader = await uow.users.get(room.leader_id)
            if leader is None or await self._budget.room(uow, leader, calls=1) is not BudgetRoom.OPEN:
                return None
        log = [(names.get(n.user_id, "?"), n.text) for n in notes[-MAX_NOTES_TO_MODEL:]]
        call = ModelCall(
            purpose="bookclub.summary",
            messages=(
                ChatMessage(role="system", content=SUMMARY_INSTRUCTIONS[room.locale]),
                ChatMessage(role="user", content=summary_request(log)),
            ),
            locale=room.locale,
            subject="",
            max_tokens=400,
        )
        try:
            answer, finished = await self._llm.complete_json(call, _Summary)
        except (LanguageModelUnavailable, ValidationError, ValueError):
            logger.warning("meeting summary: the model gave no valid JSON; the offline summary stands in")
            return None
        async with self._uow() as uow:
            await uow.usage.record(self._budget.usage("bookclub.summary", finished, user_id=room.leader_id))
            await uow.commit()
        lines = [" ".join(line.split())[:200] for line in answer.lines if line.strip()]
        return lines or None
