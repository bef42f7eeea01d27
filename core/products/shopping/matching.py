"""Matching a watch ("김치", "돼지고기", "비비고 왕교자") to a broadcast's product name, the lexical step (pure).

Korean compounds put the head last: 포기김치 is a 김치, 김치냉장고 is a 냉장고, 조미김 is a 김. So a watch word matches
when it is the END of a word of the product name — never its start or middle:

- 김치 matches "종가 포기김치 10kg" (포기김치 ends with 김치), not "딤채 김치냉장고" nor "광천 조미김";
- 갈비 is not 갈치, 감자 is not 감귤, 소불고기 is not 돼지불고기 (the whole watch word must be the ending).

What the ending rule alone gets wrong, and what is done about it:

- **Synonyms.** Two-way groups (계란↔달걀, 감귤↔귤↔밀감…) and one-way broader words (a 돼지고기 watch also takes
  삼겹살, 목살…; a 삼겹살 watch never takes 목살) turn each watch word into a set of alternatives.
- **Spacing.** "포기 김치" is the same as "포기김치": two neighbouring words are also tried joined.
- **Spaced compounds.** In "딤채 김치 냉장고" the word 김치 is followed by 냉장고 and names a fridge, not kimchi: a
  known product noun directly followed by a head that makes it something else (an appliance, a container, a
  sauce, a soup, a snack, a flavour) is not matched there. Only known product nouns are held back this way, so a
  brand ("비비고 사골곰탕") still matches a watch on the brand.
- **Packaging words.** "삼겹살세트" ends with 세트: such a word is also tried without it.
- **Quantities** ("10kg", "3팩", "x2", "4박5일") are never words; a watch that is a whole product name
  ("국내산 한돈 삼겹살 1kg") keeps its brand and product words and drops quantities and generic modifiers
  (국내산, 프리미엄…), so it matches that product in other packs.

A watch of several words matches when every word does (each the end of some word of the name). Latin words
(brands, "LA") match only whole.

`core_keyword` names what a product is ("국내산 한돈 삼겹살 1kg" → 삼겹살): the head of the name once quantities,
modifiers and packaging words are gone. The semantic step (`core/products/shopping/semantic.py`) compares a watch
with it.

`WatchIndex` does this for many watches at once: a watch is indexed by the alternatives of its first word, and a
name is looked up by every ending of each of its words, so the cost per broadcast is a few dozen dictionary
look-ups however many watches there are (bench/matching.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from core.products.shopping.lexicon import (
    ALSO_SPELLED,
    BROADER,
    COUNTERS,
    ENGLISH,
    EXTRA_NOUNS,
    FALSE_ENDINGS,
    HEADS_ENDING,
    HEADS_EXACT,
    MODIFIERS,
    PACKAGING_ENDINGS,
    SYNONYMS,
)

K = TypeVar("K", bound=Hashable)

MAX_WATCH_WORDS: Final = 6

PRODUCT_NOUNS: Final = frozenset(
    set().union(*SYNONYMS, *BROADER.values(), BROADER.keys(), EXTRA_NOUNS) - {"통", "대", "중", "소"}
)  # only these are held back by a following head: a brand is not

_ENGLISH: Final = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ENGLISH), key=len, reverse=True)) + r")\b")
_HANGUL = re.compile(r"[가-힣]+")
_TOKEN = re.compile(r"[x×]\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?[a-z%+]*|[가-힣]+|[a-z]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>")


def _is_hangul(word: str) -> bool:
    return _HANGUL.fullmatch(word) is not None


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def words_of(text: str) -> list[str]:
    """The words of a name or watch, in order: Hangul runs and Latin runs, without quantities ("10kg", "3팩",
    "x2", "4박5일")."""
    tokens = _TOKEN.findall(normalize(text))
    words: list[str] = []
    after_number = False
    for token in tokens:
        if token[0].isdigit() or (token[0] in "x×" and len(token) > 1 and token[1].isdigit()):
            after_number = True
            continue
        if after_number and token in COUNTERS:
            after_number = False
            continue
        after_number = False
        words.append(token)
    return words


# --- watches -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Alternatives:
    """What one watch word may be, as a word ending ("김치" takes "포기김치") or only whole (a one-syllable broader
    word: 과일 takes "배" but not "택배")."""

    endings: frozenset[str]
    whole: frozenset[str] = frozenset()


_SAME: Final[dict[str, frozenset[str]]] = {word: group for group in SYNONYMS for word in group}


def _broader(word: str) -> Alternatives:
    """What a word may be, from the tables (words outside them are only themselves)."""
    same = _SAME.get(word, frozenset({word}))
    broader: set[str] = set()
    for each in same:
        for narrower in BROADER.get(each, frozenset()):
            broader |= _SAME.get(narrower, frozenset({narrower}))  # 과일 takes 밀감 as it takes 귤
    broader -= same
    endings = same | {w for w in broader if len(w) > 1}
    return Alternatives(endings=frozenset(endings), whole=frozenset(w for w in broader if len(w) == 1))


_IN_TABLES: Final[dict[str, Alternatives]] = {word: _broader(word) for word in {*_SAME, *BROADER}}


def alternatives(word: str) -> Alternatives:
    word = ALSO_SPELLED.get(word, word)
    if not _is_hangul(word):
        return Alternatives(endings=frozenset(), whole=frozenset({word}))
    return _IN_TABLES.get(word) or Alternatives(endings=frozenset({word}))


@dataclass(frozen=True, kw_only=True)
class WatchTerm:
    """A watch as matching reads it: its words (the key two watches are the same by) and their alternatives."""

    words: tuple[str, ...]
    alternatives: tuple[Alternatives, ...]

    @property
    def key(self) -> str:
        return " ".join(self.words)


@functools.lru_cache(maxsize=1 << 18)  # a clock re-reading feeds matches the same watches every few minutes
def watch_term(text: str) -> WatchTerm | None:
    """The words a watch is matched by, or None when it has none (only numbers, signs…). A watch of several words
    drops generic modifiers (국내산, 프리미엄…) unless nothing else is left, and repeats. Common English product words
    ("pork belly", "kimchi") are read as the Korean that schedules use."""
    words = list(dict.fromkeys(words_of(_ENGLISH.sub(lambda m: f" {ENGLISH[m[1]]} ", normalize(text)))))
    if len(words) > 1:
        kept = [w for w in words if w not in MODIFIERS]
        words = kept or words
    words = words[:MAX_WATCH_WORDS]
    if not words:
        return None
    return WatchTerm(words=tuple(words), alternatives=tuple(alternatives(w) for w in words))


def term_of_key(key: str) -> WatchTerm | None:
    """A stored watch's term from its key (what `watch_term` made of the typed text): a one-word key is its own
    only word, read without the regular expressions again — a fresh process reads 100,000 of them at an import."""
    if " " not in key and key:
        return WatchTerm(words=(key,), alternatives=(alternatives(key),))
    return watch_term(key)


# --- product names -------------------------------------------------------------------------------------------------


def _strip_packaging(word: str) -> str | None:
    for ending in PACKAGING_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return None


def _is_head(word: str) -> bool:
    return word in HEADS_EXACT or any(word.endswith(head) for head in HEADS_ENDING)


def _held_back(candidate: str, following: str | None) -> bool:
    """A product noun ("김치", "딤채김치") directly followed by a head ("냉장고") is not the product."""
    if following is None or not _is_head(following):
        return False
    return any(candidate.endswith(noun) for noun in PRODUCT_NOUNS)


@dataclass(frozen=True, kw_only=True)
class ProductWords:
    """What of a product name a watch can match: the Hangul words (and joined neighbours, and words without a
    packaging ending) not held back by a head after them, its Latin words, and all its Hangul run together (for the
    semantic step's check that the lexical step has not judged the pair already)."""

    hangul: frozenset[str]
    latin: frozenset[str]
    compact: str

    def endings(self) -> set[str]:
        return {word[i:] for word in self.hangul for i in range(len(word))}


def product_words(name: str) -> ProductWords:
    words = words_of(name)
    hangul: set[str] = set()
    latin: set[str] = set()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        if not _is_hangul(word):
            latin.add(word)
            continue
        candidates = [word]
        if i > 0 and _is_hangul(words[i - 1]):
            candidates.append(words[i - 1] + word)
        for candidate in candidates:
            if _held_back(candidate, following):
                continue
            hangul.add(candidate)
            stripped = _strip_packaging(candidate)
            if stripped:
                hangul.add(stripped)
    compact = "".join(w for w in words if _is_hangul(w))
    return ProductWords(hangul=frozenset(hangul), latin=frozenset(latin), compact=compact)


def _ends_with(word: str, alt: str) -> bool:
    return word.endswith(alt) and not any(word.endswith(false) for false in FALSE_ENDINGS.get(alt, ()))


def _word_matches(alts: Alternatives, product: ProductWords) -> bool:
    if alts.whole & (product.hangul | product.latin):
        return True
    return any(_ends_with(word, alt) for word in product.hangul for alt in alts.endings)


def matches(term: WatchTerm, product: ProductWords) -> bool:
    """The lexical step: every watch word is the end of some word of the name (after the synonym table)."""
    return all(_word_matches(alts, product) for alts in term.alternatives)


def judged_lexically(term: WatchTerm, product: ProductWords) -> bool:
    """True when a watch word (or an alternative) appears anywhere in the name: then the lexical step's answer is
    final ("김치" in 김치냉장고 was refused on purpose), and the semantic step must not overrule it."""
    return any(alt in product.compact for alts in term.alternatives for alt in alts.endings | alts.whole)


def core_keyword(name: str) -> str:
    """What the product is, in one word: the head of the name once bracketed notes, quantities, modifiers and
    packaging words are gone ("국내산 한돈 삼겹살 1kg" → 삼겹살, "딤채 김치냉장고" → 김치냉장고)."""
    words = words_of(_BRACKETS.sub(" ", normalize(name))) or words_of(name)
    hangul = [w for w in words if _is_hangul(w) and w not in MODIFIERS and w not in COUNTERS]
    for word in reversed(hangul):
        stripped = _strip_packaging(word) or word
        if stripped not in MODIFIERS:
            return stripped
    return words[-1] if words else normalize(name).strip()


# --- many watches at once ------------------------------------------------------------------------------------------


class WatchIndex(Generic[K]):
    """Watch terms indexed by the alternatives of their first word: `matching(product)` looks up each ending of
    each word of the name, then checks a candidate's other words. Keys are whatever the caller names a term by."""

    def __init__(self, terms: Iterable[tuple[K, WatchTerm]]) -> None:
        self._terms: dict[K, WatchTerm] = {}
        self._checked: set[K] = set()  # several words, or an ending with false look-alikes: checked in full
        self._by_ending: dict[str, list[K]] = {}
        self._by_whole: dict[str, list[K]] = {}
        for key, term in terms:
            self._terms[key] = term
            first = term.alternatives[0]
            if len(term.words) > 1 or any(alt in FALSE_ENDINGS for alt in first.endings):
                self._checked.add(key)
            for alt in first.endings:
                self._by_ending.setdefault(alt, []).append(key)
            for alt in first.whole:
                self._by_whole.setdefault(alt, []).append(key)

    def __len__(self) -> int:
        return len(self._terms)

    def matching(self, product: ProductWords) -> set[K]:
        found: set[K] = set()
        for ending in product.endings():
            found.update(self._by_ending.get(ending, ()))
        for word in product.hangul | product.latin:
            found.update(self._by_whole.get(word, ()))
        return {key for key in found if key not in self._checked or matches(self._terms[key], product)}
