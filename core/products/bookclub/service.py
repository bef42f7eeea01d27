"""Book-club rooms: a group chat becomes a reading club; members join and leave; the leader (👑) hands over."""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

from core.domain.values import ChatKind
from core.errors import UsageError
from core.i18n import format_moment
from core.ports import Clock, UnitOfWorkFactory
from core.products.bookclub.catalog import BookId
from core.products.bookclub.commands import HandOverClub, JoinClub, LeaveClub, ShowClub, StartClub
from core.products.bookclub.live_service import LiveService
from core.products.bookclub.meetings import Meeting, count, dm_key, keys_of
from core.products.bookclub.rooms import Member, Room, clean_room_name, find_member
from core.replies import Button, Reply
from core.routing import encode_action
from core.usecases.context import Context

RECENT_PICKS: Final = 3  # the picks /club shows


class ClubsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, live: LiveService) -> None:
        self._uow = uow
        self._clock = clock
        self._live = live  # who is here, while a meeting is under way

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
        now = self._clock.now()
        async with self._uow() as uow:
            members = await uow.clubs.members(room.id)
            live = await uow.clubs.live_meeting(room.id, now=now)
            upcoming = [m for m in await uow.clubs.meetings(room.id, ending_after=now) if m != live]
            going = count(await uow.clubs.answers(upcoming[0].id)).yes if upcoming else 0
            picks = await uow.clubs.picks(room_id=room.id)
            titles: dict[int, str] = {
                b.id: b.title for b in await uow.books.get([BookId(i) for i, _, _ in picks[:RECENT_PICKS]])
            }
        lines = [self._members_line(room, members, ctx)]
        if live is not None:
            here = await self._live.who_is_here(room, live, members)
            until = format_moment(live.ends_at, zone=ZoneInfo(room.timezone), locale=ctx.locale, now=now)
            lines.append(ctx.t("club.live", n=live.number, reading=live.reading, until=until))
            lines.append(ctx.t("club.live_here", names=here) if here else ctx.t("club.live_here_none"))
        lines.append(self._next_line(room, upcoming[0] if upcoming else None, going, ctx))
        # the latest recommendation's books, in the order it listed them (picks come newest first)
        shown = [f"《{titles[i]}》" for i, _, _ in reversed(picks[:RECENT_PICKS]) if i in titles]
        lines.append(ctx.t("club.picks", titles=" · ".join(shown)) if shown else ctx.t("club.picks_none"))
        await ctx.responder.send(self._card(room, members, "\n".join(lines), ctx))

    def _members_line(self, room: Room, members: list[Member], ctx: Context) -> str:
        names = " · ".join(("👑 " if m.user_id == room.leader_id else "") + m.name for m in members)
        return ctx.t("club.members", count=len(members), names=names)

    def _next_line(self, room: Room, meeting: Meeting | None, going: int, ctx: Context) -> str:
        if meeting is None:
            return ctx.t("club.next_meeting_none")
        at = format_moment(meeting.starts_at, zone=ZoneInfo(room.timezone), locale=ctx.locale, now=self._clock.now())
        return ctx.t("club.next_meeting", n=meeting.number, at=at, reading=meeting.reading, yes=going)

    def _card(self, room: Room, members: list[Member], body: str, ctx: Context) -> Reply:
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
                locale=ctx.user.locale,
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
