"""Matching the crisis rules (`rules_korean`, `rules_english`) against a message.

A hit is strong (enough on its own), weak (a hint: the classifier must lean the same way) or doubtful (someone
else is the subject, or the message laughs at itself: the classifier must be sure). A denial right after a
Korean match (죽고 싶진 않아) or just before an English one (i do not want to die) cancels it, and so does
reported speech (죽고 싶다는 말을 하는 친구). Also here: explicit denials of risk and everyday contexts, which keep
the classifier from firing alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from core.domain.safety.normalize import ReadText
from core.domain.safety.rules_english import ENGLISH_RULES
from core.domain.safety.rules_korean import KOREAN_RULES
from core.domain.safety.signals import Signal, Strength

# "no one can see me jump" is not a denial
_NEG: Final = re.compile(r"(?:\bnot|\bnever|\bno longer|\bno(?! one))\s+(?:\w+\s+){0,2}$")


_EN_COMPACT: Final = re.compile(r"killmyself|killingmyself|wanttodie|endmylife|goodbyeforever|hangmyself")

RULES: Final = KOREAN_RULES + ENGLISH_RULES


@dataclass(frozen=True, kw_only=True)
class RuleHit:
    signal: Signal
    strength: Strength

    @property
    def strong(self) -> bool:
        return self.strength is Strength.STRONG


# Right after a Korean match: a denial ("…싶은 건 아니야", "…할 생각은 없어") or another person's words being
# reported ("…싶다는 말을", "…하겠다고 했대", "…하려는 사람") — not the writer's own risk.
_KO_DENIED_AFTER: Final = re.compile(
    r"^(?:지|진|지는|지도|지가|은|은건|은게|은거|은건|다|다는|다는건|다는게|다거나|다거나그런건|다든가|단건|을|을정도는|"
    r"을만큼은|정도는|은마음은|은생각은|마음은|생각은|계획은|같은건|같은거|은아|하고싶지|하고싶진|할생각은|하고싶은건)?"
    r"(?:하나도|전혀|절대)?(?:아니|아닌|아님|아냐|않|안해|안할|없어|없다|없음|없는|없고|없으|말아)"
)
_KO_REPORTED_AFTER: Final = re.compile(
    r"^.{0,2}?(?:다는(?!생각|마음|충동|느낌|기분|거|게|말을누구|말을아무|말밖에)|다고(?!하면|말하면|해도|말해도)|단말|대서|대요|했대|한대|했다고|겠다고|다며|다던|는사람|는친구|려는사람|려던사람|는환자|환자|자들|률|율|예방|뉴스|기사|사건|유가족|생존자|장면|영화|드라마|냐고|냐는|있냐고|했냐고)"
)


def _denied_before(spaced: str, start: int) -> bool:
    """A "not" or "never" just before the match; "would not mind" is not a denial."""
    denial = _NEG.search(spaced, max(0, start - 30), start)
    return denial is not None and not spaced[denial.start() : start].startswith(("not mind", "not care"))


# Someone else is the subject just before a match (a friend, a character, the news): maybe not the writer's risk.
_KO_THIRD_PARTY: Final = re.compile(
    r"(?:친구가|친구는|동생이|딸이|아들이|엄마가|아빠가|주인공|등장인물|캐릭터|드라마|영화|소설|웹툰|뉴스|기사|연예인|배우|"
    r"가수|환자|학생이|학생들|누가|사람이|사람들|후배가|선배가|동료가|언니가|오빠가|형이|누나가|걔가|걔는|그사람이|남친이|여친이|게임)"
)
_EN_THIRD_PARTY: Final = re.compile(
    r"(?<!for )(?<!to )(?<!with )(?<!at )(?<!of )(?<!from )(?<!tell )(?<!told )(?<!about )"
    r"\b(?:someone|somebody|they|she|he|stranger|friends?|people|person|character|roommate|student|patient|anyone|"
    r"kids?|teens|classmates?|coworkers?|children|students|games|characters?|depicts?|grade|"
    r"my (?:friend|sister|brother|mom|dad|son|daughter|cousin))\b"
)
_CLAUSE_START: Final = re.compile(r"[,.;!?]|\bthen\b|\band\b|\bbut\b|\bso\b")
_EN_OWN_SUBJECT: Final = re.compile(r"\bi\b(?: \w+){0,3}$")
# A joke softens a wish or a passive wish ("ugh i want to die lol"), never a plan, a means or an act.
_SOFTENED_BY_JOKES: Final = frozenset({Signal.WISH, Signal.PASSIVE})


def _ko_strength(pattern: re.Pattern[str], compact: str) -> bool | None:
    """None when nothing counts; else whether the match is the writer's own (strong) or maybe someone else's."""
    found: bool | None = None
    for match in pattern.finditer(compact):
        tail = compact[match.end() : match.end() + 16]
        if _KO_DENIED_AFTER.search(tail) is not None or _KO_REPORTED_AFTER.search(tail) is not None:
            continue
        own = _KO_THIRD_PARTY.search(compact, max(0, match.start() - 20), match.start()) is None
        found = own or bool(found)
        if own:
            break
    return found


def _en_strength(pattern: re.Pattern[str], spaced: str) -> bool | None:
    found: bool | None = None
    for match in pattern.finditer(spaced):
        if _denied_before(spaced, match.start()):
            continue
        window = _CLAUSE_START.split(spaced[max(0, match.start() - 40) : match.start()])[-1]
        own = _EN_THIRD_PARTY.search(window) is None or _EN_OWN_SUBJECT.search(window) is not None
        found = own or bool(found)
        if own:
            break
    return found


def rule_hits(text: ReadText) -> tuple[RuleHit, ...]:
    """Every family some rule recognises in the text, strongest first."""
    hits: dict[Signal, Strength] = {}
    for rule in RULES:
        if rule.korean and not text.korean:
            continue
        own = _ko_strength(rule.pattern, text.compact) if rule.korean else _en_strength(rule.pattern, text.spaced)
        if own is None:
            continue
        if not own or (text.joking and rule.signal in _SOFTENED_BY_JOKES):
            strength = Strength.DOUBTFUL
        else:
            strength = Strength.STRONG if rule.strong else Strength.WEAK
        hits[rule.signal] = max(hits.get(rule.signal, Strength.DOUBTFUL), strength)
    squeezed = _EN_COMPACT.search(text.compact) if not text.korean and Signal.WISH not in hits else None
    if squeezed is not None and not re.search(r"(?:not|never|dont)$", text.compact[: squeezed.start()]):
        hits[Signal.WISH] = Strength.STRONG  # letters spaced or run together: "k i l l  m y s e l f", "killmyself"
    found = (RuleHit(signal=signal, strength=strength) for signal, strength in hits.items())
    families = list(Signal)
    return tuple(sorted(found, key=lambda hit: (-hit.strength, families.index(hit.signal))))


# An explicit denial of risk ("자살 생각은 없어", "죽고 싶은 건 아니야", "i'm not suicidal"): the classifier, which
# cannot read negation, must not overrule it; a strong rule still can (a denial followed by a plan).
_KO_DENIAL: Final = re.compile(
    r"(?:죽고싶|자살|자해|해칠|사라지고싶|죽을|극단적).{0,10}?(?:은건아니|은건아닌|은게아니|은거아니|진않|지는않|지않|생각은없|생각없|정도는아닌|"
    r"생각은안|건안해|거나그런건아니|다는건아니|다는게아니|정도는아니|은아니|같은건안|같은거안|계획은없|마음은없)"
)
_EN_DENIAL: Final = re.compile(
    r"\b(?:(?:am|i am|feel|feeling) not (?:suicidal|going to (?:hurt|kill))|not suicidal|"
    r"no (?:plans?|intention|thoughts?) (?:to|of) "
    r"(?:hurt|harm|kill|die|end)|not (?:thinking|planning) (?:of|about|on) (?:hurting|harming|killing|ending|suicide)|"
    r"do not want to die|never (?:hurt|kill) myself|would never (?:hurt|kill|harm) myself)\b"
)
# Everyday objects of "finish", "end" and "quit": a report, a book, a relationship.
_KO_BENIGN: Final = re.compile(
    r"(?:과제|숙제|보고서|프로젝트|논문|레포트|리포트|원고|챕터|시험공부|알바|업무|작업|청소|빨래|설거지|드라마|시즌|"
    r"게임|다이어트|운동|수업|학기|방학|휴가|연차|회의|발표|면접|마감)(?:을|를|도|은|는|이|가)?.{0,6}?"
    r"(?:끝내|끝낼|끝냈|끝냄|마치|마칠|마쳤|제출)"
    r"|놀러|먹으러|만나러|사러|씻으러"
    r"|(?:댁|본가|고향|친구네|친구집|집|학교|회사|병원|교회|성당|마트|카페|회사|학원)(?:에|으로|로)(?:가|갈|간|왔|다녀)"
    r"|쇼핑|지름신|늦잠|알람|캠핑|고기굽|요리|여행가|때려치|그만둘|담배끊|술끊|정주행"
    # someone or some time keeps coming to mind: missing them ("그 사람이 계속 생각나요" scored 0.61)
    r"|(?:사람|그사람|걔|그애|그녀|그분|전남친|전여친|남친|여친|남자친구|여자친구|엄마|아빠|할머니|할아버지|강아지|고양이|"
    r"그날|그때|옛날|예전|추억)(?:이|가|은|는|도)?(?:계속|자꾸|많이|문득|가끔|너무|요즘)?생각나"
    # taking one's medicine as prescribed ("약 먹는 거 까먹었어"); "다 먹" and named drugs stay with the rules
    r"|약(?:을|도)?(?:먹는거|먹는걸|먹기|먹을시간|챙겨먹|챙기)"
)
_EN_BENIGN: Final = re.compile(
    r"\b(?:finish|finishing|finished|submit|submitting|done with|end|ending|quit|quitting|cancel|cancelling|"
    r"drop|dropping)(?: \w+){0,2} (?:report|homework|essay|book|assignment|project|paper|exam|thesis|draft|series|"
    r"season|subscription|"
    r"semester|class|course|lease|job|lessons?|diet|challenge)\b"
    r"|\b(?:nap|pumpkins?|chopping|recipe|workout|gym|bbq|barbecue|grill|karaoke|lasagna|memes?|zoom call|tax review)\b"
    # a request for a friend invite, and medicine taken as prescribed ("all my pills" stays with the rules)
    r"|\b(?:invite|add|make|find|meet)(?: \w+){0,2} friends?\b"
    r"|\btake (?:my|the|your) (?:pills?|meds|medicines?|medication|vitamins?|tablets?)\b"
)


# Talk about a book: its characters, its plot, its author. In a reading club a character's death, farewell or
# letter is the book's, and the classifier's n-grams cannot tell that from the writer's own.
_KO_FICTION: Final = re.compile(
    r"주인공|등장인물|인물|캐릭터|작가|소설|책에서|책속|책의|작품|장면|결말|줄거리|이야기속|챕터|장에서|화자|악역|조연|편지"
)
_EN_FICTION: Final = re.compile(
    r"\b(?:characters?|protagonist|narrator|author|novel|book|story|plot|scene|ending|chapter|villain|heroine|hero|"
    r"letter|she|he|they)\b"
)


def talks_about_fiction(text: ReadText) -> bool:
    return bool(_KO_FICTION.search(text.compact) if text.korean else _EN_FICTION.search(text.spaced))


def denies_risk(text: ReadText) -> bool:
    return bool(_KO_DENIAL.search(text.compact) if text.korean else _EN_DENIAL.search(text.spaced))


def benign_context(text: ReadText) -> bool:
    return bool(_KO_BENIGN.search(text.compact) if text.korean else _EN_BENIGN.search(text.spaced)) or text.joking


# The classifier is not calibrated on greeting-sized texts ("안녕", "bye", "ㅈㅅㅈㅅ 늦었어" scored 0.8 and more):
# below this many letters only the rules speak.
CLASSIFIER_MIN_LETTERS: Final = {"ko": 8, "en": 10}  # Hangul syllables carry more than Latin letters


_LETTERS: Final = re.compile(r"[가-힣a-z]")


def long_enough_for_classifier(text: ReadText) -> bool:
    """Enough letters for the classifier to judge on its own (emoji and digits are not evidence)."""
    return len(_LETTERS.findall(text.compact)) >= CLASSIFIER_MIN_LETTERS["ko" if text.korean else "en"]
