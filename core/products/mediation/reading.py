"""Reading a partner's side without a model: what it is about (its topics), how they seem to feel, and what they ask
for — the material of the offline post. A lexicon, deterministic, in Korean and English.

What a partner reports the other said ("지은이는 늘 피곤하대", "she says she's too tired") is the other's, not theirs:
it is set aside before their own topics and feeling are read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.domain.emotion import Emotion, classify


class Topic(StrEnum):
    TOGETHER = "together"
    REST = "rest"
    WORK = "work"
    CHORES = "chores"
    MONEY = "money"
    CONTACT = "contact"
    FAMILY = "family"
    FRIENDS = "friends"
    SCREENS = "screens"


_CUES: Final = {
    Topic.TOGETHER: r"약속|데이트|같이|함께|둘이|둘만|놀러|여행|만나|외출|\bdates?\b|\bplans?\b|\btogether\b|\btrips?\b"
    r"|\bgo(?:ing)? out\b|\bhang(?:ing)? out\b|\btime with\b|\bsee each other\b",
    Topic.REST: r"쉬(?:고|는|어|었|면|자|려|지)|쉴|쉼|휴식|피곤|지쳐|지친|지쳤|졸려|잠(?:을|이|도|만)"
    r"|\brest\b|\btired\b|\bexhausted\b|\bsleep|\brelax|\bworn out\b",
    Topic.WORK: r"회사|야근|출근|퇴근|업무|직장|상사|회의|일이\s*많|일하|바빠|바쁘|바빴|마감|알바|\bwork|\bjobs?\b"
    r"|\boffice\b|\bovertime\b|\bbusy\b|\bboss\b|\bshifts?\b|\bdeadlines?\b",
    Topic.CHORES: r"설거지|청소|빨래|집안일|요리|쓰레기|분리수거|\bchores?\b|\bdishes\b|\blaundry\b|\bclean|\bcook"
    r"|\bhousework\b|\btrash\b",
    Topic.MONEY: r"돈|월급|용돈|카드값|지출|저축|비싸|쇼핑|생활비|\bmoney\b|\bspend|\bspent\b|\bbudget\b|\bbills?\b"
    r"|\bsav(?:e|ing)\b|\bshopping\b|\brent\b",
    Topic.CONTACT: r"연락|답장|카톡|문자|전화|\btext(?:s|ed|ing)?\b|\bcalls?\b|\bcalled\b|\brepl(?:y|ies|ied)\b"
    r"|\bmessages?\b",
    Topic.FAMILY: r"부모|시댁|처가|시어머니|장모|어머니|아버지|엄마|아빠|명절|가족|\bparents?\b|\bfamily\b|\bmother\b"
    r"|\bfather\b|\bin-laws?\b|\bmom\b|\bdad\b",
    Topic.FRIENDS: r"친구|술자리|회식|동창|술\s*(?:마시|약속)|술을|\bfriends?\b|\bpart(?:y|ies)\b|\bdrinks?\b",
    Topic.SCREENS: r"게임|휴대폰|핸드폰|스마트폰|유튜브|넷플릭스|\bgam(?:e|es|ing)\b|\bphone\b|\byoutube\b|\bscreens?\b"
    r"|\bnetflix\b",
}
_CUE_PATTERNS: Final = {topic: re.compile(pattern, re.IGNORECASE) for topic, pattern in _CUES.items()}

_WISH: Final = re.compile(
    r"싶(?:어|다|은|네|었|거든|고)|했으면|하면\s*좋겠|좋겠|해\s*줘|해\s*주면|줬으면|주면\s*좋|바래|바라"
    r"|\bwants?\b|\bwish|\bwould like\b|\bI'd like\b|\bneed\b|\bhope\b|\bplease\b",
    re.IGNORECASE,
)
_CLAUSE_END: Final = re.compile(r"[.!?\n;]|,\s*(?:but|하지만|그런데)")

# What the other said, as reported: "피곤하대", "바쁘다고", "she says …", "he told me …".
_REPORTED_KO: Final = re.compile(r"\S+(?:대|래|대요|래요|댔어|랬어|댔어요|랬어요|다고|라고|다며|라며)(?=[\s.,!?~]|$)")
_REPORTED_EN: Final = re.compile(
    r"\b(?:she|he|they)\s+(?:always\s+|just\s+|keeps?\s+|often\s+)?(?:says?|said|tells? me|told me|claims?)\b[^.,;!?]*",
    re.IGNORECASE,
)
_OWN_FEELINGS: Final = frozenset({Emotion.SADNESS, Emotion.ANXIETY, Emotion.ANGER, Emotion.TIREDNESS})


@dataclass(frozen=True, kw_only=True)
class SideReading:
    topics: tuple[Topic, ...]  # in the order the side brings them up
    wish: Topic | None  # the topic of what they ask for, when they ask for something
    feeling: Emotion | None  # only when their own words say it clearly

    @property
    def main(self) -> Topic | None:
        """The need under the side: what they ask for, else what they bring up first."""
        return self.wish or (self.topics[0] if self.topics else None)


def own_words(text: str) -> str:
    """The side without what it reports the other said."""
    return _REPORTED_EN.sub(" ", _REPORTED_KO.sub(" ", text))


def _found(text: str) -> list[tuple[int, Topic]]:
    return sorted(
        (match.start(), topic) for topic, pattern in _CUE_PATTERNS.items() for match in pattern.finditer(text)
    )


def _topics(text: str) -> tuple[Topic, ...]:
    ordered: list[Topic] = []
    for _, topic in _found(text):
        if topic not in ordered:
            ordered.append(topic)
    return tuple(ordered)


def _wish(text: str) -> Topic | None:
    """The topic nearest a wish ("쉬고 싶어", "I just want to rest") within its clause."""
    for wish in _WISH.finditer(text):
        starts = [0] + [m.end() for m in _CLAUSE_END.finditer(text) if m.end() <= wish.start()]
        ends = [m.start() for m in _CLAUSE_END.finditer(text) if m.start() >= wish.end()] + [len(text)]
        clause_start, clause_end = starts[-1], ends[0]
        clause = text[clause_start:clause_end]
        near = [(abs(clause_start + at - wish.start()), topic) for at, topic in _found(clause)]
        if near:
            return min(near)[1]
    return None


def read_side(text: str) -> SideReading:
    own = own_words(text)
    topics = _topics(own) or _topics(text)  # a side that only reports the other still has a subject
    reading = classify(own)
    feeling = reading.emotion if reading.confident and reading.emotion in _OWN_FEELINGS else None
    return SideReading(topics=topics, wish=_wish(own), feeling=feeling)
