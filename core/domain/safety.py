"""The crisis gate: spot talk of suicide or self-harm before any counselor answers.

A missed crisis costs far more than a false alarm, so the patterns lean towards firing; they only stay quiet for
everyday hyperbole ("배고파 죽겠다", "this homework is killing me") and plain negation ("I don't want to die").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

SUICIDAL_IDEATION: Final = "suicidal_ideation"
SELF_HARM: Final = "self_harm"
INDIRECT: Final = "indirect"


@dataclass(frozen=True, kw_only=True)
class SafetyVerdict:
    """`reason` is a category code for logs and alerts; it never carries the user's words."""

    crisis: bool
    reason: str | None = None


SAFE: Final = SafetyVerdict(crisis=False)


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


# --- Korean -------------------------------------------------------------------------------------
# Phrases are matched against a copy with all whitespace removed, so "죽고 싶어", "죽고싶어" and "죽 고 싶 어" look
# alike. Hyperbole ("죽겠다", "죽을 것 같아", "죽는 줄", "죽이는") is never matched: only wishes, plans and acts are.
# Two-syllable words are matched against the spaced copy instead: squeezed, "혼자 살기" would read as "자살".

_KO_NOT: Final = r"(?!지는?않|지도않|진않|지않|지마|지말)"  # "…싶지 않아": the wish is denied
_NOT_A_WORD_ENDING_IN_JA: Final = r"(?<!혼)(?<!여)(?<!남)(?<!모)(?<!의)"  # 혼자, 여자, 남자, 모자, 의자

_KO_SUICIDAL: Final = _rx(
    rf"{_NOT_A_WORD_ENDING_IN_JA}자살(?:하고|하려|할|충동|생각|시도)",
    rf"죽(?:고|어버리고|어서)만?싶{_KO_NOT}",  # 죽고 싶어, 죽어버리고 싶다
    r"죽어버릴(?:까|거|래)",
    r"죽어야(?:겠|지|할까|하나)",
    r"죽으려(?:고|한다|해)",
    r"죽기로(?:했|결심|마음)",
    r"죽는게(?:낫|나을|편할|차라리)",
    r"차라리죽",
    r"죽었으면좋겠",
    r"(?<!안)(?:편하게|안아프게)?죽(?:는|을)방법",
    r"극단적(?:인)?선택",
    r"목숨을?(?:끊|버리)",
    r"스스로(?:목숨|생을)",
    r"생을마감",
    r"(?:삶|인생)을?(?:끝내(?!주)|마감)",
    r"목을?(?:매달|매고싶|매려|맬)",
    r"(?:옥상|다리|창문|건물|한강|아파트|높은곳)\S{0,6}?(?:뛰어내리|떨어지고싶|투신)",
    rf"뛰어내리(?:고만?싶{_KO_NOT}|려고|려해|려한|릴까|기로)",
    r"번개탄(?:을|이라도)?(?:사|샀|피우|피울|검색|구해)",
    r"(?:수면제|약)(?:을|를)?(?:한꺼번에|잔뜩|왕창)(?:먹|삼키|털어)",
    r"수면제(?:을|를)?(?:다|전부|통째로)(?:먹|삼키|털어)",
    r"(?:수면제|약)(?:을|를)?(?:잔뜩|몰래)?모으(?:고|는|고있)",
    r"유서(?:를|도|까지)?(?:썼|쓰|써|작성|남기|남겼)",
)

_KO_SELF_HARM: Final = _rx(
    rf"{_NOT_A_WORD_ENDING_IN_JA}자해(?:를|도)?(?:했|하고|하는|하려|할|충동)",
    r"(?:손목|팔|허벅지)(?:을|를|에)?(?:그었|긋|그어|그을|칼|커터|면도)",
    r"(?:칼|커터칼|면도칼|커터)로(?:손목|팔|허벅지|몸|나를)",
    r"(?:나를|내몸을?|스스로를?)(?:해치|다치게|상처내|상처를내)",
    r"피가날때까지(?:긁|그었|때렸)",
)

