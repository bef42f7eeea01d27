"""A meeting's live window: between its start and its end the room is live — members say they are here, what they
say in the room is the meeting's log, and at the end the log is summed up. The offline summary's rules live here:
who spoke and how much, and the words the room used most."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from core.domain.values import UserId
from core.products.bookclub.meetings import Note

SUMMARY_LOOKBACK_HOURS: Final = 24  # a meeting that ended longer ago (the bot was down) is not summed up late
TOP_WORDS: Final = 5

_WORD = re.compile(r"[0-9A-Za-z가-힣]+")
# Particles and endings trimmed from the end of a Korean word, longest first, so "주인공이" and "주인공은" count as
# one word; a word is trimmed only while two syllables stay (so "나이" keeps its 이).
_PARTICLES: Final = tuple(
    sorted(
        (
            "이에요", "예요", "에서", "에게", "한테", "까지", "부터", "처럼", "보다", "으로", "이랑", "이고", "이라",
            "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "랑", "만", "요",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Words that say nothing about what a room talked about, in either language.
_PLAIN: Final = frozenset(
    {
        "그냥", "진짜", "정말", "너무", "완전", "근데", "그리고", "그래서", "저는", "제가", "나는", "내가", "우리",
        "이거", "그거", "저거", "이건", "그건", "여기", "거기", "이번", "오늘", "같아", "같아요", "있어", "있어요",
        "없어", "없어요", "했어", "했어요", "해요", "하는", "하고", "좋아", "좋아요", "맞아", "맞아요", "ㅋㅋ", "ㅎㅎ",
        "the", "and", "that", "this", "was", "with", "for", "you", "are", "but", "have", "its", "it's", "not",
        "just", "really", "very", "like", "what", "about", "they", "there", "she", "her", "his", "him",
    }
)  # fmt: skip


def _stem(word: str) -> str:
    lowered = word.lower()
    for ending in _PARTICLES:
        if lowered.endswith(ending) and len(lowered) - len(ending) >= 2:
            return lowered[: -len(ending)]
    return lowered


def top_words(texts: Sequence[str], *, n: int = TOP_WORDS) -> list[str]:
    """The words a room used most (two letters or more, particles trimmed, filler left out), most used first;
    ties keep the order they were first said in."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            stem = _stem(word)
            if len(stem) >= 2 and stem not in _PLAIN and not stem.isdecimal():
                counts[stem] += 1
    return [word for word, seen in counts.most_common(n) if seen >= 2]


@dataclass(frozen=True, kw_only=True)
class Speaker:
    name: str
    said: int  # messages
    chars: int


@dataclass(frozen=True, kw_only=True)
class LogFacts:
    """What the offline summary says: who spoke, how much, the most used words."""

    speakers: tuple[Speaker, ...]  # most messages first
    words: tuple[str, ...]
    messages: int


def facts_of(notes: Sequence[Note], names: Mapping[UserId, str], *, unknown: str) -> LogFacts:
    """`unknown` names someone who spoke and has left the room since."""
    said: Counter[UserId] = Counter(note.user_id for note in notes)
    chars: Counter[UserId] = Counter()
    for note in notes:
        chars[note.user_id] += len(note.text)
    order = {user: i for i, user in enumerate(dict.fromkeys(note.user_id for note in notes))}
    speakers = sorted(said, key=lambda user: (-said[user], order[user]))
    return LogFacts(
        speakers=tuple(Speaker(name=names.get(u, unknown), said=said[u], chars=chars[u]) for u in speakers),
        words=tuple(top_words([note.text for note in notes])),
        messages=len(notes),
    )


def presence_place(room_id: int, meeting_number: int) -> str:
    return f"club:{room_id}:meeting:{meeting_number}"
