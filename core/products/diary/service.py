"""The emotion diary: entries read for their feeling and answered with a warm comment, shared with friends if the
writer wants, paged back through; points for writing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError

from core.domain.budget import Room
from core.domain.emotion import NEUTRAL, Emotion, EmotionReading, classify
from core.domain.outbox import NewPush, PushButton, PushDocument, PushKind
from core.domain.prompting import delimit
from core.domain.values import UserId
from core.errors import LanguageModelUnavailable, LimitExceeded, UsageError
from core.ports import ChatMessage, Clock, LanguageModel, ModelCall, UnitOfWork, UnitOfWorkFactory
from core.products.diary.commands import ChangeEntry, CommentOnEntry, EntryRef, ListDiaries, ShowFeed, WriteDiary
from core.products.diary.domain import (
    MAX_ENTRY_CHARS,
    MAX_NOTE_CHARS,
    MAX_PENDING_DIARIES,
    PAGE_SIZE,
    PENDING_DIARY_TTL,
    DiaryEntry,
    Note,
    Visibility,
    can_read,
    comment_key,
    points_for_entry,
    shared_entry_key,
)
from core.products.diary.prompts import READING_INSTRUCTIONS
from core.products.diary.schedules import SchedulesService
from core.products.diary.weeks import day_streak
from core.products.points import STREAK_DAYS
from core.replies import Button, Reply, Section
from core.routing import encode_action
from core.usecases.context import Context
from core.usecases.model_budget import ModelBudget
from core.usecases.names import display_name, is_named
from core.usecases.safety_gate import SafetyGate

logger = logging.getLogger(__name__)

EMOJI = {
    Emotion.JOY: "😊",
    Emotion.CALM: "🌿",
    Emotion.SADNESS: "😢",
    Emotion.ANXIETY: "😟",
    Emotion.ANGER: "😠",
    Emotion.TIREDNESS: "😮‍💨",
}
PREVIEW_CHARS = 60


class DiaryReading(BaseModel):
    """What the model must answer; anything else is rejected and the offline reading is used."""

    emotion: Literal["joy", "calm", "sadness", "anxiety", "anger", "tiredness"]
    intensity: int = Field(ge=1, le=5)
    comment: str = Field(min_length=1, max_length=800)


def offline_comment_key(reading: EmotionReading) -> str:
    """The scripted comment for an offline reading: the finer feeling if one was read (low self-worth, emptiness,
    guilt, loneliness, two feelings at once), else the emotion; a text with no feeling in it at all is not told it
    had a calm day."""
    if reading.nuance is not None:
        return f"diary.comment.{reading.nuance.value}"
    if reading == NEUTRAL:
        return "diary.comment.plain"
    return f"diary.comment.{reading.emotion.value}"


def intensity_dots(intensity: int) -> str:
    return "●" * intensity + "○" * (5 - intensity)


def preview(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"


def read_friends_entry(owner: UserId, number: int) -> str:
    """The action of a button that opens a friend's entry: the friend by user id, so it still opens the right one
    when two friends share a name or the friend list is renumbered."""
    return encode_action("entry", f"~{owner}", str(number))


class Person(Protocol):
    """A friend as the friend list gives them."""

    @property
    def user_id(self) -> UserId: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Writer:
    """A friend who wrote an entry, as the reader is shown them: their name, and how to type them in /entry and
    /comment — the name, or "@2" (their /friend list number) when two friends share it."""

    name: str
    typed: str

    @property
    def shown(self) -> str:
        """The name in a list, with the way to type it when that is not the name: "minji (@2)"."""
        return self.name if self.typed == self.name else f"{self.name} ({self.typed})"


def writers(friends: Sequence[Person]) -> dict[UserId, Writer]:
    return {
        f.user_id: Writer(f.name, f.name if sum(is_named(f.name, g.name) for g in friends) == 1 else f"@{n}")
        for n, f in enumerate(friends, start=1)
    }


class DiaryService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        llm: LanguageModel,
        gate: SafetyGate,
        budget: ModelBudget,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._llm = llm
        self._gate = gate
        self._budget = budget

    # --- writing -------------------------------------------------------------------------------------------

    async def write(self, command: WriteDiary, ctx: Context) -> None:
        text = command.text.strip()
        if not text:
            raise UsageError("diary.usage")
        if len(text) > MAX_ENTRY_CHARS:
            raise LimitExceeded("input.too_long", limit=f"{MAX_ENTRY_CHARS:,}", size=f"{len(text):,}")
        if await self._gate.screen(text, ctx, source="diary"):
            return  # the same gate as counseling: help first; the entry is not kept, nor commented on by a model
        if not ctx.user.consented:
            await self._hold_until_consent(text, ctx)
            return
        await self._save(text, ctx)

    async def _hold_until_consent(self, text: str, ctx: Context) -> None:
        """A diary is its text: it is kept only with consent (SPEC §1). The entry waits, held apart, for the
        answer to the consent question: saved on yes, deleted on no or when PENDING_DIARY_TTL has passed."""
        async with self._uow() as uow:
            held = await uow.diary.hold_pending(user_id=ctx.user.id, text=text, now=self._clock.now())
            if held > MAX_PENDING_DIARIES:
                await uow.rollback()
            else:
                await uow.commit()
        minutes = int(PENDING_DIARY_TTL.total_seconds() // 60)
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("diary.consent_title"),
                        body=ctx.t("diary.needs_consent", minutes=minutes)
                        if held <= MAX_PENDING_DIARIES
                        else ctx.t("diary.needs_consent_not_held", limit=MAX_PENDING_DIARIES),
                        buttons=(
                            Button(label=ctx.t("consent.agree_button"), action=encode_action("consent", "yes")),
                            Button(label=ctx.t("diary.decline_button"), action=encode_action("consent", "no")),
                        ),
                    ),
                )
            )
        )

    async def after_consent(self, agreed: bool, ctx: Context) -> None:
        """The consent question was answered: the entries held for it are saved (yes) or deleted (no)."""
        now = self._clock.now()
        async with self._uow() as uow:
            texts = await uow.diary.take_pending(ctx.user.id, since=now - PENDING_DIARY_TTL)
            await uow.commit()
        if not agreed:
            if texts:
                await ctx.say("diary.pending_dropped", count=len(texts))
            return
        for text in texts:
            await self._save(text, ctx)

    async def purge_pending(self) -> int:
        """Delete entries held for a consent that never came (a clock step)."""
        async with self._uow() as uow:
            purged = await uow.diary.purge_pending(before=self._clock.now() - PENDING_DIARY_TTL)
            await uow.commit()
        return purged

    async def _save(self, text: str, ctx: Context) -> None:
        await ctx.responder.show_typing()
        emotion, intensity, comment, capped = await self._read(text, ctx)
        now = self._clock.now()
        today = now.astimezone(ZoneInfo(ctx.user.timezone)).date()
        earned: list[tuple[str, int]] = []
        async with self._uow() as uow:
            first_of_day = await uow.diary.count_on(ctx.user.id, today) == 0
            entry = await uow.diary.add(
                user_id=ctx.user.id,
                text=text,
                emotion=emotion,
                intensity=intensity,
                visibility=Visibility.PRIVATE,
                local_date=today,
                now=now,
            )
            await uow.diary.set_comment(entry.id, comment)
            streak = day_streak(await uow.diary.days(ctx.user.id, since=date.min), today)
            for reason, amount in points_for_entry(first_of_day=first_of_day, streak=streak):
                if await uow.points.earn(ctx.user.id, amount, reason=reason, ref=today.isoformat(), now=now):
                    earned.append((reason, amount))
            balance = await uow.points.balance(ctx.user.id)
            await SchedulesService.ensure_weekly_digest(uow, ctx.user.id, ctx.user.timezone, now)
            await uow.commit()
        # the correction's example names another feeling than the one read, so it reads as a way to change it
        example = Emotion.ANXIETY if emotion is Emotion.SADNESS else Emotion.SADNESS
        hint = ctx.t("diary.mood_hint", id=entry.number, emotion=ctx.t(f"emotion.{example.value}").lower())
        notes = [ctx.t("diary.private_note"), hint]
        if capped is not None:
            notes.append(ctx.t(f"diary.capped_note.{capped.value}"))
        for reason, amount in earned:
            notes.append(ctx.t(f"points.earned.{reason}", points=amount, days=STREAK_DAYS))
        if earned:
            notes.append(ctx.t("points.balance_line", balance=balance))
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("diary.saved_title"),
                        body=ctx.t(
                            "diary.saved_body",
                            emoji=EMOJI[emotion],
                            emotion=ctx.t(f"emotion.{emotion.value}"),
                            dots=intensity_dots(intensity),
                            intensity=intensity,
                            comment=comment,
                        ),
                        note="\n".join(notes),
                        buttons=self._entry_buttons(entry.number, Visibility.PRIVATE, ctx),
                    ),
                )
            )
        )

    async def _read(self, text: str, ctx: Context) -> tuple[Emotion, int, str, Room | None]:
        """The feeling and a comment: from the model when one is configured and the budget allows, else (or
        when it fails or answers out of shape) from the offline reading and scripted comments. The last item
        is the person's cap when it is what kept the model out."""
        room = Room.SPENT
        if not self._llm.offline:
            async with self._uow() as uow:
                room = await self._budget.room(uow, ctx.user, calls=1)
        if room is Room.OPEN:
            call = ModelCall(
                purpose="diary",
                messages=(
                    ChatMessage(role="system", content=READING_INSTRUCTIONS[ctx.locale]),
                    ChatMessage(role="user", content=delimit(text)),
                ),
                locale=ctx.locale,
                subject=text,
                max_tokens=400,
            )
            try:
                reading, finished = await self._llm.complete_json(call, DiaryReading)
            except (LanguageModelUnavailable, ValidationError):
                logger.warning("diary reading by the model failed or was out of shape; offline reading used")
            else:
                async with self._uow() as uow:
                    await uow.usage.record(self._budget.usage("diary", finished, user_id=ctx.user.id))
                    await uow.commit()
                return Emotion(reading.emotion), reading.intensity, reading.comment.strip(), None
        offline = classify(text)
        capped = room if room.capped else None
        return offline.emotion, offline.intensity, ctx.t(offline_comment_key(offline)), capped

    def _entry_buttons(self, number: int, visibility: Visibility, ctx: Context) -> tuple[Button, ...]:
        toggle = (
            Button(label=ctx.t("diary.button.share"), action=encode_action("entry", str(number), "friends"))
            if visibility is Visibility.PRIVATE
            else Button(label=ctx.t("diary.button.unshare"), action=encode_action("entry", str(number), "private"))
        )
        delete = Button(label=ctx.t("diary.button.delete"), action=encode_action("entry", str(number), "delete"))
        return (toggle, delete)

    # --- reading back --------------------------------------------------------------------------------------

    async def list_entries(self, command: ListDiaries, ctx: Context) -> None:
        async with self._uow() as uow:
            entries = await uow.diary.page(ctx.user.id, before_number=command.before_number, limit=PAGE_SIZE + 1)
        if not entries:
            await ctx.say("diaries.none" if command.before_number is None else "diaries.end")
            return
        shown, more = entries[:PAGE_SIZE], len(entries) > PAGE_SIZE
        lines = [self._line(entry, ctx) for entry in shown]
        buttons = (
            (Button(label=ctx.t("diaries.more"), action=encode_action("diaries", str(shown[-1].number))),)
            if more
            else ()
        )
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("diaries.title"),
                        body="\n".join(lines),
                        note=ctx.t("diaries.hint"),
                        buttons=buttons,
                    ),
                )
            )
        )

    def _line(self, entry: DiaryEntry, ctx: Context, *, writer: Writer | None = None) -> str:
        """One entry in a list: yours show who can see them; a friend's show whose they are, as typed to open it."""
        parts = [
            f"#{entry.number}" if writer is None else f"{writer.shown} #{entry.number} ·",
            entry.local_date.strftime("%m-%d"),
            EMOJI[entry.emotion],
            ctx.t(f"emotion.{entry.emotion.value}"),
            str(entry.intensity),
            ("👥" if entry.visibility is Visibility.FRIENDS else "🔒") if writer is None else "·",
            preview(entry.text),
        ]
        return " ".join(parts)

    async def _find(self, uow: UnitOfWork, ref: EntryRef, ctx: Context) -> tuple[DiaryEntry, Writer | None]:
        """The entry `ref` names, if this person may read it, with its writer when it is a friend's. A friend's
        private entry, a deleted one and one never written get the same answer."""
        if ref.mine:
            entry = await uow.diary.numbered(ctx.user.id, ref.number)
            if entry is None:
                raise UsageError("entry.not_found", id=ref.number)
            return entry, None
        friends = await uow.friends.list(ctx.user.id)
        named = writers(friends)
        if ref.owner is not None:
            candidates = [f.user_id for f in friends if f.user_id == ref.owner]
        elif ref.friend_position is not None:
            if not 0 < ref.friend_position <= len(friends):
                raise UsageError("friend.no_such", position=ref.friend_position)
            candidates = [friends[ref.friend_position - 1].user_id]
        else:
            candidates = [f.user_id for f in friends if is_named(ref.friend or "", f.name)]
            if not candidates:
                raise UsageError("friend.no_name", name=ref.friend or "")
        found = []
        for owner in candidates:
            entry = await uow.diary.numbered(owner, ref.number)
            if entry is not None and can_read(entry, ctx.user.id, friends=True):
                found.append((entry, named[owner]))
        if len(found) > 1:  # two friends of one name, each with a shared entry of this number
            raise UsageError("friend.name_shared", name=found[0][1].name, id=ref.number, typed=found[0][1].typed)
        if not found:
            if not candidates:
                raise UsageError("entry.not_found", id=ref.number)
            raise UsageError("entry.not_found_friend", name=named[candidates[0]].name, id=ref.number)
        return found[0]

    async def change(self, command: ChangeEntry, ctx: Context) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            entry, writer = await self._find(uow, command.entry, ctx)
            if command.change == "show":
                comments = await uow.diary.comments(entry.id)
                if writer is not None:  # a friend does not see who else the writer's friends are
                    comments = [c for c in comments if c.author_id in (entry.user_id, ctx.user.id)]
                await self._show(entry, comments, writer, ctx)
                return
            if writer is not None:
                raise UsageError("entry.not_yours", name=writer.name, id=entry.number)
            if command.change == "mood":
                await self._correct_mood(uow, entry, command, ctx)
                return
            if command.change == "delete":  # gone for good, with friends' comments: asked once more
                await ctx.say(
                    "entry.delete_question",
                    id=entry.number,
                    buttons=(
                        Button(
                            label=ctx.t("entry.delete_confirm_button"),
                            action=encode_action("entry", str(entry.number), "delete", "yes"),
                        ),
                        Button(label=ctx.t("entry.keep_button"), action=encode_action("entry", str(entry.number))),
                    ),
                )
                return
            if command.change == "delete_confirmed":
                await uow.diary.delete(entry.id, owner=ctx.user.id, now=now)
                await self._withdraw_shares(uow, entry)
                await uow.commit()
                await ctx.say("entry.deleted", id=entry.number)
                return
            await self._set_visibility(uow, entry, Visibility(command.change), ctx, now=now)

    async def _set_visibility(
        self, uow: UnitOfWork, entry: DiaryEntry, visibility: Visibility, ctx: Context, *, now: datetime
    ) -> None:
        if visibility is entry.visibility:
            await ctx.say(f"entry.already_{visibility.value}", id=entry.number)
            return
        await uow.diary.set_visibility(entry.id, owner=ctx.user.id, visibility=visibility)
        if visibility is Visibility.PRIVATE:
            await self._withdraw_shares(uow, entry)
            await uow.commit()
            await ctx.say("entry.unshared", id=entry.number)
            return
        told, friends = await self._tell_friends(uow, entry, ctx, now=now)
        told_name = await display_name(uow, told[0]) if len(told) == 1 else ""
        await uow.commit()
        if not friends:  # nobody to tell yet: say so, and how to change that, rather than "told 0 friends"
            await ctx.say("entry.shared_no_friends", id=entry.number)
        elif not told:  # shared before, hidden, shared again: its notice went out the first time
            await ctx.say("entry.shared_told_before", id=entry.number)
        elif len(told) == 1:
            await ctx.say("entry.shared_one", id=entry.number, name=told_name)
        else:
            await ctx.say("entry.shared", id=entry.number, friends=len(told))

    async def _correct_mood(self, uow: UnitOfWork, entry: DiaryEntry, command: ChangeEntry, ctx: Context) -> None:
        """`/entry N mood 슬픔 3`: the writer knows the feeling better than any reading; the stats read the entry's
        emotion and intensity, so they follow at once."""
        emotion = command.emotion or entry.emotion
        intensity = command.intensity if command.intensity is not None else entry.intensity
        await uow.diary.set_mood(entry.id, owner=ctx.user.id, emotion=emotion, intensity=intensity)
        comment: str | None = None
        if emotion is not entry.emotion:
            # the comment answered the feeling the entry was read with; the corrected feeling gets its own
            comment = ctx.t(f"diary.comment.{emotion.value}")
            await uow.diary.set_comment(entry.id, comment)
        await uow.commit()
        text = ctx.t(
            "entry.mood_changed",
            id=entry.number,
            emoji=EMOJI[emotion],
            emotion=ctx.t(f"emotion.{emotion.value}"),
            dots=intensity_dots(intensity),
            intensity=intensity,
        )
        await ctx.responder.send(Reply.text(text + (f"\n\n💬 {comment}" if comment else "")))

    async def _tell_friends(
        self, uow: UnitOfWork, entry: DiaryEntry, ctx: Context, *, now: datetime
    ) -> tuple[list[UserId], int]:
        """One push per friend, in the same transaction as the change; the dedupe key makes sharing the same
        entry again (private, then friends again) tell nobody twice. Returns who was told now, and how many friends
        there are."""
        author = await display_name(uow, ctx.user.id)
        friends = await uow.friends.ids(ctx.user.id)
        told: list[UserId] = []
        for friend in friends:
            added = await uow.outbox.add(
                NewPush(
                    dedupe_key=shared_entry_key(ctx.user.id, friend, entry.id),
                    kind=PushKind.FRIENDS,
                    document=PushDocument(
                        key="friends.push.entry",
                        title_key="friends.push.entry_title",
                        params={
                            "name": author,
                            "id": entry.number,
                            "emoji": EMOJI[entry.emotion],
                            "preview": preview(entry.text),
                        },
                        buttons=(
                            PushButton(
                                label_key="friends.push.read_button",
                                action=read_friends_entry(ctx.user.id, entry.number),
                            ),
                        ),
                    ),
                    due_at=now,
                    user_id=friend,
                ),
                now=now,
                revive_withdrawn=True,
            )
            if added:
                told.append(friend)
        return told, len(friends)

    @staticmethod
    async def _withdraw_shares(uow: UnitOfWork, entry: DiaryEntry) -> None:
        """A deleted or hidden entry's notices: unsent ones are cancelled, and no copy of the preview is kept."""
        for friend in await uow.friends.ids(entry.user_id):
            await uow.outbox.withdraw(shared_entry_key(entry.user_id, friend, entry.id))

    async def _show(self, entry: DiaryEntry, comments: list[Note], writer: Writer | None, ctx: Context) -> None:
        body = ctx.t(
            "entry.body",
            emoji=EMOJI[entry.emotion],
            emotion=ctx.t(f"emotion.{entry.emotion.value}"),
            dots=intensity_dots(entry.intensity),
            day=entry.local_date.isoformat(),
            text=entry.text,
        )
        if entry.comment and writer is None:
            body += "\n\n💬 " + entry.comment
        if comments:
            body += "\n\n" + "\n".join(f"🗨 {c.author_name}: {c.text}" for c in comments)
        if writer is None:
            title = ctx.t("entry.title", id=entry.number)
            hint = ctx.t("comment.hint", id=entry.number)
            buttons = self._entry_buttons(entry.number, entry.visibility, ctx)
        else:
            title = ctx.t("entry.title_friend", name=writer.name, id=entry.number)
            hint = ctx.t("comment.hint_friend", name=writer.typed, id=entry.number)
            buttons = ()
        await ctx.responder.send(Reply(sections=(Section(title=title, body=body, note=hint, buttons=buttons),)))

    async def feed(self, command: ShowFeed, ctx: Context) -> None:
        async with self._uow() as uow:
            friends = await uow.friends.list(ctx.user.id)
            entries = await uow.diary.feed(
                [f.user_id for f in friends], before_id=command.before_id, limit=PAGE_SIZE + 1
            )
        if not friends:
            await ctx.say("feed.no_friends")
            return
        if not entries:
            await ctx.say("feed.none" if command.before_id is None else "diaries.end")
            return
        named = writers(friends)
        shown, more = entries[:PAGE_SIZE], len(entries) > PAGE_SIZE
        buttons = tuple(
            Button(label=f"📖 {named[e.user_id].shown} #{e.number}", action=read_friends_entry(e.user_id, e.number))
            for e in shown[:3]
        ) + ((Button(label=ctx.t("diaries.more"), action=encode_action("feed", str(shown[-1].id))),) if more else ())
        # the hint is the newest line's own: the exact words that read and comment on it
        first = shown[0]
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("feed.title"),
                        body="\n".join(self._line(e, ctx, writer=named[e.user_id]) for e in shown),
                        note=ctx.t("feed.hint", name=named[first.user_id].typed, id=first.number),
                        buttons=buttons,
                    ),
                )
            )
        )

    # --- comments ------------------------------------------------------------------------------------------

    async def comment(self, command: CommentOnEntry, ctx: Context) -> None:
        if len(command.text) > MAX_NOTE_CHARS:
            raise LimitExceeded("input.too_long", limit=f"{MAX_NOTE_CHARS:,}", size=f"{len(command.text):,}")
        if await self._gate.screen(command.text, ctx, source="comment"):
            return
        now = self._clock.now()
        async with self._uow() as uow:
            entry, writer = await self._find(uow, command.entry, ctx)
            comment_id = await uow.diary.add_comment(
                entry_id=entry.id, author_id=ctx.user.id, text=command.text, now=now
            )
            if writer is not None:
                await uow.outbox.add(
                    NewPush(
                        dedupe_key=comment_key(ctx.user.id, entry.id, comment_id),
                        kind=PushKind.FRIENDS,
                        document=PushDocument(
                            key="friends.push.comment",
                            title_key="friends.push.comment_title",
                            params={"name": await display_name(uow, ctx.user.id), "id": entry.number},
                            text=command.text,
                            buttons=(
                                PushButton(
                                    label_key="friends.push.read_button",
                                    action=encode_action("entry", str(entry.number)),
                                ),
                            ),
                        ),
                        due_at=now,
                        user_id=entry.user_id,
                    ),
                    now=now,
                )
            await uow.commit()
        if writer is None:
            await ctx.say("comment.saved", id=entry.number)
        else:
            await ctx.say("comment.saved_friend", name=writer.name, id=entry.number)
