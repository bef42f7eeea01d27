"""Korean particles chosen by the sound a word ends with: 책은/사과는, 물을/사과를, 집으로/서울로, #3은/#2는.

A particle pair has a form after a final consonant and one after a vowel (은/는, 이/가, 을/를, 과/와, 아/야,
이에요/예요, 이라고/라고 …); 으로/로 also takes 로 after ㄹ (서울로, 길로). The sound is read from the last
letter that is read aloud — closing brackets, quotes and sentence marks are skipped ("(F)" ends in F):

- Hangul: the final consonant of the last syllable ((code − 0xAC00) % 28); a bare consonant letter (ㅋ) ends in a
  consonant, a bare vowel letter (ㅠ) in a vowel.
- Numbers as Korean reads them: 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구, 0 영; a round number by its
  last unit: 10 십, 100 백, 1000 천, 10000 만, 10⁸ 억, 10¹² 조 (so 20은, 100은, 1000은, 2조는). A clock time
  "10:15" reads as minutes (…15분 → 이에요), "10:00" as hours (…10시 → 예요). Digits after a decimal point are
  read one by one (3.5 → 오).
- Latin letters: an acronym or a single letter (UTC, KST, F, L) is spelled (씨, 티, 에프, 엘): L and R (엘, 알)
  end in ㄹ, M and N (엠, 엔) in a consonant, the rest in a vowel. A word is read the way Korean borrows it:
  -ng, -m, -n, -ck, -k, -ic end in a consonant (song 송, team 팀, London 런던, Slack 슬랙, music 뮤직),
  -l and -le in ㄹ (Seoul 서울, Google 구글), -me/-ne in a consonant (time 타임, phone 폰), -p/-b after a vowel
  in a consonant (app 앱, club 클럽); everything else in a vowel (Discord 디스코드, Paris 파리, Tokyo 도쿄,
  computer 컴퓨터, York is 욕 by the -k rule). These are the cases that matter here: zone names, codes, ids.
- Anything else (an emoji, an empty string): both forms, as "은(는)" — the honest fallback.

`{id:은}` in a catalog message formats a value with its particle (see core.i18n); write the form that follows a
consonant (`은`, `이`, `을`, `으로`, `이에요`, `이라고`), or the pair (`은/는`).
"""

from __future__ import annotations

import re
from typing import Final

_BASE: Final = 0xAC00
_RIEUL: Final = 8  # ㄹ as a final consonant
_CONSONANT: Final = 1  # any final consonant but ㄹ (the index of ㄱ, used as "some consonant")
_VOWEL: Final = 0

# (after a consonant, after a vowel)
PAIRS: Final = (
    ("은", "는"),
    ("이", "가"),
    ("을", "를"),
    ("과", "와"),
    ("아", "야"),
    ("으로", "로"),
    ("이에요", "예요"),
    ("이었어요", "였어요"),
    ("이라고", "라고"),
    ("이라", "라"),
    ("이랑", "랑"),
    ("이나", "나"),
    ("이면", "면"),
    ("이든", "든"),
    ("이야", "야"),
    ("이다", "다"),
)
_BY_SPEC: Final = {f"{a}/{b}": (a, b) for a, b in PAIRS} | {a: (a, b) for a, b in PAIRS}
_BY_VOWEL_FORM: Final = {b: (a, b) for a, b in reversed(PAIRS)}  # "야" is 아/야 before 이야/야