_KO_INDIRECT: Final = _rx(
    rf"(?:사라지|사라져버리|없어지|없어져버리|증발하)고만?싶{_KO_NOT}",
    r"(?:내가|나도|나는|난|나)(?:그냥)?(?:사라|없어)(?:졌|져버렸)으면",
    r"나(?:같은건|같은게|는|따위는?)?(?:없어지|사라지)는게(?:나아|낫|나을|좋)",
    r"(?:세상|이세상)(?:을|에서)?떠나고싶",
    r"살고싶지(?:가)?않",
    r"살고싶은?마음이(?:없|안)",
    r"(?<!혼자)살기싫",
    r"그만살(?:고싶|래|까|아야)",
    r"(?:사는게|살아있는게|살아있기)(?:싫|지옥|괴로|의미없|무의미)",
    r"사는게의미(?:가)?없",
    r"(?:더이상|이제|계속)살(?:아야?할|아갈)?(?:이유|의미)(?:가|도|를)?(?:없|모르)",
    r"살아(?:야할|갈|가야할|있을)(?:이유|의미)(?:가|도|를)?(?:없|모르)",
    r"(?:사는|삶의)(?:이유|의미)(?:가|도|를)?없",
    r"살아서뭐(?:해|하)",
    r"왜살아야",
    r"(?:나|내)(?:가|만|하나)?(?:없어지|사라지|없으|죽으|죽어버리)면.{0,10}?(?:편|행복|나을|낫|좋)",
    r"모든(?:걸|것을|것|게)?(?:다)?끝내(?:고만?싶|버리고싶|버릴|려고|야겠|고픈)",
    r"(?:영영|영원히|다시는)(?:안|못)?(?:깨어나|깨어났|깼|눈뜨지)",
    r"영원히잠들(?:고싶|었으면|면)",
    r"(?:안|못)깨어났으면",
    r"깨어나지(?:않|말|못)았?으면",
    r"눈(?:을)?(?:안|못)떴으면",
    r"태어나지(?:말았어야|말았으면|말걸|않았(?:으면|어야|더라면))",
    r"안태어났(?:으면|어야)",
    r"태어난게(?:죄|후회|잘못)",
    r"왜태어났",
)

_KO_SUICIDAL_WORDS: Final = (rf"{_NOT_A_WORD_ENDING_IN_JA}자살", r"투신")
_KO_SELF_HARM_WORDS: Final = (rf"{_NOT_A_WORD_ENDING_IN_JA}자해",)

# --- English ------------------------------------------------------------------------------------
# Matched against the lower-cased text with whitespace collapsed. Hyperbole ("killing me", "dying to",
# "could die of", "kill for") is never matched; negation right before a match ("don't", "never") cancels it.

_EN_SUICIDAL: Final = (
    r"\bwant(?:s|ed)?\s+to\s+die\b",
    r"\bwanna\s+die\b",
    r"\bwish\s+i\s+(?:was|were)\s+dead\b",
    r"\bwish\s+i\s+could\s+(?:just\s+)?die\b",
    r"\bbetter\s+off\s+dead\b",
    r"\bkill(?:ing)?\s+myself\b",
    r"\bsuicid(?:e|al)\b",
    r"\bend(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all)\b",
    r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b",
    r"\bhang(?:ing)?\s+myself\b",
    r"\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the|my)\s+(?:bridge|roof|building|balcony)\b",
    r"\boverdos(?:e|ing)\s+on\s+purpose\b",
    r"\b(?:wrote|writing|write)\s+(?:a|my)\s+suicide\s+note\b",
)

