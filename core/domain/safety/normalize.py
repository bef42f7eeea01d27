"""Seeing through how people type: spacing, repeated letters, jamo abbreviations, emoji, slang, leetspeak.

Rules and the classifier both read the text through `read`, so "죽 고 싶 다", "죽고싶다ㅏㅏㅏ", "ㅈㅅ하고 싶다",
"k i l l  m y s e l f", "kms", "s*icide" and "💊💊 다 모아뒀어" all look like what they mean.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

_INVISIBLE: Final = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad\ufe0f]")
# Mentions, channel names and links are addresses, not words anyone wrote about themselves.
_ADDRESSES: Final = re.compile(r"(?:https?://|www\.)\S+|<[@#!][^>\s]*>|(?<!\w)[@#][\w.-]+")
_WHITESPACE: Final = re.compile(r"\s+")
_HANGUL: Final = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")

# Emoji that name a means, spelled in the message's own language so the rules for words apply to them.
_EMOJI: Final = {
    "🔪": ("칼", "knife"),
    "🗡": ("칼", "knife"),
    "💊": ("약", "pills"),
    "🪢": ("밧줄", "rope"),
    "🌉": ("다리", "bridge"),
    "⚰": ("관", "coffin"),
    "🪦": ("무덤", "grave"),
    "🩸": ("피", "blood"),
    "🔫": ("총", "gun"),
    "🚆": ("기차", "train"),
    "🚄": ("기차", "train"),
    "🚇": ("지하철", "subway"),
    "🏢": ("건물", "building"),
    "🌊": ("바다", "sea"),
    "🔥": ("불", "fire"),
}
# Laughter and joking marks: they soften a weak signal, never a strong one.
_JOKING: Final = re.compile(
    r"ㅋㅋ|ㅎㅎ|크크|키키|\blo+l\b|\blmf?ao+\b|\bha(?:ha)+\b|\bjk\b|\bjust kidding\b|😂|🤣|😆|😹|\bxd\b|\blolol"
)
_CRYING_AND_STRAY_VOWELS: Final = re.compile(r"[ㅠㅜㅡ;ㅏ-ㅣ]+")
_REPEATED_LATIN: Final = re.compile(r"([a-z])\1{2,}")
_REPEATED_SYLLABLE: Final = re.compile(r"([\uac00-\ud7a3])\1{2,}")
_SPACED_LETTERS: Final = re.compile(r"(?<![a-z])(?:[a-z] ){2,}[a-z](?![a-z])")

# Korean chat abbreviations and misspellings; ㅈㅅ alone is usually 죄송 ("sorry"), so only with what follows.
_KO_SLANG: Final = (
    (re.compile(r"ㅈㅅㅎㄱㅅ[ㄷㅇㅓ]?"), "자살하고싶다"),
    (re.compile(r"ㅈㄱㅅ[ㄷㅇ]"), "죽고싶다"),
    (re.compile(r"ㅈㅅ(?=\s*(?:하|할|해|했|충동|생각|시도|각|계획|방법|ㅎ))"), "자살"),
    (re.compile(r"ㅈㅅ"), "죄송"),  # what is left of ㅈㅅ is "sorry"
    (re.compile(r"ㅈㅎ"), "자해"),  # in chat, ㅈㅎ is self-harm
    (re.compile(r"ㅁㅍㄷㄱ"), "마포대교"),
    (re.compile(r"듁|쥭"), "죽"),
    (re.compile(r"주거\s*(?=버리|버릴|야|ㅆ)"), "죽어"),
    (re.compile(r"(죽\s*고\s*)(?:십|시퍼|시프|십)"), r"\1싶"),
    (re.compile(r"죽구\s*싶"), "죽고싶"),
    (re.compile(r"즉고|죽구|쥭고"), "죽고"),
    (re.compile(r"업서|업써|없써"), "없어"),
    (re.compile(r"와쓰면|왔스면"), "왔으면"),
    (re.compile(r"조켓|조켔|좋켓"), "좋겠"),
    (re.compile(r"끈낼|끝넬"), "끝낼"),
    (re.compile(r"오눌"), "오늘"),
    (re.compile(r"진자(?=\s|$)"), "진짜"),
    (re.compile(r"고마워써"), "고마웠어"),
    (re.compile(r"(고\s*)(?:시퍼|시포|십어|십다)"), r"\1싶어"),
    (re.compile(r"뒤지고\s*싶"), "죽고싶"),
    (re.compile(r"뒤져\s*버리고\s*싶"), "죽어버리고싶"),
)
_EN_SLANG: Final = (
    (re.compile(r"\bs\W?[u*]\W?[i1!*]\W?c\W?[i1!*]\W?d\W?[e3*](?=\w*)"), "suicide"),
    (re.compile(r"\$uicid|su1cid|suic1d|sucide|suicde"), "suicid"),
    (re.compile(r"\bsewer\W?slid(?:e|ing)"), "suicide"),
    (re.compile(r"\bk\W?m\W?s\b"), "kill myself"),
    (
        re.compile(r"\b(i|i'm|im|gonna|wanna|should|might|will|to|just|going to)(\s+(?:\w+\s+)?)kys\b"),
        r"\1\2kill myself",
    ),
    (re.compile(r"\bunalive\s+(?:myself|me)\b"), "kill myself"),
    (re.compile(r"\bunaliv(?:e|ing)\b"), "die"),
    (re.compile(r"\b(?:ctb|catch(?:ing)? the bus)\b"), "kill myself"),
    (re.compile(r"\bs h\b"), "sh"),
    (re.compile(r"\bsh-?ing\b"), "self harming"),
    (re.compile(r"\bsh'?d\b"), "self harmed"),
    (
        re.compile(r"\bsh\b(?=\s+(?:again|urges?|relapse|scars?|wounds?|marks|cuts|free|clean|blood|tonight|today))"),
        "self harm",
    ),
    (re.compile(r"\b(relapsed?|relapsing|urges? to|did|doing|clean from|to|i|on)\s+sh\b"), r"\1 self harm"),
    (re.compile(r"\bwnat\b"), "want"),
    # text-speak without vowels
    (re.compile(r"\bwnt\b"), "want"),
    (re.compile(r"\bded\b"), "dead"),
    (re.compile(r"\bjst\b"), "just"),
    (re.compile(r"\bmslf\b|\bmyslf\b"), "myself"),
    (re.compile(r"\bagn\b"), "again"),
    (re.compile(r"\bbtr\b"), "better"),
    (re.compile(r"\bw/o\b"), "without"),
    (re.compile(r"\bevry1\b|\beveryone\b"), "everyone"),
    (re.compile(r"\bdcdd\b"), "decided"),
    (re.compile(r"\bgng\b"), "going"),
    (re.compile(r"\bbrdg\b"), "bridge"),
    (re.compile(r"\blst\b"), "last"),
    (re.compile(r"\bmsg\b"), "message"),
    (re.compile(r"\bct\b(?= myself)"), "cut"),
    (re.compile(r"\b2 b\b"), "to be"),
    (re.compile(r"\bgdby\b|\bgudbye\b|\bgoodby\b"), "goodbye"),
    (re.compile(r"\b4evr\b|\b4ever\b"), "forever"),
    (re.compile(r"\btll\b"), "tell"),
    (re.compile(r"\bsry\b|\bsoz\b"), "sorry"),
    (re.compile(r"\bmm\b(?= i)"), "mom"),
    (re.compile(r"\bband[- ]aids?\b"), "bandaids"),
    (re.compile(r"\b(want|going|have|got|need) 2\b"), r"\1 to"),
    (re.compile(r"\b2ni(?:ght|te)\b|\btn\b|\btonite\b"), "tonight"),
    (re.compile(r"\bk[i1!]ll\b|\bki+l+\b"), "kill"),
    (re.compile(r"\bd[i1!]e\b"), "die"),
    (re.compile(r"\bwanna\b"), "want to"),
    (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"\bi'?ve\b"), "i have"),
    (re.compile(r"\bi'?ll\b"), "i will"),
    (re.compile(r"\bi'?d\b"), "i would"),
    (re.compile(r"\bdon'?t\b"), "do not"),
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\b(did|would|could|should|does|is|was|were|are|has|have|had|must)n'?t\b"), r"\1 not"),
    (re.compile(r"\bno ?one\b|\bnobody\b"), "no one"),
    # the apostrophe is optional only where the bare form is no other word ("shed", "wed", "here", "its")
    (re.compile(r"\b(?:(they|she|he|we|you|it|that|there|what)'d|(they|you|it|that)d)\b"), r"\1\2 would"),
    (re.compile(r"\b(?:(they|she|he|we|you|it|that|there|what)'ll|(they|you|that)ll)\b"), r"\1\2 will"),
    (re.compile(r"\b(they|we|you)'re\b|\b(they|you)re\b"), r"\1\2 are"),
    (re.compile(r"\b(?:(she|he|it|that|there|what)'s|(that|there|what|here)s)\b"), r"\1\2 is"),
    (re.compile(r"\b(\w+)'s\b(?<!\blet's)"), r"\1 s"),  # possessives: "dad's gun" → "dad s gun"
)


@dataclass(frozen=True, kw_only=True)
class ReadText:
    """A message seen three ways. `spaced` keeps word boundaries (English rules); `compact` has no spaces or
    punctuation (Korean rules: "죽 고 싶 어" and "죽고싶어" alike); `joking` marks laughter (ㅋㅋ, lol)."""

    spaced: str
    compact: str
    joking: bool
    korean: bool


def _nfkc_keeping_jamo(text: str) -> str:
    """NFKC, except that lone jamo (ㅈㅅ, ㅋㅋ, ㅠㅠ) stay the letters people typed instead of becoming
    conjoining jamo that no pattern would recognise; NFC afterwards still joins decomposed syllables."""
    if not any("\u3131" <= char <= "\u318e" for char in text):
        return unicodedata.normalize("NFKC", text)
    kept = "".join(char if "\u3131" <= char <= "\u318e" else unicodedata.normalize("NFKC", char) for char in text)
    return unicodedata.normalize("NFC", kept)


def read(text: str) -> ReadText:
    text = _nfkc_keeping_jamo(text)
    text = _INVISIBLE.sub("", text).replace("\u2019", "'").replace("\u2018", "'").lower()
    text = _ADDRESSES.sub(" ", text)
    korean = bool(_HANGUL.search(text))
    for emoji, (ko, en) in _EMOJI.items():
        if emoji in text:
            text = text.replace(emoji, f" {ko if korean else en} ")
    joking = bool(_JOKING.search(text))
    text = _WHITESPACE.sub(" ", text).strip()
    text = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _REPEATED_LATIN.sub(r"\1", text)
    if korean:  # "sh" among Korean words is self-harm ("sh 재발함", "오늘 두 번 함... sh")
        text = re.sub(r"(?<![a-z])sh(?![a-z])", " 자해 ", text)
    for pattern, replacement in _KO_SLANG:
        text = pattern.sub(replacement, text)
    text = _CRYING_AND_STRAY_VOWELS.sub(" ", text.replace("ㅋ", " ").replace("ㅎ", " "))
    text = _REPEATED_SYLLABLE.sub(r"\1", text)
    for pattern, replacement in _EN_SLANG:
        text = pattern.sub(replacement, text)
    spaced = _WHITESPACE.sub(" ", text).strip()
    compact = re.sub(r"[\s~.…·,!?'\"()\[\]*_/\\^+=:;<>-]+", "", spaced)
    return ReadText(spaced=spaced, compact=compact, joking=joking, korean=korean)
