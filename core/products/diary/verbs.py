"""The diary product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from datetime import time

from core.commands import Command
from core.domain.time_phrases import read_clock_time
from core.domain.values import UserId
from core.errors import UsageError
from core.inbound import Invocation
from core.products.diary.commands import (
    ChangeEntry,
    CommentOnEntry,
    EntryRef,
    ListDiaries,
    SetDiaryNudge,
    ShowDiaryNudge,
    ShowFeed,
    ShowStats,
    WriteDiary,
)
from core.products.diary.domain import emotion_named
from core.products.diary.weekly_stats import MAX_INTENSITY, MIN_INTENSITY
from core.registration import DIRECT, Verb, Words
from core.routing import cursor, number


def diary_nudge(args: tuple[str, ...]) -> Command:
    if not args:
        return ShowDiaryNudge()
    if len(args) == 1 and args[0].lower() in {"off", "끄기", "취소"}:
        return SetDiaryNudge(hour=None)
    read = read_clock_time(" ".join(args)) if args else None
    if not isinstance(read, time):
        raise UsageError("remind.diary_usage")
    return SetDiaryNudge(hour=read.hour, minute=read.minute)


def _diary(inv: Invocation) -> Command:
    if not inv.rest.strip():
        raise UsageError("diary.usage")
    return WriteDiary(text=inv.rest.strip())


_ENTRY_CHANGES = {
    "friends": "friends",
    "친구": "friends",
    "공개": "friends",
    "private": "private",
    "비공개": "private",
    "나만": "private",
    "delete": "delete",
    "삭제": "delete",
    "show": "show",
    "보기": "show",
    "mood": "mood",
    "기분": "mood",
    "감정": "mood",
}


def _is_number(word: str) -> bool:
    return word.removeprefix("#").isdecimal()


def entry_ref(words: tuple[str, ...], usage: str) -> tuple[EntryRef, int]:
    """The entry the first words name, and how many words that took: "3" (one's own), "민지 3" or "Kim Minji #3"
    (a friend's: the name as /friend list shows it, then the friend's own number), "@2 3" (the friend numbered 2
    in /friend list, when two share a name), "~17 3" (a button's: the friend's user id). The number is the first
    word that is one, so a name may have spaces in it and the words after the number are free."""
    at = next((i for i, word in enumerate(words) if _is_number(word)), None)
    if at is None:
        raise UsageError(usage)
    head, entry_number = words[:at], number(words[at], usage)
    if not head:
        return EntryRef(number=entry_number), at + 1
    if len(head) == 1 and head[0].lower() in _ENTRY_CHANGES:
        raise UsageError(usage)  # "/entry delete 3": the words the wrong way round, not a friend called "delete"
    if len(head) == 1 and head[0][:1] in "~@" and head[0][1:].isdecimal() and len(head[0]) < 19:
        value = int(head[0][1:])
        if head[0][0] == "~":
            return EntryRef(number=entry_number, owner=UserId(value)), at + 1
        return EntryRef(number=entry_number, friend_position=value), at + 1
    return EntryRef(number=entry_number, friend=" ".join(head)), at + 1


def _mood(entry: EntryRef, words: tuple[str, ...]) -> Command:
    """`/entry N mood 슬픔 3`: the feeling, then an intensity 1–5 (left out: the entry keeps its own)."""
    emotion = emotion_named(words[0]) if words else None
    if emotion is None or len(words) > 2:
        raise UsageError("entry.mood_usage")
    intensity: int | None = None
    if len(words) == 2:
        if not words[1].isdecimal() or not MIN_INTENSITY <= int(words[1]) <= MAX_INTENSITY:
            raise UsageError("entry.mood_usage")
        intensity = int(words[1])
    return ChangeEntry(entry=entry, change="mood", emotion=emotion, intensity=intensity)


def _entry(inv: Invocation) -> Command:
    if not inv.args:
        raise UsageError("entry.usage")
    corrects = any(_ENTRY_CHANGES.get(word.lower()) == "mood" for word in inv.args)
    entry, used = entry_ref(inv.args, "entry.mood_usage" if corrects else "entry.usage")
    words = inv.args[used:]
    if words and _ENTRY_CHANGES.get(words[0].lower()) == "mood":
        return _mood(entry, words[1:])
    change = _ENTRY_CHANGES.get(words[0].lower()) if len(words) == 1 else "show" if not words else None
    if len(words) == 2 and _ENTRY_CHANGES.get(words[0].lower()) == "delete" and words[1] in {"yes", "확인"}:
        change = "delete_confirmed"
    if change is None:
        raise UsageError("entry.usage")
    return ChangeEntry(entry=entry, change=change)


def _comment(inv: Invocation) -> Command:
    entry, used = entry_ref(inv.args, "comment.usage")
    pieces = inv.rest.split(None, used)  # the comment as typed, its line breaks kept
    text = pieces[used].strip() if len(pieces) > used else ""
    if not text:
        raise UsageError("comment.usage")
    return CommentOnEntry(entry=entry, text=text)


def _stats(inv: Invocation) -> Command:
    return ShowStats(week=inv.rest.strip() or None)  # "last week", "지난 주" are two words


VERBS: tuple[Verb, ...] = (
    Verb(
        name="diary",
        parse=_diary,
        usage_key="diary.usage",
        summary_key="diary.summary",
        where=DIRECT,
        aliases=("일기",),
        words=Words(key="entry_text", max_length=4_000),
    ),
    Verb(
        name="diaries",
        parse=lambda inv: ListDiaries(before_number=cursor(inv)),
        usage_key="diaries.usage",
        summary_key="diaries.summary",
        where=DIRECT,
        aliases=("일기장",),
    ),
    Verb(
        name="entry",
        parse=_entry,
        usage_key="entry.usage",
        summary_key="entry.summary",
        where=DIRECT,
        words=Words(key="args", max_length=100),
    ),
    Verb(
        name="feed",
        parse=lambda inv: ShowFeed(before_id=cursor(inv)),
        usage_key="feed.usage",
        summary_key="feed.summary",
        where=DIRECT,
        aliases=("친구일기",),
    ),
    Verb(
        name="comment",
        parse=_comment,
        usage_key="comment.usage",
        summary_key="comment.summary",
        where=DIRECT,
        aliases=("댓글",),
        words=Words(key="args", max_length=600),
    ),
    Verb(
        name="stats",
        parse=_stats,
        usage_key="stats.usage",
        summary_key="stats.summary",
        where=DIRECT,
        aliases=("통계",),
        words=Words(key="week", required=False, max_length=20),
    ),
)