_EN_SELF_HARM: Final = (
    r"\bself[-\s]?harm(?:ing)?\b",
    r"\bcutting\s+myself\b",
    r"\b(?:cut|hurt|harmed|burned|burnt)\s+myself\s+(?:again|on\s+purpose|deliberately)\b",
    r"\b(?:want|going|gonna|tempted|urge|urges)\s+to\s+(?:cut|hurt|harm|burn)\s+myself\b",
    r"\bslit(?:ting)?\s+my\s+wrists?\b",
    r"\bcut(?:ting)?\s+(?:into\s+)?my\s+wrists?\b",
    r"\bcutting\s+(?:into\s+)?my\s+(?:arms?|thighs?|legs?|skin)\b",
)

_EN_INDIRECT: Final = (
    r"\b(?:don't|do\s+not|dont|no\s+longer)\s+want\s+to\s+(?:live|be\s+alive|exist|be\s+here)\b",
    r"\b(?:want|wish)\s+(?:to\s+|i\s+could\s+)?(?:just\s+)?(?:disappear|stop\s+existing|vanish)\b",
    r"\bbetter\s+off\s+without\s+me\b",
    r"\b(?:no|any)\s+(?:reason|point)\s+(?:to|in)\s+(?:keep\s+)?(?:living|live|going\s+on|being\s+alive)\b",
    r"\bnothing\s+(?:left\s+)?to\s+live\s+for\b",
    r"\bwhat's\s+the\s+point\s+(?:of|in)\s+(?:living|life|being\s+alive)\b",
    r"\btired\s+of\s+(?:living|being\s+alive)\b",
    r"\b(?:go\s+to\s+sleep|sleep|fall\s+asleep)\s+and\s+(?:never|not)\s+wake\s+up\b",
    r"\b(?:hope|wish)\s+i\s+(?:don't|never|wouldn't|won't|didn't)\s+wake\s+up\b",
    r"\bwish\s+i\s+(?:had\s+)?never\s+(?:been\s+born|existed)\b",
    r"\bshould(?:n't|\s+not|\s+never)\s+have\s+been\s+born\b",
    r"\b(?:i'm|im|i\s+am)\s+(?:just\s+)?a\s+burden\s+(?:to|on)\s+(?:everyone|everybody|my\s+family)\b",
)

# A denial right before an English match: "I don't want to die", "I'd never kill myself", "not suicidal".
_EN_NEGATED_TAIL: Final = re.compile(
    r"(?:\bnot|n't|\bdont|\bnever|\bno\s+longer|\bwont|\bcant)\s+(?:\w+\s+)?$",
)

# (reason, matched on the squeezed copy, matched on the spaced copy), most specific reason first.
_CATEGORIES: Final[tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]] = (
    (SUICIDAL_IDEATION, _KO_SUICIDAL, _rx(*_KO_SUICIDAL_WORDS, *_EN_SUICIDAL)),
    (SELF_HARM, _KO_SELF_HARM, _rx(*_KO_SELF_HARM_WORDS, *_EN_SELF_HARM)),
    (INDIRECT, _KO_INDIRECT, _rx(*_EN_INDIRECT)),
)

_INVISIBLE: Final = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_WHITESPACE: Final = re.compile(r"\s+")
_SQUEEZE: Final = re.compile(r"[\s~.…·]+")


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).replace("\u2019", "'").replace("\u2018", "'")
    return _WHITESPACE.sub(" ", text.lower()).strip()


def _undenied_hit(pattern: re.Pattern[str], spaced: str) -> bool:
    """A match counts unless a denial sits just before it ("don't want to die")."""
    return any(
        _EN_NEGATED_TAIL.search(spaced, max(0, match.start() - 40), match.start()) is None
        for match in pattern.finditer(spaced)
    )


def assess(text: str) -> SafetyVerdict:
    """Crisis if the text speaks of suicide or self-harm, directly or indirectly, in Korean or English."""
    spaced = _normalized(text)
    compact = _SQUEEZE.sub("", spaced)
    for reason, squeezed_pattern, spaced_pattern in _CATEGORIES:
        if squeezed_pattern.search(compact) or _undenied_hit(spaced_pattern, spaced):
            return SafetyVerdict(crisis=True, reason=reason)
    return SAFE
