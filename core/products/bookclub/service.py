"""Book-club rooms: a group chat becomes a reading club; members join and leave; the leader (👑) hands over."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.domain.values import ChatKind
from core.errors import UsageError
from core.i18n import format_moment
from core.ports import Clock, UnitOfWorkFactory
from core.products.bookclub.commands import HandOverClub, JoinClub, LeaveClub, ShowClub, StartClub
from core.products.bookclub.meetings import Meeting, count, dm_key, keys_of
from core.products.bookclub.rooms import Member, Room, clean_room_name, find_member
from core.replies import Button, Reply
from core.routing import encode_action
from core.usecases.context import Context


class ClubsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _join_button(self, ctx: Context) -> Button:
        return Button(label=ctx.t("club.join_button"), action=encode_action("club", "join"))

    async def _here(self, ctx: Context) -> Room | None:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            raise UsageError("club.group_only")
        async with self._uow() as uow:
            return await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)

    async def show(self, command: ShowClub, ctx: Context) -> None:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            await self._my_rooms(ctx)
            return
        room = await self._here(ctx)
        if room is None:
            await ctx.say("club.none_here")
            return
        async with self._uow() as uow:
            members = await uow.clubs.members(room.id)
            upcoming = await uow.clubs.meetings(room.id, ending_after=self._clock.now())
            going = count(await uow.clubs.answers(upcoming[0].id)).yes if upcoming else 0
        await ctx.responder.send(self._card(room, members, upcoming[0] if upcoming else None, going, ctx))

    def _card(self, room: Room, members: list[Member], meeting: Meeting | None, going: int, ctx: Context) -> Reply:
        names = " · ".join(("👑 " if m.user_id == room.leader_id else "") + m.name for m in members)
        at = (
            format_moment(meeting.starts_at, zone=ZoneInfo(room.timezone), locale=ctx.locale, now=self._clock.now())
            if meeting
            else ""
        )
        body = "\n".join(
            (
                ctx.t("club.members", count=len(members), names=names),
                ctx.t("club.next_meeting", n=meeting.number, at=at, reading=meeting.reading, yes=going)
                if meeting
                else ctx.t("club.next_meeting_none"),
                ctx.t("club.picks_none"),
            )
        )
        member = any(m.user_id == ctx.user.id for m in members)
        buttons = () if member else (self._join_button(ctx),)
        return Reply.text(body, title=ctx.t("club.title", name=room.name), buttons=buttons)

    async def _my_rooms(self, ctx: Context) -> None:
        async with self._uow() as uow:
            rooms = await uow.clubs.rooms_of(ctx.user.id)
        if not rooms:
            await ctx.say("club.my_rooms_none")
            return
        lines = "\n".join(f"· {room.name}" + (" 👑" if room.leader_id == ctx.user.id else "") for room, _ in rooms)
        await ctx.say("club.my_rooms", rooms=lines)

    async def start(self, command: StartClub, ctx: Context) -> None:
        if ctx.incoming.chat.kind is not ChatKind.GROUP:
            raise UsageError("club.group_only")
        name = clean_room_name(command.name)
        if name is None:
            raise UsageError("club.start_usage")
        async with self._uow() as uow:
            existing = await uow.clubs.room_in(ctx.incoming.platform, ctx.incoming.chat.id)
            if existing is not None:
                raise UsageError("club.exists", name=existing.name)
            room = await uow.clubs.create(
                platform=ctx.incoming.platform,
                chat_id=ctx.incoming.chat.id,
                name=name,
                timezone=ctx.user.timezone,
                leader=ctx.user.id,
                now=self._clock.now(),
            )
            if room is None:  # someone made it a room a moment ago
                raise UsageError("club.exists", name=name)
            await uow.commit()
        await ctx.responder.send(
            Reply.text(
                ctx.t("club.started", name=room.name, zone=room.timezone),
                title=ctx.t("club.title", name=room.name),
                buttons=(self._join_button(ctx),),
            )
        )

    async def join(self, command: JoinClub, ctx: Context) -> None:
        room = await self._here(ctx)
        if room is None:
            raise UsageError("club.none_here")
        async with self._uow() as uow:
            joined = await uow.clubs.join(room.id, ctx.user.id, now=self._clock.now())
            count = len(await uow.clubs.members(room.id))
            await uow.commit()
        if not joined:
            raise UsageError("club.already_member", name=room.name)
        await ctx.say("club.joined", name=room.name, count=count)

    async def leave(self, command: LeaveClub, ctx: Context) -> None:
        room = await self._here(ctx)
        if room is None:
            raise UsageError("club.none_here")
        async with self._uow() as uow:
            members = await uow.clubs.members(room.id)
            if not any(m.user_id == ctx.user.id for m in members):
                raise UsageError("club.not_member", name=room.name)
            for meeting in await uow.clubs.meetings(room.id, ending_after=self._clock.now()):
                await uow.outbox.withdraw(dm_key(room.id, meeting.number, ctx.user.id))  # no reminders after leaving
            closing = room.leader_id == ctx.user.id and len(members) == 1
            if closing:  # its scheduled posts go with it, before the meetings they are keyed by
                for meeting in await uow.clubs.meetings(room.id):
                    await uow.outbox.withdraw(keys_of(room.id, meeting.number))
            heir_id = await uow.clubs.step_out(room, ctx.user.id)
            heir: Member | None = next((m for m in members if m.user_id == heir_id), None)
            await uow.commit()
        if room.leader_id == ctx.user.id and heir is None:
            await ctx.say("club.closed", name=room.name)
        elif heir is not None:
            await ctx.say("club.left_new_leader", name=room.name, leader=heir.name)
        else:
            await ctx.say("club.left", name=room.name)

    async def hand_over(self, command: HandOverClub, ctx: Context) -> None:
        room = await self._here(ctx)
        if room is None:
            raise UsageError("club.none_here")
        if room.leader_id != ctx.user.id:
            raise UsageError("club.leader_only")
        async with self._uow() as uow:
            members = await uow.clubs.members(room.id)
            chosen = find_member(members, command.to)
            if chosen is None:
                raise UsageError("club.no_such_member", who=command.to.strip().removeprefix("@")[:40])
            await uow.clubs.set_leader(room.id, chosen.user_id)
            await uow.commit()
        await ctx.say("club.leader_set", name=room.name, leader=chosen.name)
