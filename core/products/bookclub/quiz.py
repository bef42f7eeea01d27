"""The taste quiz: ten questions, asked one at a time with buttons; the answers make a reading persona.

Progress is stored (never SDK state), so a quiz goes on after a restart and from another platform. A question with
several choices toggles them and ends with a 다음 (next) button.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from core.products.bookclub.ranking import ReadingPersona


@dataclass(frozen=True, kw_only=True)
class Question:
    key: str  # catalog: quiz.q.<key> (the question), quiz.a.<key>.<value> (each choice)
    choices: tuple[str, ...]
    several: bool = False  # toggled choices, then 다음


QUESTIONS: Final[tuple[Question, ...]] = (
    Question(
        key="genres",
        choices=(
            "korean",
            "foreign",
            "mystery",
            "sf",
            "romance",
            "essay",
            "humanities",
            "selfhelp",
            "science",
            "history",
        ),
        several=True,
    ),
    Question(key="fiction", choices=("fiction", "nonfiction", "both")),
    Question(
        key="mood", choices=("warm", "dark", "funny", "calm", "tense", "thoughtful", "hopeful", "sad"), several=True
    ),
    Question(key="pace", choices=("fast", "slow", "any")),
    Question(key="length", choices=("short", "medium", "long", "any")),
    Question(key="origin", choices=("korean", "translated", "any")),
    Question(key="when", choices=("commute", "bedtime", "weekend", "anytime")),
    Question(key="era", choices=("classic", "recent", "both")),
    Question(key="why", choices=("comfort", "fun", "learn", "think"), several=True),
    Question(key="company", choices=("discuss", "alone", "both")),
)

# What the choices mean in the catalog's words (core/data/bookclub/sample_catalog.jsonl).
GENRE_OF: Final[Mapping[str, tuple[str, ...]]] = {
    "korean": ("한국소설",),
    "foreign": ("외국소설",),
    "mystery": ("추리/미스터리",),
    "sf": ("SF", "판타지"),
    "romance": ("로맨스",),
    "essay": ("에세이", "시"),
    "humanities": ("철학", "심리", "예술"),
    "selfhelp": ("자기계발", "경제"),
    "science": ("과학", "건강"),
    "history": ("역사", "사회", "역사소설"),
}
MOOD_OF: Final[Mapping[str, str]] = {
    "warm": "따뜻한",
    "dark": "어두운",
    "funny": "유쾌한",
    "calm": "잔잔한",
    "tense": "긴장감",
    "thoughtful": "사색적",
    "hopeful": "희망적",
    "sad": "슬픈",
}
WHY_MOODS: Final[Mapping[str, tuple[str, ...]]] = {  # why someone reads, as moods to look for
    "comfort": ("따뜻한", "희망적"),
    "fun": ("유쾌한", "긴장감"),
    "learn": ("사색적",),
    "think": ("사색적", "잔잔한"),
}


@dataclass(frozen=True, kw_only=True)
class Progress:
    step: int  # the question being asked (0-based); len(QUESTIONS) when done
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    picked: tuple[str, ...] = ()  # toggled so far on a question with several choices

    @property
    def done(self) -> bool:
        return self.step >= len(QUESTIONS)


def answer(progress: Progress, value: str) -> Progress:
    """The progress after a press: a choice (toggled on several-choice questions) or `next`; unchanged when the
    press means nothing here."""
    if progress.done:
        return progress
    question = QUESTIONS[progress.step]
    if question.several:
        return _toggle(progress, question, value)
    if value not in question.choices:
        return progress
    return Progress(step=progress.step + 1, answers={**progress.answers, question.key: (value,)})


def _toggle(progress: Progress, question: Question, value: str) -> Progress:
    if value == "next":
        if not progress.picked:  # nothing chosen yet: 다음 waits for a choice
            return progress
        return Progress(step=progress.step + 1, answers={**progress.answers, question.key: progress.picked})
    if value not in question.choices:
        return progress
    picked = tuple(c for c in progress.picked if c != value) if value in progress.picked else (*progress.picked, value)
    return Progress(step=progress.step, answers=progress.answers, picked=picked)


def persona_of(answers: Mapping[str, Sequence[str]]) -> ReadingPersona:
    def one(key: str) -> str | None:
        values = answers.get(key) or ()
        return values[0] if values else None

    genres = tuple(dict.fromkeys(g for choice in answers.get("genres", ()) for g in GENRE_OF.get(choice, ())))
    moods = tuple(
        dict.fromkeys(
            [MOOD_OF[m] for m in answers.get("mood", ()) if m in MOOD_OF]
            + [m for why in answers.get("why", ()) for m in WHY_MOODS.get(why, ())]
        )
    )
    fiction = {"fiction": True, "nonfiction": False}.get(one("fiction") or "")
    pace = {"fast": "빠른", "slow": "느린"}.get(one("pace") or "")
    length = {"short": "짧은", "medium": "보통", "long": "긴"}.get(one("length") or "")
    if length is None and one("when") == "commute":
        length = "짧은"  # read in short stretches
    translated = {"korean": False, "translated": True}.get(one("origin") or "")
    recent = {"classic": False, "recent": True}.get(one("era") or "")
    return ReadingPersona(
        genres=genres, moods=moods, fiction=fiction, pace=pace, length=length, translated=translated, recent=recent
    )
