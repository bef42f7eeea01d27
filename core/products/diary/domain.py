"""The emotion diary's records and rules: who may see an entry, what an entry earns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from core.domain.emotion import Emotion
from core.domain.values import UserId
from core.products.points import POINTS_FIRST_OF_DAY, POINTS_STREAK, STREAK_DAYS

MAX_ENTRY_CHARS: Final = 4_000
MAX_NOTE_CHARS: Final = 500  # comments and guestbook notes
# An entry written before consent waits this long for the answer to the consent question, then is deleted.
PENDING_DIARY_TTL: Final = timedelta(minutes=15)
MAX_PENDING_DIARIES: Final = 5  # held per person; more are not kept
PAGE_SIZE: Final = 5


class Visibility(StrEnum):
    PRIVATE = "private"
    FRIENDS = "friends"


@dataclass(frozen=True, kw_only=True)
class DiaryEntry:
    id: int  # the row's, never shown: people name an entry by its writer and `number`
    user_id: UserId
    number: int  # the writer's own count from 1, kept after a delete so it never names another entry
    text: str
    emotion: Emotion
    intensity: int
    visibility: Visibility
    comment: str | None
    local_date: date
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Note:
    """A comment on an entry or a guestbook note."""

    id: int
    author_id: UserId
    author_name: str
    text: str
    created_at: datetime


# The words a person may type for a feeling when correcting an entry (/entry N mood 슬픔 3): each emotion's name in
# both languages and the everyday words for it.
EMOTION_WORDS: Final[dict[str, Emotion]] = {
    word: emotion
    for emotion, words in {
        Emotion.JOY: ("기쁨", "기뻐", "기쁘다", "행복", "행복해", "joy", "happy", "glad"),
        Emotion.CALM: ("평온", "편안", "차분", "calm", "peaceful", "okay", "ok"),
        Emotion.SADNESS: ("슬픔", "슬퍼", "슬프다", "우울", "우울해", "sadness", "sad", "down"),
        Emotion.ANXIETY: ("불안", "불안해", "걱정", "anxiety", "anxious", "worried", "nervous"),
        Emotion.ANGER: ("분노", "화", "화남", "짜증", "anger", "angry", "mad"),
        Emotion.TIREDNESS: ("지침", "지쳐", "피곤", "피곤해", "tiredness", "tired", "exhausted"),
    }.items()
    for word in words
}


def emotion_named(word: str) -> Emotion | None:
    """The emotion a typed word names (슬픔, sad, 😢 is not one), or None."""
    return EMOTION_WORDS.get(word.strip().lower())


# Dedupe keys of the pushes friends get; each starts with its writer, so what someone wrote can be taken back
# (deleted entry, unfriended, /forget) by key prefix.
def shared_entry_key(author: UserId, friend: UserId, entry_id: int) -> str:
    return f"diary-shared:{author}:{friend}:{entry_id}"


def comment_key(author: UserId, entry_id: int, comment_id: int) -> str:
    return f"diary-comment:{author}:{entry_id}:{comment_id}"


def pushes_written_by(user: UserId) -> tuple[str, ...]:
    """The key prefixes of every diary push that carries something `user` wrote (taken back on /forget)."""
    return (f"diary-shared:{user}:", f"diary-comment:{user}:")


def shares_between(a: UserId, b: UserId) -> tuple[str, ...]:
    """What a and b were sent about each other's entries (taken back when they unfriend)."""
    return (f"diary-shared:{a}:{b}:", f"diary-shared:{b}:{a}:")


def can_read(entry: DiaryEntry, reader: UserId, *, friends: bool) -> bool:
    """The owner reads everything of theirs; a friend reads friends-visible entries; nobody else reads anything."""
    if entry.user_id == reader:
        return True
    return friends and entry.visibility is Visibility.FRIENDS


def points_for_entry(*, first_of_day: bool, streak: int) -> list[tuple[str, int]]:
    """(reason, points) earned by an entry: the first of a day, and a bonus each time a streak reaches 7, 14…"""
    if not first_of_day:
        return []
    earned = [("diary.first_of_day", POINTS_FIRST_OF_DAY)]
    if streak > 0 and streak % STREAK_DAYS == 0:
        earned.append(("diary.streak_7", POINTS_STREAK))
    return earned