_DIGITS: Final = {
    "0": _CONSONANT,  # 영
    "1": _RIEUL,  # 일
    "2": _VOWEL,  # 이
    "3": _CONSONANT,  # 삼
    "4": _VOWEL,  # 사
    "5": _VOWEL,  # 오
    "6": _CONSONANT,  # 육
    "7": _RIEUL,  # 칠
    "8": _RIEUL,  # 팔
    "9": _VOWEL,  # 구
}
# The sound of a round number by how many zeros end it: 십, 백, 천, 만 … 억 … 조 … 경.
_ROUND: Final = {1: _CONSONANT, 2: _CONSONANT, 3: _CONSONANT} | {
    zeros: (_CONSONANT if zeros < 12 else _VOWEL if zeros < 16 else _CONSONANT) for zeros in range(4, 20)
}
_LETTERS: Final = dict.fromkeys("ABCDEFGHIJKOPQSTUVWXYZ", _VOWEL) | {
    "L": _RIEUL,
    "R": _RIEUL,
    "M": _CONSONANT,
    "N": _CONSONANT,
}
_SKIPPED: Final = " \t\n)]}>\"'”’」』】.,!?…"
_TAIL_NUMBER: Final = re.compile(r"(?:(?P<head>\d+)(?P<sep>[:.]))?(?P<digits>\d[\d,]*)$")
_TAIL_LETTERS: Final = re.compile(r"[A-Za-z]+$")
_ACRONYM_MAX: Final = 5


def final_sound(word: str) -> int | None:  # noqa: PLR0911 — one return per kind of letter
    """0 when `word` is read ending in a vowel, 8 in ㄹ, another positive number in another consonant;
    None when it cannot be told."""
    text = word.rstrip(_SKIPPED)
    if not text:
        return None
    last = text[-1]
    code = ord(last) - _BASE
    if 0 <= code < 11172:
        return code % 28
    if "ㄱ" <= last <= "ㅎ":
        return _RIEUL if last == "ㄹ" else _CONSONANT
    if "ㅏ" <= last <= "ㅣ":
        return _VOWEL
    if last.isascii() and last.isdigit():
        return _number_sound(text)
    if last.isascii() and last.isalpha():
        found = _TAIL_LETTERS.search(text)
        assert found is not None
        return _latin_sound(found.group())
    return None


def _number_sound(text: str) -> int:
    found = _TAIL_NUMBER.search(text)
    assert found is not None
    digits = found["digits"].replace(",", "")
    if found["sep"] == ":" and len(digits) == 2:  # a clock time: 10:15 is 분, 10:00 is 시
        return _VOWEL if digits == "00" else _CONSONANT
    if found["sep"] == ".":  # 3.5: digits after the point are read one by one
        return _DIGITS[digits[-1]]
    if int(digits) == 0:
        return _DIGITS["0"]
    zeros = len(digits) - len(digits.rstrip("0"))
    return _ROUND.get(zeros, _CONSONANT) if zeros else _DIGITS[digits[-1]]


def _latin_sound(letters: str) -> int:
    if len(letters) == 1 or (letters.isupper() and len(letters) <= _ACRONYM_MAX):
        return _LETTERS[letters[-1].upper()]
    word = letters.lower()
    if word.endswith(("ng", "m", "n", "ck", "k", "ic", "me", "ne")):
        return _CONSONANT
    if word.endswith(("l", "le")):
        return _RIEUL
    if word.endswith(("p", "b")) and len(word) > 1 and (word[-2] in "aeiou" or word[-2] == word[-1]):
        return _CONSONANT
    return _VOWEL


def pair_for(spec: str) -> tuple[str, str] | None:
    """The particle pair a catalog spec names ("은", "은/는", "는"), or None when it names none."""
    return _BY_SPEC.get(spec) or _BY_VOWEL_FORM.get(spec)


def josa(word: str, spec: str) -> str:
    """The particle that follows `word`: josa("사과", "은/는") == "는"; josa("서울", "으로") == "로"."""
    pair = pair_for(spec)
    if pair is None:
        raise ValueError(f"not a particle pair: {spec!r}")
    after_consonant, after_vowel = pair
    sound = final_sound(word)
    if sound is None:
        if after_consonant.endswith(after_vowel):  # (으)로, (이)라고
            return f"({after_consonant[: -len(after_vowel)]}){after_vowel}"
        return f"{after_consonant}({after_vowel})"
    if sound == _VOWEL or (sound == _RIEUL and after_consonant == "으로"):
        return after_vowel
    return after_consonant


def with_josa(word: str, spec: str) -> str:
    """`word` followed by its particle: with_josa("#3", "은") == "#3은"."""
    return word + josa(word, spec)
