"""Friends: one-time invite codes, the list, and guestbook notes. Every notice to the other person is a push
through the outbox, written in the same transaction as the change, so it survives restarts and is sent once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.domain.codes import new_code, normalize_code, show_code
from core.domain.outbox import NewPush, PushDocument, PushKind
from core.domain.timekeeping import start_of_local_day
from core.errors import LimitExceeded, UsageError
from core.ports import Clock, UnitOfWorkFactory
from core.products.diary import shares_between
from core.products.friends.commands import (
    AcceptFriend,
    InviteFriend,
    ListFriends,
    RemoveFriend,
    ShowGuestbook,
    WriteGuestbook,
)
from core.products.friends.domain import (
    INVITE_TTL,
    MAX_NOTE_CHARS,
    Friend,
    InviteOutcome,
    accepted_key,
    guestbook_between,
    guestbook_key,
)
from core.replies import Reply, Section
from core.usecases.code_guard import CodeGuard
from core.usecases.context import Context
from core.usecases.names import display_name, is_named
from core.usecases.safety_gate import SafetyGate


def addressee(command: WriteGuestbook, friends: list[Friend]) -> tuple[Friend, str]:
    """Whose guestbook a note is for, and the note: the friend numbered `position` in /friend list, or the friend
    whose name the text starts with (the longest name that fits, so "Kim Minji" beats "Kim")."""
    if command.position is not None:
        if not 0 < command.position <= len(friends):
            raise UsageError("friend.no_such", position=command.position)
        return friends[command.position - 1], command.text
    words = command.text.split()
    for size in range(len(words) - 1, 0, -1):
        named = [n for n, f in enumerate(friends, start=1) if is_named(" ".join(words[:size]), f.name)]
        if len(named) > 1:
            raise UsageError("guestbook.name_shared", name=friends[named[0] - 1].name, position=named[0])
        if named:
            return friends[named[0] - 1], command.text.split(None, size)[size].strip()
    raise UsageError("friend.no_name", name=words[0] if words else "")


class FriendsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, gate: SafetyGate, guard: CodeGuard) -> None:
        self._uow = uow
        self._clock = clock
        self._gate = gate
        self._guard = guard

    async def invite(self, command: InviteFriend, ctx: Context) -> None:
        now = self._clock.now()
        code = new_code()
        today = start_of_local_day(now, ZoneInfo(ctx.user.timezone))
        per_day = self._guard.limits.codes_per_day
        async with self._uow() as uow:
            if await uow.friends.invites_since(ctx.user.id, today) >= per_day:
                raise LimitExceeded("friend.too_many_invites", limit=per_day)
            await uow.friends.create_invite(inviter=ctx.user.id, code=code, now=now, expires_at=now + INVITE_TTL)
            await uow.commit()
        shown = show_code(code)
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("friend.invite_title"),
                        body=ctx.t("friend.invite_body", code=shown, hours=int(INVITE_TTL.total_seconds() // 3600)),
                    ),
                )
            )
        )

    async def accept(self, command: AcceptFriend, ctx: Context) -> None:
        code = normalize_code(command.code)
        if code is None:
            raise UsageError("friend.bad_code")
        try_id = await self._guard.reserve(ctx.user.id, kind="friend")
        now = self._clock.now()
        theirs = ""
        async with self._uow() as uow:
            outcome, inviter = await uow.friends.redeem(code, user=ctx.user.id, now=now)
            if outcome is not InviteOutcome.UNKNOWN:  # a real code, whatever came of it: not a wrong guess
                await uow.code_tries.remove(try_id)
            if outcome is InviteOutcome.ACCEPTED and inviter is not None:
                mine = await display_name(uow, ctx.user.id)
                theirs = await display_name(uow, inviter)
                await uow.outbox.add(
                    NewPush(
                        dedupe_key=accepted_key(ctx.user.id, code),
                        kind=PushKind.FRIENDS,
                        document=PushDocument(
                            key="friends.push.accepted", title_key="friends.push.accepted_title", params={"name": mine}
                        ),
                        due_at=now,
                        user_id=inviter,
                    ),
                    now=now,
                )
            await uow.commit()
        if outcome is InviteOutcome.ACCEPTED:
            await ctx.say("friend.accepted", name=theirs)
            return
        raise UsageError(f"friend.{outcome.value}")

    async def list_friends(self, command: ListFriends, ctx: Context) -> None:
        async with self._uow() as uow:
            friends = await uow.friends.list(ctx.user.id)
        if not friends:
            await ctx.say("friend.none")
            return
        lines = [f"{n}. {friend.name}" for n, friend in enumerate(friends, start=1)]
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(title=ctx.t("friend.list_title"), body="\n".join(lines), note=ctx.t("friend.list_hint")),
                )
            )
        )

    async def remove(self, command: RemoveFriend, ctx: Context) -> None:
        async with self._uow() as uow:
            friends = await uow.friends.list(ctx.user.id)
            if not 0 < command.position <= len(friends):
                raise UsageError("friend.no_such", position=command.position)
            friend = friends[command.position - 1]
            await uow.friends.remove(ctx.user.id, friend.user_id)
            for prefix in (
                *shares_between(ctx.user.id, friend.user_id),
                *guestbook_between(ctx.user.id, friend.user_id),
            ):
                await uow.outbox.withdraw(prefix)
            await uow.commit()
        await ctx.say("friend.removed", name=friend.name)

    async def write_guestbook(self, command: WriteGuestbook, ctx: Context) -> None:
        async with self._uow() as uow:
            friends = await uow.friends.list(ctx.user.id)
        friend, text = addressee(command, friends)
        if len(text) > MAX_NOTE_CHARS:
            raise LimitExceeded("input.too_long", limit=f"{MAX_NOTE_CHARS:,}", size=f"{len(text):,}")
        if await self._gate.screen(text, ctx, source="guestbook"):
            return
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.friends.are_friends(ctx.user.id, friend.user_id):  # unfriended in between
                raise UsageError("friend.no_name", name=friend.name)
            note_id = await uow.diary.add_guestbook_note(
                owner_id=friend.user_id, author_id=ctx.user.id, text=text, now=now
            )
            await uow.outbox.add(
                NewPush(
                    dedupe_key=guestbook_key(ctx.user.id, friend.user_id, note_id),
                    kind=PushKind.FRIENDS,
                    document=PushDocument(
                        key="friends.push.guestbook",
                        title_key="friends.push.guestbook_title",
                        params={"name": await display_name(uow, ctx.user.id)},
                        text=text,
                    ),
                    due_at=now,
                    user_id=friend.user_id,
                ),
                now=now,
            )
            await uow.commit()
        await ctx.say("guestbook.saved", name=friend.name)

    async def show_guestbook(self, command: ShowGuestbook, ctx: Context) -> None:
        async with self._uow() as uow:
            notes = await uow.diary.guestbook(ctx.user.id)
        if not notes:
            await ctx.say("guestbook.none")
            return
        zone = ZoneInfo(ctx.user.timezone)
        lines = [
            f"🖊 {note.author_name} ({note.created_at.astimezone(zone).strftime('%m-%d')}): {note.text}"
            for note in notes
        ]
        await ctx.responder.send(
            Reply(
                sections=(Section(title=ctx.t("guestbook.title"), body="\n".join(lines), note=ctx.t("guestbook.hint")),)
            )
        )
