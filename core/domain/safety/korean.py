"""Korean verb endings, generated from a stem instead of written out one tense at a time.

A rule names a stem (뛰어내리, 죽, 끝내) and the moods it cares about (a wish, an intention, a finished act);
this module composes the surface forms the way Korean does — ㄹ joins a vowel stem as its final consonant
(뛰어내리 → 뛰어내릴), a consonant stem takes 으 (죽 → 죽을, 죽으려고), 아/어 follows vowel harmony and
contracts (뛰어내리 + 어 → 뛰어내려, 사라지 + 었 → 사라졌, 하 + 어 → 해) — so "뛰어내릴 거야", "뛰어내리려고",
"뛰어내릴까", "뛰어내렸으면" all come from one line. Forms are matched on text with the spaces squeezed out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

_BASE: Final = 0xAC00
_FINALS: Final = {"ㄹ": 8, "ㄴ": 4, "ㅆ": 20, "ㅁ": 16, "ㅂ": 17}
# Medial vowel indexes.
_A, _AE, _EO, _E, _YEO, _O, _WA, _WAE, _OE, _U, _WEO, _EU, _I = 0, 1, 4, 5, 6, 8, 9, 10, 11, 13, 14, 18, 20
_CONTRACT: Final = {_I: _YEO, _O: _WA, _U: _WEO, _EU: _EO, _OE: _WAE}
_ABSORB: Final = {_A, _AE, _EO, _E, _YEO, _WAE}  # 가+아 → 가, 매+어 → 매: the vowel swallows 아/어


def _split(syllable: str) -> tuple[int, int, int]:
    code = ord(syllable) - _BASE
    return code // 588, (code % 588) // 28, code % 28


def _join(lead: int, vowel: int, final: int) -> str:
    return chr(_BASE + lead * 588 + vowel * 28 + final)


def _is_hangul(char: str) -> bool:
    return 0 <= ord(char) - _BASE < 11172


def _with_final(syllable: str, final: int) -> str:
    lead, vowel, _ = _split(syllable)
    return _join(lead, vowel, final)


def _attach_leading_final(stem: str, rest: str) -> str:
    """`rest` may open with a bare final consonant (ㄹ, ㄴ, ㅆ…) that joins the stem's last syllable."""
    if rest and rest[0] in _FINALS:
        return stem[:-1] + _with_final(stem[-1], _FINALS[rest[0]]) + rest[1:]
    return stem + rest


def attach(stem: str, ending: str) -> str:  # noqa: PLR0911 — one return per Korean rule
    """Stem + ending in a small notation: a leading ㄹ/ㄴ/ㅁ/ㅂ joins as a final (으 before it after a consonant),
    a leading 으 drops after a vowel or ㄹ, a leading 어 follows vowel harmony and contracts; `어ㅆ` is the past."""
    last = stem[-1]
    if not _is_hangul(last):
        return stem + ending
    lead, vowel, final = _split(last)
    head = ending[:1]
    if head in ("ㄹ", "ㄴ", "ㅁ", "ㅂ"):
        if final == 0:
            return _attach_leading_final(stem, ending)
        if final == _FINALS["ㄹ"]:  # 살 + ㄹ거 → 살거; 살 + ㄴ다 → 산다
            return (
                stem + ending[1:] if head == "ㄹ" else _attach_leading_final(stem[:-1] + _join(lead, vowel, 0), ending)
            )
        if head == "ㄴ":  # 죽 + ㄴ다 → 죽는다
            return stem + "는" + ending[1:]
        return stem + _with_final("으", _FINALS[head]) + ending[1:]
    if head == "으":
        return stem + (ending[1:] if final in (0, _FINALS["ㄹ"]) else ending)
    if head == "어":
        rest = ending[1:]
        if final != 0:
            harmonic = "아" if vowel in (_A, _O) else "어"
            return stem + _attach_leading_final(harmonic, rest)
        if lead == 18 and vowel == _A:  # 하 → 해
            return _attach_leading_final(stem[:-1] + "해", rest)
        if vowel in _ABSORB:
            return _attach_leading_final(stem, rest)
        if vowel == _EU and len(stem) > 1 and _is_hangul(stem[-2]):  # 모으 → 모아, 아프 → 아파
            bright = _split(stem[-2])[1] in (_A, _O)
            return _attach_leading_final(stem[:-1] + _join(lead, _A if bright else _EO, 0), rest)
        if vowel in _CONTRACT:
            return _attach_leading_final(stem[:-1] + _join(lead, _CONTRACT[vowel], 0), rest)
        return stem + _attach_leading_final("어", rest)
    return stem + ending


# --- moods -----------------------------------------------------------------------------------------------

WISH: Final = ("고싶", "고만싶", "고파", "고프", "어버리고싶", "어버렸으면", "고싶었", "ㄹ래", "었으면좋겠")
INTENT: Final = (
    "ㄹ거",
    "ㄹ꺼",
    "ㄹ게",
    "ㄹ께",
    "ㄹ래",
    "ㄹ까",
    "으려고",
    "으려구",
    "으려해",
    "으려했",
    "으려한",
    "으려는",
    "으려니",
    "기로",
    "어야겠",
    "어야지",
    "어야할까",
    "어야하나",
    "어버릴",
    "어버리려",
    "어버리고싶",
    "ㄹ예정",
    "ㄹ계획",
    "ㄹ생각",
    "으러가",
    "으러갈",
    "ㄹ테야",
    "ㄹ테니",
    "고말거",
    "ㄹ까해",
    "ㄹ까싶",
    "ㄹ까고민",
    "ㄹ수있을까",
    "겠다",
    "겠어",
    "겠음",
    "자",
)
ACT: Final = ("어ㅆ", "ㄴ다", "는중", "고있", "고왔", "어버렸", "어봤", "으려다", "ㅁ")
PASSIVE_WISH: Final = ("어ㅆ으면", "어버렸으면", "ㄹ수있으면", "으면좋겠")

# An intention followed by these is a likelihood or a fear, not a plan: 죽을 것 같아, 뛰어내릴까 봐.
_NOT_A_PLAN: Final = r"(?!것같|거같|꺼같|듯|뻔|봐|바|줄|만큼|정도|처럼|마냥)"


def forms(stems: Iterable[str], moods: Iterable[str]) -> set[str]:
    moods = tuple(moods)
    return {attach(stem, mood) for stem in stems for mood in moods}


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternative per word list, shaped as a trie so matching stays fast with hundreds of forms."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        if ends:
            body = "(?:" + "|".join(branches) + ")?"
        return body

    return render(trie)


def verb(stems: Iterable[str], moods: Iterable[str], *, plan: bool = True) -> str:
    """A pattern for the stems in these moods; with `plan`, likelihoods and fears (죽을 것 같아) are left out."""
    return "(?:" + trie_pattern(forms(stems, moods)) + ")" + (_NOT_A_PLAN if plan else "")
