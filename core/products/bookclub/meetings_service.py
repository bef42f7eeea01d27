"""A room's meetings: `/meeting add|list|cancel`, RSVPs with live counts, and the pushes a meeting schedules (the
room's reminder, its start, and each 참석 member's DM), written in the same transaction as the meeting."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.time_phrases import Refusal, TimePhraseRead, TimeRefusal, read_duration, read_time_phrase
from core.domain.values import ChatKind, Locale, UserId
from core.errors import UsageError
from core.i18n import format_moment
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.products.bookclub.commands import (
    AddMeeting,
    AnswerMeeting,
    CancelMeeting,
    ListMeetings,
    MoveMeeting,
    SetClubReminder,
)
from core.products.bookclub.meetings import (
    MAX_LENGTH,
    MAX_READING,
    MAX_REMIND_MINUTES,
    MIN_LENGTH,
    MIN_REMIND_MINUTES,
    Answer,
    Counts,
    Meeting,
    count,
    dm_key,
    keys_of,
    overlaps,
    read_answer,
    reminder_key,
    started_key,
)
from core.products.bookclub.rooms import Room
from core.replies import Button, Reply
from core.routing import encode_action
from core.usecases.context import Context
from core.usecases.safety_gate import SafetyGate

_LABELS = {Answer.YES: "meeting.yes", Answer.MAYBE: "meeting.maybe", Answer.NO: "meeting.no"}


class MeetingsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, gate: SafetyGate) -> None:
        self._uow = uow
        self._clock = clock
        self._gate = gate  # a meeting's reading is free text the room will see

    async def _room_of_member(self, ctx: Context, *, members_only: bool = True) -> Room:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            raise UsageError("meeting.group_only")
        async with self._uow() as uow:
            room = await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)
            if room is None:
                raise UsageError("club.none_here")
            if members_only and not any(m.user_id == ctx.user.id for m in await uow.clubs.members(room.id)):
                raise UsageError("meeting.members_only", name=room.name)
        return room

    def _at(self, meeting: Meeting, room: Room, locale: Locale) -> str:
        return format_moment(meeting.starts_at, zone=ZoneInfo(room.timezone), locale=locale, now=self._clock.now())

    def _counts(self, counts: Counts, ctx: Context) -> str:
        return ctx.t("meeting.counts", yes=counts.yes, maybe=counts.maybe, no=counts.no)

    def _buttons(self, meeting: Meeting, ctx: Context) -> tuple[Button, ...]:
        return tuple(
            Button(label=ctx.t(label), action=encode_action("meeting", "rsvp", str(meeting.number), answer.value))
            for answer, label in _LABELS.items()
        )

    async def set_reminder(self, command: SetClubReminder, ctx: Context) -> None:
        room = await self._room_of_member(ctx)
        length = read_duration(command.length)
        minutes = int(length.total_seconds() // 60) if length is not None else 0
        if length is None or length.total_seconds() % 60 or not MIN_REMIND_MINUTES <= minutes <= MAX_REMIND_MINUTES:
            raise UsageError("club.remind_usage")
        async with self._uow() as uow:
            await uow.clubs.set_remind_minutes(room.id, minutes)
            await uow.commit()
        await ctx.say("club.remind_set", name=room.name, minutes=minutes)

    def _read_start(self, text: str, room: Room, ctx: Context) -> TimePhraseRead:
        now, zone = self._clock.now(), ZoneInfo(room.timezone)
        read = read_time_phrase(text, now=now, zone=zone)
        if isinstance(read, TimeRefusal):
            if read.reason is Refusal.PAST and read.due is not None:
                raise UsageError("meeting.past", at=format_moment(read.due, zone=zone, locale=ctx.locale, now=now))
            if read.reason is Refusal.AMBIGUOUS_DAY:  # "내일 20:00" at 1 a.m.
                raise UsageError("meeting.ambiguous_day", phrase=read.phrase[:40])
            raise UsageError("meeting.bad_time", phrase=(read.phrase or text)[:40])
        return read

    async def add(self, command: AddMeeting, ctx: Context) -> None:
        room = await self._room_of_member(ctx)
        now = self._clock.now()
        if await self._gate.screen_privately(command.text, ctx, source="bookclub", reading_club=True):
            return
        read = self._read_start(command.text, room, ctx)
        words = read.rest.split(None, 1)
        length = read_duration(words[0]) if words else None
        if length is None or not MIN_LENGTH <= length <= MAX_LENGTH or len(words) < 2:
            raise UsageError("meeting.usage")
        reading = " ".join(words[1].split())
        if len(reading) > MAX_READING:
            raise UsageError("meeting.reading_too_long", limit=MAX_READING)
        starts_at, ends_at = read.due, read.due + length
        async with self._uow() as uow:
            clash = overlaps(await uow.clubs.meetings(room.id, ending_after=now), starts_at, ends_at)
            if clash is not None:
                raise UsageError("meeting.overlap", n=clash.number, at=self._at(clash, room, ctx.locale))
            meeting = await uow.clubs.add_meeting(
                room_id=room.id,
                starts_at=starts_at,
                ends_at=ends_at,
                reading=reading,
                remind_minutes=room.remind_minutes,
                created_by=ctx.user.id,
                now=now,
            )
            await self._schedule(uow, room, meeting)
            await uow.commit()
        body = ctx.t(
            "meeting.added",
            n=meeting.number,
            at=self._at(meeting, room, ctx.locale),
            minutes=meeting.minutes,
            reading=reading,
            remind=meeting.remind_minutes,
        )
        body = f"{body}\n{self._counts(Counts(), ctx)}"
        title = ctx.t("meeting.title", name=room.name, n=meeting.number)
        await ctx.responder.send(Reply.text(body, title=title, buttons=self._buttons(meeting, ctx)))

    async def _schedule(self, uow: UnitOfWork, room: Room, meeting: Meeting) -> None:
        """The room's pushes: the reminder (unless its time has passed already) and the start."""
        now = self._clock.now()
        params = {
            "name": room.name,
            "n": meeting.number,
            "at": self._at(meeting, room, room.locale),  # a room's posts speak its language
            "minutes": meeting.minutes,
            "remind": meeting.remind_minutes,
        }
        documents = (
            (reminder_key(room.id, meeting.number), "meeting.remind_room", meeting.remind_at),
            (started_key(room.id, meeting.number), "meeting.started", meeting.starts_at),
        )
        for key, text_key, due_at in documents:
            if due_at <= now:
                continue  # a reminder whose time has passed already (a meeting set a few minutes ahead)
            document = PushDocument(
                key=text_key, title_key="meeting.push_title", text=meeting.reading, params=params, locale=room.locale
            )
            push = NewPush(
                dedupe_key=key,
                kind=PushKind.MEETING,
                document=document,
                due_at=due_at,
                platform=room.platform,
                chat_id=room.chat_id,
            )
            await uow.outbox.add(push, now=now, revive_withdrawn=True)  # a moved meeting schedules them anew

    async def _remind_member(
        self, uow: UnitOfWork, room: Room, meeting: Meeting, user_id: UserId, locale: Locale
    ) -> None:
        """The DM reminder of a member who said 참석 (none when its time has passed)."""
        now = self._clock.now()
        if meeting.remind_at <= now:
            return
        document = PushDocument(
            key="meeting.remind_member",
            title_key="meeting.push_title",
            text=meeting.reading,
            params={"name": room.name, "n": meeting.number, "at": self._at(meeting, room, locale)},
        )
        push = NewPush(
            dedupe_key=dm_key(room.id, meeting.number, user_id),
            kind=PushKind.MEETING,
            document=document,
            due_at=meeting.remind_at,
            user_id=user_id,
        )
        await uow.outbox.add(push, now=now, revive_withdrawn=True)

    async def answer(self, command: AnswerMeeting, ctx: Context) -> None:
        answer = read_answer(command.answer)
        if answer is None:
            raise UsageError("meeting.usage")
        room = await self._room_of_member(ctx)
        now = self._clock.now()
        async with self._uow() as uow:
            meeting = await uow.clubs.meeting(room.id, command.number)
            if meeting is None or meeting.cancelled_at is not None:
                raise UsageError("meeting.no_such" if meeting is None else "meeting.was_cancelled", n=command.number)
            if meeting.ends_at <= now:
                raise UsageError("meeting.over", n=command.number)
            before = await uow.clubs.answer(meeting.id, ctx.user.id, answer, now=now)
            key = dm_key(room.id, meeting.number, ctx.user.id)
            if answer is Answer.YES and before is not Answer.YES:
                await self._remind_member(uow, room, meeting, ctx.user.id, ctx.locale)
            elif answer is not Answer.YES and before is Answer.YES:
                await uow.outbox.withdraw(key)
            counts = count(await uow.clubs.answers(meeting.id))
            await uow.commit()
        await ctx.say(
            "meeting.answered",
            who=ctx.incoming.sender.name or "",
            n=meeting.number,
            answer=ctx.t(_LABELS[answer]),
            counts=self._counts(counts, ctx),
        )

    async def list(self, command: ListMeetings, ctx: Context) -> None:
        room = await self._room_of_member(ctx, members_only=False)
        async with self._uow() as uow:
            meetings = await uow.clubs.meetings(room.id, ending_after=self._clock.now())
            counted = [(m, count(await uow.clubs.answers(m.id))) for m in meetings]
        if not counted:
            await ctx.say("meeting.none", name=room.name)
            return
        lines = "\n".join(
            ctx.t(
                "meeting.line",
                n=m.number,
                at=self._at(m, room, ctx.locale),
                minutes=m.minutes,
                reading=m.reading,
                counts=self._counts(c, ctx),
            )
            for m, c in counted
        )
        await ctx.say("meeting.list", name=room.name, items=lines)

    async def _changeable(self, uow: UnitOfWork, room: Room, number: int, ctx: Context, *, refused: str) -> Meeting:
        """The meeting `number`, when it is still on and this person may change it (the leader, or who set it)."""
        meeting = await uow.clubs.meeting(room.id, number)
        if meeting is None or meeting.cancelled_at is not None:
            raise UsageError("meeting.no_such" if meeting is None else "meeting.was_cancelled", n=number)
        if ctx.user.id not in (room.leader_id, meeting.created_by):
            raise UsageError(refused)
        return meeting

    async def cancel(self, command: CancelMeeting, ctx: Context) -> None:
        room = await self._room_of_member(ctx)
        now = self._clock.now()
        async with self._uow() as uow:
            meeting = await self._changeable(uow, room, command.number, ctx, refused="meeting.cancel_not_allowed")
            if meeting.ends_at <= now:
                raise UsageError("meeting.over", n=command.number)
            await uow.clubs.cancel_meeting(meeting.id, now=now)
            await uow.outbox.withdraw(keys_of(room.id, meeting.number))
            await uow.commit()
        await ctx.say(
            "meeting.cancelled", n=meeting.number, at=self._at(meeting, room, ctx.locale), reading=meeting.reading
        )

    async def move(self, command: MoveMeeting, ctx: Context) -> None:
        """A new start for a meeting (its length and reading stay); the pushes it scheduled move with it."""
        room = await self._room_of_member(ctx)
        read = self._read_start(command.text, room, ctx)
        if read.rest.strip():
            raise UsageError("meeting.move_usage")
        now = self._clock.now()
        async with self._uow() as uow:
            meeting = await self._changeable(uow, room, command.number, ctx, refused="meeting.move_not_allowed")
            if meeting.starts_at <= now:
                raise UsageError("meeting.move_started", n=command.number)
            starts_at, ends_at = read.due, read.due + (meeting.ends_at - meeting.starts_at)
            others = [m for m in await uow.clubs.meetings(room.id, ending_after=now) if m.id != meeting.id]
            clash = overlaps(others, starts_at, ends_at)
            if clash is not None:
                raise UsageError("meeting.overlap", n=clash.number, at=self._at(clash, room, ctx.locale))
            await uow.clubs.move_meeting(meeting.id, starts_at=starts_at, ends_at=ends_at)
            moved = replace(meeting, starts_at=starts_at, ends_at=ends_at)
            await uow.outbox.withdraw(keys_of(room.id, meeting.number))
            await self._schedule(uow, room, moved)
            for user_id, answer in (await uow.clubs.answers(meeting.id)).items():
                member = await uow.users.get(user_id) if answer is Answer.YES else None
                if member is not None:  # the DM shows the time in the member's own language
                    await self._remind_member(uow, room, moved, user_id, member.locale)
            await uow.commit()
        await ctx.say(
            "meeting.moved",
            n=meeting.number,
            at=self._at(moved, room, ctx.locale),
            minutes=moved.minutes,
            reading=moved.reading,
        )
