"""What a worry is about, read offline: its topic, and the person's own words for it, so the offline counselor can
answer the situation (a parent's cancer is not insomnia) and say it back in their words.

A weighted lexicon, like core.domain.emotion: each cue adds its weight to one topic; the strongest topic wins, ties go
to the heavier situation (grief before work). A second topic that scored on its own strong cues is kept too ("시험
때문에 잠이 안 와": study, then sleep). An illness named beside a person ("엄마가 암 진단을 받았어") is a loved one's
illness, not one's own. The words come from anchors: the most specific noun of the topic found in the text, as the
person wrote it (월세, 기말고사, 암 진단), or a noun made from their own stem (외로워 → 외로움), and the person the
worry is about (엄마; "my mom" → "your mom"). Deterministic, no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.domain.emotion import Emotion


class Topic(StrEnum):
    WORK = "work"
    STUDY = "study"
    LOVE = "love"  # dating, a crush, fights with a partner
    BREAKUP = "breakup"
    FAMILY = "family"
    HEALTH = "health"  # one's own body
    ILLNESS = "illness"  # a loved one's illness
    MONEY = "money"
    SLEEP = "sleep"
    LONELINESS = "loneliness"
    GRIEF = "grief"
    SELF_WORTH = "self_worth"
    FRIENDS = "friends"
    FUTURE = "future"  # career, what to do with one's life
    GENERAL = "general"  # nothing recognised


# The feeling a topic most often carries, for a worry that names none ("이번 달 월세를 낼 돈이 없어").
DEFAULT_FEELING: Final[dict[Topic, Emotion]] = {
    Topic.WORK: Emotion.TIREDNESS,
    Topic.STUDY: Emotion.ANXIETY,
    Topic.LOVE: Emotion.SADNESS,
    Topic.BREAKUP: Emotion.SADNESS,
    Topic.FAMILY: Emotion.SADNESS,
    Topic.HEALTH: Emotion.ANXIETY,
    Topic.ILLNESS: Emotion.ANXIETY,
    Topic.MONEY: Emotion.ANXIETY,
    Topic.SLEEP: Emotion.TIREDNESS,
    Topic.LONELINESS: Emotion.SADNESS,
    Topic.GRIEF: Emotion.SADNESS,
    Topic.SELF_WORTH: Emotion.SADNESS,
    Topic.FRIENDS: Emotion.SADNESS,
    Topic.FUTURE: Emotion.ANXIETY,
    Topic.GENERAL: Emotion.SADNESS,
}

# Ties go to the heavier situation; a cause goes before what it causes (exam stress keeps you up: study, then sleep).
_PRIORITY: Final = (
    Topic.GRIEF,
    Topic.ILLNESS,
    Topic.HEALTH,
    Topic.BREAKUP,
    Topic.SELF_WORTH,
    Topic.LONELINESS,
    Topic.MONEY,
    Topic.STUDY,
    Topic.FUTURE,
    Topic.WORK,
    Topic.LOVE,
    Topic.FAMILY,
    Topic.FRIENDS,
    Topic.SLEEP,
    Topic.GENERAL,
)
_SECONDARY_MIN: Final = 2.0  # a second topic needs a cue of its own, not just a person named in passing


@dataclass(frozen=True, kw_only=True)
class WorryTopic:
    topic: Topic
    secondary: Topic | None = None
    phrase: str | None = None  # the person's words for what it is about, particles left off: 월세, 암 진단
    who: str | None = None  # whom it is about, as the counselor says it back: 엄마, "your mom"


GENERAL: Final = WorryTopic(topic=Topic.GENERAL)


@dataclass(frozen=True)
class _Cue:
    pattern: str
    topic: Topic
    weight: float


@dataclass(frozen=True)
class _Anchor:
    """A noun the counselor may say back. `phrase` replaces the match when the match is a stem (외로 → 외로움)."""

    pattern: str
    phrase: str | None = None


_H: Final = r"(?<![가-힣])"  # a Korean word starts here ("형" but not "형편")
_END: Final = r"(?=[이가은는을를의도께랑와과한하만에]|[^가-힣]|$)"  # …and ends here, or takes a particle


def _ko_noun(words: str) -> str:
    """A Korean noun (or any of `words`) as its own word, possibly after 우리/내/제 written together."""
    return rf"(?:(?<![가-힣])|(?<=우리)|(?<=내)|(?<=제))(?:{words}){_END}"


# --- who a worry is about -------------------------------------------------------------------------------------

_KO_KIN: Final = (
    "엄마|아빠|어머니|아버지|어머님|아버님|부모님|할머니|할아버지|외할머니|외할아버지|남편|아내|와이프|"
    "언니|누나|오빠|형|남동생|여동생|동생|아들|딸|아이|애기|시어머니|시아버지|장모님|장인어른|이모|고모|삼촌"
)
_KO_PARTNER: Final = (
    r"전\s*남자\s*친구|전\s*여자\s*친구|전\s*남친|전\s*여친|남자\s*친구|여자\s*친구|남친|여친|애인|연인|전\s*애인"
)
_KO_FRIEND: Final = "친구|절친|베프|동기|룸메이트|룸메"
_KO_PET: Final = "강아지|고양이|반려견|반려묘|댕댕이"
_KO_BOSS: Final = "팀장님|부장님|과장님|차장님|대리님|사장님|실장님|팀장|부장|과장|상사|사수|동료"

_EN_KIN: Final = (
    r"mom|mother|mum|dad|father|parents|grandma|grandmother|grandpa|grandfather|wife|husband|sister|brother|"
    r"son|daughter|kid|child|aunt|uncle"
)
_EN_PARTNER: Final = r"boyfriend|girlfriend|partner|ex|fianc[ée]e?|spouse"
_EN_FRIEND: Final = r"best\s+friend|friends?|roommate"
_EN_PET: Final = r"dog|cat|puppy|kitten"
_EN_BOSS: Final = r"boss|manager|supervisor|coworkers?|co-workers?|colleagues?|team\s+lead"

# Whom a worry of each topic is about (Korean, English); any of them for a loved one's illness.
_WHO_ANY: Final = (f"{_KO_PARTNER}|{_KO_KIN}|{_KO_PET}|{_KO_FRIEND}", f"{_EN_PARTNER}|{_EN_KIN}|{_EN_PET}|{_EN_FRIEND}")
_WHO_KINDS: Final[dict[Topic, tuple[str, str]]] = {
    Topic.BREAKUP: (_KO_PARTNER, _EN_PARTNER),
    Topic.LOVE: (_KO_PARTNER, _EN_PARTNER),
    Topic.FAMILY: (_KO_KIN, _EN_KIN),
    Topic.FRIENDS: (_KO_FRIEND, _EN_FRIEND),
    Topic.WORK: (_KO_BOSS, _EN_BOSS),
    Topic.GRIEF: _WHO_ANY,
    Topic.ILLNESS: _WHO_ANY,
}

# --- Korean cues ----------------------------------------------------------------------------------------------

_T = Topic
_KO_ILLNESS: Final = (
    r"[가-힣]{0,3}암(?![가-힣])|[가-힣]{0,3}암\s*(?:진단|판정|수술|투병|선고)|암(?:이래|이라|이에요|이었)|항암|"
    r"치매|뇌졸중|중환자실|입원|투병|수술|편찮|아프시|위독|진단\s*(?:을|이)?\s*받|시한부|재발|전이"
)
_KO_CUES: Final = (
    # grief
    _Cue(
        r"돌아가(?:셨|시|신)|세상\s*을\s*떠|하늘\s*나라|장례|빈소|발인|사별|떠나보|49재|기일|무지개\s*다리|잃었",
        _T.GRIEF,
        4,
    ),
    # a loved one's illness (a person beside it turns HEALTH into ILLNESS, see _read)
    _Cue(_KO_ILLNESS, _T.HEALTH, 3),
    _Cue(
        r"병원|검사\s*결과|진단|통증|두통|허리|디스크|건강|몸\s*(?:이|도)?\s*(?:안\s*좋|아프|아파)|아파|아프|병(?![가-힣])|약\s*을?\s*먹",
        _T.HEALTH,
        1.5,
    ),
    # breakup and love
    _Cue(r"헤어졌|헤어지|헤어진|이별|차였|차이고|잠수\s*이별|재회|환승", _T.BREAKUP, 3.5),
    _Cue(_ko_noun(r"전\s*남친|전\s*여친|전\s*남자\s*친구|전\s*여자\s*친구|전\s*애인"), _T.BREAKUP, 2.5),
    _Cue(_ko_noun(r"남자\s*친구|여자\s*친구|남친|여친|애인|연인"), _T.LOVE, 2),
    _Cue(r"짝사랑|연애|고백|썸(?:을|이|남|녀|타)|소개팅|권태기|바람\s*(?:을|이)?\s*(?:피|폈|났)", _T.LOVE, 2.5),
    # self-worth
    _Cue(
        r"자존감|자신감|열등감|자괴감|자기\s*혐오|한심|쓸모\s*(?:가)?\s*없|못났|못난\s*(?:나|사람|놈|애)|찌질|패배자|실패자|루저|비교\s*(?:가|를|하|돼|되)|나\s*(?:는|만)\s*왜",
        _T.SELF_WORTH,
        3,
    ),
    # loneliness
    _Cue(
        r"외로|쓸쓸|고독|혼자(?:라|인|야|여서|서|인\s*것)|아무도\s*(?:없|나를|날|연락)|연락\s*(?:할|올)\s*(?:사람|데)\s*(?:이|가)?\s*없|친구\s*(?:가|도)?\s*없",
        _T.LONELINESS,
        3,
    ),
    # money
    _Cue(
        r"월세|전세|보증금|관리비|공과금|대출|빚|카드\s*값|카드값|생활비|등록금|학자금|이자|적자|통장\s*잔고|파산|돈(?=$|[^가-힣]|[이을은도만에으]|\s*때문)|형편",
        _T.MONEY,
        3,
    ),
    _Cue(r"월급|연봉|용돈|적금|주식|코인", _T.MONEY, 1.5),
    # study
    _Cue(
        r"시험|수능|중간\s*고사|기말\s*고사|모의\s*고사|기말|중간고사|자격증|국가\s*고시|임용|공시|편입|입시|재수|성적|학점|과제|레포트|리포트|논문|공부|수업|학교|학원",
        _T.STUDY,
        2,
    ),
    # future
    _Cue(
        r"진로|취업|취준|구직|미래|앞날|전공|이직|커리어|면접|자소서|자기\s*소개서|꿈(?:이|을|은)|뭘\s*해야\s*할지|뭐\s*하고\s*살",
        _T.FUTURE,
        2.5,
    ),
    # work
    _Cue(_ko_noun(_KO_BOSS), _T.WORK, 2),
    _Cue(r"회사|직장|야근|업무|출근|퇴근|프로젝트|보고서|회의|실적|연차|월요일|퇴사|알바|아르바이트|사장", _T.WORK, 2),
    # family (a person alone is a light cue; a fight is a strong one)
    _Cue(_ko_noun(_KO_KIN), _T.FAMILY, 1),
    _Cue(r"가족|집안|시댁|처가|잔소리|명절|부모|효도", _T.FAMILY, 2),
    _Cue(r"싸웠|싸우|다퉜|다투|갈등|서운|섭섭|무시|소리\s*(?:를)?\s*질|말다툼|연락\s*(?:을)?\s*안", _T.FAMILY, 0.5),
    # friends
    _Cue(_ko_noun(_KO_FRIEND), _T.FRIENDS, 1.5),
    _Cue(
        r"단톡|손절|뒷담|따돌|왕따|무리에서|친구\s*(?:랑|와|하고|들과|들이랑)\s*(?:싸|다투|다퉜|멀어|어색)",
        _T.FRIENDS,
        2.5,
    ),
    # sleep
    _Cue(
        r"잠\s*(?:이|도|을)?\s*(?:안|잘\s*안|못)|잠들|불면|새벽\s*(?:에|까지)|뒤척|수면|깨(?:요|어|고)\s*(?:요)?\s*새벽|악몽",
        _T.SLEEP,
        2,
    ),
)

_EN_ILLNESS: Final = (
    r"\b(?:cancer|tumou?r|chemo(?:therapy)?|dementia|alzheimer'?s|stroke|icu|intensive\s+care|hospitali[sz]ed|"
    r"in\s+the\s+hospital|surgery|terminal(?:ly)?\s+ill|diagnos(?:ed|is)|sick|ill)\b"
)
_EN_CUES: Final = (
    _Cue(
        r"\b(?:passed\s+away|died|funeral|lost\s+my|grief|grieving|death\s+of|bereave\w*|rest\s+in\s+peace)\b",
        _T.GRIEF,
        4,
    ),
    _Cue(_EN_ILLNESS, _T.HEALTH, 3),
    _Cue(
        r"\b(?:doctors?|hospital|pain|headaches?|migraines?|back\s+hurts|health|symptoms?|test\s+results|my\s+body)\b",
        _T.HEALTH,
        1.5,
    ),
    _Cue(
        r"\b(?:broke\s+up|break\s*up|breakup|dumped|split\s+up|my\s+ex|ex-(?:boyfriend|girlfriend)|left\s+me)\b",
        _T.BREAKUP,
        3.5,
    ),
    _Cue(r"\b(?:boyfriend|girlfriend|partner|crush|dating|relationship|cheat(?:ed|ing)?|fianc[ée]e?)\b", _T.LOVE, 2),
    _Cue(
        r"\b(?:worthless|useless|not\s+good\s+enough|hate\s+myself|self[-\s]esteem|self[-\s]worth|confidence|a\s+failure|a\s+loser|compare\s+myself|inadequate|pathetic)\b",
        _T.SELF_WORTH,
        3,
    ),
    _Cue(r"\b(?:lonely|loneliness|alone|isolated|no\s+(?:one|friends)|nobody)\b", _T.LONELINESS, 3),
    _Cue(
        r"\b(?:(?:i'?m|am|so|flat)\s+broke|rent|money|debt|loans?|bills?|afford|mortgage|tuition|credit\s+card|savings|paycheck|salary|budget)\b",
        _T.MONEY,
        3,
    ),
    _Cue(
        r"\b(?:exams?|finals|midterms?|tests?|study(?:ing)?|grades?|homework|assignments?|thesis|school|college|university|class(?:es)?|gpa|sat)\b",
        _T.STUDY,
        2,
    ),
    _Cue(
        r"\b(?:career|future|job\s+hunt(?:ing)?|job\s+search|looking\s+for\s+(?:a\s+)?job|interviews?|major|what\s+to\s+do\s+with\s+my\s+life|résumé|resume|graduat\w+)\b",
        _T.FUTURE,
        2.5,
    ),
    _Cue(rf"\b(?:{_EN_BOSS})\b", _T.WORK, 2),
    _Cue(r"\b(?:work|job|office|overtime|deadline|shift|project|meeting|quit)\b", _T.WORK, 2),
    _Cue(rf"\b(?:{_EN_KIN})\b", _T.FAMILY, 1),
    _Cue(r"\b(?:family|in-laws?|nag(?:s|ging)?|siblings?)\b", _T.FAMILY, 2),
    _Cue(r"\b(?:fight|fought|argue[ds]?|arguing|argument|yelled)\b", _T.FAMILY, 0.5),
    _Cue(rf"\b(?:{_EN_FRIEND})\b", _T.FRIENDS, 1.5),
    _Cue(r"\b(?:group\s+chat|left\s+out|ghosted|excluded|falling\s+out|drifted\s+apart)\b", _T.FRIENDS, 2.5),
    _Cue(r"\b(?:sleep|insomnia|awake\s+at\s+night|can'?t\s+fall\s+asleep|nightmares?|wake\s+up\s+at)\b", _T.SLEEP, 2),
)

# --- anchors: the words said back, most specific first --------------------------------------------------------

_KO_ANCHORS: Final[dict[Topic, tuple[_Anchor, ...]]] = {
    Topic.WORK: (
        _Anchor(_ko_noun(_KO_BOSS)),
        _Anchor(r"야근|보고서|프로젝트|회의|실적|업무|퇴사|회사|직장|알바|아르바이트"),
        _Anchor(r"출근", "출근길"),
    ),
    Topic.STUDY: (
        _Anchor(
            r"수능|중간\s*고사|기말\s*고사|모의\s*고사|국가\s*고시|임용\s*시험|임용|공시|자격증\s*시험|자격증|편입|입시|재수"
        ),
        _Anchor(r"기말", "기말고사"),
        _Anchor(r"[가-힣]{0,4}시험|성적|학점|과제|레포트|리포트|논문|공부|수업|학교|학원"),
    ),
    Topic.BREAKUP: (_Anchor(r"이별|재회|잠수\s*이별"), _Anchor(r"헤어|차였|차이고|환승", "이별")),
    Topic.LOVE: (_Anchor(r"짝사랑|권태기|소개팅|고백|연애"), _Anchor(r"썸", "썸")),
    Topic.FAMILY: (_Anchor(r"시댁|처가|명절|잔소리|집안|가족"),),
    Topic.HEALTH: (
        _Anchor(r"[가-힣]{0,3}암\s*(?:진단|판정|수술|선고)|[가-힣]{1,3}암(?![가-힣])|암\s*진단|암(?![가-힣])"),
        _Anchor(r"치매|뇌졸중|항암|투병|수술|입원|중환자실|검사\s*결과|진단|두통|허리|디스크|통증|병원|건강"),
        _Anchor(r"머리\s*(?:가|도)?\s*(?:자주|너무|계속|많이)?\s*(?:아프|아파)", "두통"),
    ),
    Topic.MONEY: (
        _Anchor(
            r"월세|전세\s*보증금|전세|보증금|관리비|공과금|대출|빚|카드\s*값|생활비|등록금|학자금|이자|통장\s*잔고|적자|월급|연봉|용돈"
        ),
        _Anchor(r"돈", "돈"),
        _Anchor(r"형편", "형편"),
    ),
    Topic.SLEEP: (_Anchor(r"악몽", "악몽 꾸는 밤"), _Anchor(r"불면|잠|수면|새벽|뒤척", "잠 못 드는 밤")),
    Topic.LONELINESS: (
        _Anchor(r"외로", "외로움"),
        _Anchor(r"쓸쓸", "쓸쓸함"),
        _Anchor(r"고독", "고독"),
        _Anchor(r"혼자", "혼자라는 느낌"),
        _Anchor(r"아무도|연락할\s*사람|친구\s*(?:가|도)?\s*없", "곁에 아무도 없다는 느낌"),
    ),
    Topic.GRIEF: (_Anchor(r"장례|기일|49재"),),
    Topic.SELF_WORTH: (
        _Anchor(r"자존감|자신감|열등감|자괴감|자기\s*혐오"),
        _Anchor(r"한심", "한심하다는 생각"),
        _Anchor(r"쓸모", "쓸모없다는 생각"),
        _Anchor(r"못났|못난", "못났다는 생각"),
        _Anchor(r"비교", "남과 비교하는 마음"),
        _Anchor(r"실패자|패배자|루저", "실패자라는 생각"),
    ),
    Topic.FRIENDS: (_Anchor(r"단톡방|단톡|절친|베프|친구들|친구|동기|룸메이트|룸메"),),
    Topic.FUTURE: (_Anchor(r"진로|취업\s*준비|취업|취준|구직|이직|면접|자소서|전공|커리어|미래|앞날"),),
    Topic.ILLNESS: (),  # the illness's words are HEALTH's anchors; the person is `who`
}

_EN_ANCHORS: Final[dict[Topic, tuple[_Anchor, ...]]] = {
    Topic.WORK: (
        _Anchor(rf"\b(?:{_EN_BOSS})\b"),
        _Anchor(r"\b(?:overtime|deadlines?|project|meetings?|shifts?|office|job|work)\b"),
    ),
    Topic.STUDY: (
        _Anchor(
            r"\b(?:finals|midterms?|exams?|tests?|thesis|grades?|homework|assignments?|classes|school|college|university)\b"
        ),
        _Anchor(r"\bstudy(?:ing)?\b", "studying"),
    ),
    Topic.BREAKUP: (_Anchor(r"\b(?:broke\s+up|break\s*up|breakup|dumped|split\s+up|left\s+me)\b", "the breakup"),),
    Topic.LOVE: (_Anchor(r"\b(?:crush|relationship|dating)\b"),),
    Topic.FAMILY: (_Anchor(r"\b(?:in-laws?|family|siblings?)\b"),),
    Topic.HEALTH: (
        _Anchor(r"\b(?:cancer|tumou?r|dementia|alzheimer'?s|stroke|surgery|chemo(?:therapy)?)\b"),
        _Anchor(r"\b(?:test\s+results|diagnosis|headaches?|migraines?|pain|symptoms|health|hospital)\b"),
        _Anchor(r"\bdiagnosed\b", "diagnosis"),
    ),
    Topic.MONEY: (
        _Anchor(r"\b(?:rent|mortgage|debt|loans?|bills|tuition|credit\s+card|savings|paycheck|salary|budget)\b"),
        _Anchor(r"\b(?:money|afford)\b|\b(?:i'?m|am|so|flat)\s+broke\b", "money"),
    ),
    Topic.SLEEP: (
        _Anchor(r"\bnightmares?\b", "nights of bad dreams"),
        _Anchor(r"\b(?:insomnia|sleep|asleep|awake)\b", "sleepless nights"),
    ),
    Topic.LONELINESS: (
        _Anchor(r"\b(?:lonely|loneliness)\b", "loneliness"),
        _Anchor(r"\b(?:alone|isolated|no\s+one|nobody|no\s+friends)\b", "feeling alone"),
    ),
    Topic.GRIEF: (_Anchor(r"\bfuneral\b"),),
    Topic.SELF_WORTH: (
        _Anchor(r"\b(?:self[-\s]esteem|self[-\s]worth|confidence)\b"),
        _Anchor(r"\b(?:worthless|useless|not\s+good\s+enough|inadequate|pathetic)\b", "feeling *"),
        _Anchor(r"\b(?:a\s+failure|a\s+loser)\b", "feeling like *"),
        _Anchor(r"\bhate\s+myself\b", "hating yourself"),
        _Anchor(r"\bcompare\s+myself\b", "comparing yourself"),
    ),
    Topic.FRIENDS: (_Anchor(r"\b(?:group\s+chat|best\s+friend|friends?|roommate)\b"),),
    Topic.FUTURE: (
        _Anchor(r"\b(?:career|future|interviews?|major|résumé|resume)\b"),
        _Anchor(r"\b(?:job\s+hunt(?:ing)?|job\s+search|looking\s+for\s+(?:a\s+)?job)\b", "the job hunt"),
    ),
    Topic.ILLNESS: (),
}

# English nouns said back with a determiner: "my exam" → "your exam", "exam" → "the exam"; these take none.
_EN_BARE: Final = frozenset(
    {
        "cancer",
        "dementia",
        "alzheimer's",
        "alzheimers",
        "chemo",
        "chemotherapy",
        "debt",
        "money",
        "tuition",
        "sleep",
        "insomnia",
        "loneliness",
        "feeling alone",
        "studying",
        "dating",
        "self-esteem",
        "self esteem",
        "self-worth",
        "self worth",
        "confidence",
        "work",
        "health",
        "pain",
        "hating yourself",
        "comparing yourself",
        "the job hunt",
        "overtime",
        "school",
        "college",
        "finals",
        "midterms",
        "exams",
        "grades",
        "nightmares",
        "the breakup",
    }
)
_EN_DIAGNOSABLE: Final = frozenset({"cancer", "dementia", "alzheimer's", "alzheimers"})
_EN_YOUR: Final = frozenset(
    {
        "rent",
        "mortgage",
        "bills",
        "savings",
        "paycheck",
        "salary",
        "budget",
        "career",
        "future",
        "major",
        "résumé",
        "resume",
        "family",
        "in-laws",
        "boss",
        "manager",
        "crush",
        "relationship",
        "test results",
        "diagnosis",
        "thesis",
        "grades",
        "homework",
        "friends",
        "best friend",
        "roommate",
        "job",
        "credit card",
        "loan",
        "loans",
        "group chat",
        "siblings",
        "supervisor",
        "coworkers",
        "colleagues",
        "team lead",
    }
)


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


_KO_COMPILED: Final = tuple((re.compile(cue.pattern), cue) for cue in _KO_CUES)
_EN_COMPILED: Final = tuple((re.compile(cue.pattern, re.IGNORECASE), cue) for cue in _EN_CUES)
_KO_ILLNESS_RE: Final = re.compile(_KO_ILLNESS)
_EN_ILLNESS_RE: Final = re.compile(_EN_ILLNESS, re.IGNORECASE)
_KO_SELF_BODY: Final = re.compile(r"(?:내|제|나)\s*(?:몸|건강|머리|허리|배|속)")
_HANGUL: Final = re.compile(r"[가-힣]")


def _scores(text: str, korean: bool) -> dict[Topic, float]:
    scores = dict.fromkeys(Topic, 0.0)
    for pattern, cue in _KO_COMPILED if korean else _EN_COMPILED:
        hits = len(pattern.findall(text))
        if hits:
            scores[cue.topic] += cue.weight * min(hits, 2)
    return scores


def _who(text: str, korean: bool, topic: Topic | None = None) -> str | None:
    """The first person (or pet) a `topic` worry is about, said back: 엄마; "my mom" → "your mom"."""
    kinds = _WHO_KINDS.get(topic, _WHO_ANY) if topic is not None else _WHO_ANY
    if korean:
        found = re.search(_ko_noun(kinds[0]), text)
        return re.sub(r"\s+", " ", found.group()).strip() if found is not None else None
    found = re.search(rf"\b(?:{kinds[1]})\b", text, re.IGNORECASE)
    return f"your {found.group().lower()}" if found is not None else None


def _anchor(text: str, topic: Topic, korean: bool) -> str | None:
    """The words said back for `topic`: its most specific anchor found in `text`."""
    for anchor in (_KO_ANCHORS if korean else _EN_ANCHORS).get(topic, ()):
        found = re.search(anchor.pattern, text, 0 if korean else re.IGNORECASE)
        if found is not None:
            return _said_back(text, topic, korean, anchor, found)
    return None


_EN_SELF_REGARD: Final = frozenset({"self-esteem", "self esteem", "self-worth", "self worth", "confidence"})


def _said_back(text: str, topic: Topic, korean: bool, anchor: _Anchor, found: re.Match[str]) -> str:
    words = re.sub(r"\s+", " ", found.group()).strip()
    if anchor.phrase is not None:
        return anchor.phrase.replace("*", words.lower())  # "feeling *": the person's own adjective inside
    if korean:
        return _ko_low_self_worth(text, words) if topic is Topic.SELF_WORTH else words
    if topic is Topic.SELF_WORTH and words.lower() in _EN_SELF_REGARD:
        return f"low {words.lower()}"  # the worry is about it being low: said back as the worry
    noun = _english_noun(text, found.start(), words.lower())
    if topic is Topic.HEALTH and noun in _EN_DIAGNOSABLE and re.search(r"\bdiagnos", text, re.IGNORECASE):
        return f"{noun} diagnosis"  # "diagnosed with cancer": the cancer diagnosis
    return noun


def _ko_low_self_worth(text: str, words: str) -> str:
    """자존감/자신감 said back as the worry it is: 바닥난 자존감, 떨어진 자신감 (not the good thing itself)."""
    if words not in {"자존감", "자신감"}:
        return words
    for cue, said in (("바닥", "바닥난"), ("떨어", "떨어진"), ("무너", "무너진"), ("낮", "낮아진"), ("없", "사라진")):
        if re.search(rf"{words}\s*(?:이|도|은|가)?\s*(?:너무|많이|완전|진짜)?\s*{cue}", text):
            return f"{said} {words}"
    return f"흔들리는 {words}"


def _english_noun(text: str, start: int, noun: str) -> str:
    """ "my exam" → "your exam"; a bare noun gets the determiner it is said with."""
    before = text[max(0, start - 12) : start].lower()
    if re.search(r"\b(?:my|our)\s+$", before):
        return f"your {noun}"
    if noun in _EN_BARE:
        return noun
    if noun in _EN_YOUR:
        return f"your {noun}"
    return f"the {noun}"


_KO_PARTICLE_TAIL: Final = re.compile(
    r"(?:이랑|하고|에서|에게|한테|으로|까지|부터|처럼|보다|때문에|이라|이나|라서|이|가|은|는|을|를|의|도|에|와|과|랑|로|만)$"
)
_KO_STOP: Final = frozenset(
    {
        "요즘",
        "오늘",
        "어제",
        "내일",
        "그냥",
        "정말",
        "진짜",
        "너무",
        "마음",
        "생각",
        "고민",
        "문제",
        "사람",
        "이거",
        "그거",
        "저거",
        "이게",
        "그게",
        "우리",
        "제가",
        "내가",
        "나는",
        "저는",
        "이번",
        "지금",
        "자꾸",
        "계속",
        "항상",
        "매일",
        "하루",
        "거의",
        "조금",
        "많이",
        "혹시",
        "어떻게",
        "이렇게",
        "그렇게",
        "때문",
        "기분",
        "상황",
        "느낌",
        "아무것",
        "아무도",
        "무엇",
        "뭔가",
        "이것",
        "그것",
        "저것",
        "여기",
        "거기",
        "모두",
        "다들",
        "자신",
        "스스로",
    }
)
_EN_STOP: Final = frozenset(
    {
        "i",
        "me",
        "my",
        "myself",
        "it",
        "this",
        "that",
        "what",
        "how",
        "should",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "to",
        "of",
        "in",
        "on",
        "for",
        "about",
        "really",
        "so",
        "very",
        "just",
        "feel",
        "feeling",
        "lately",
        "today",
        "thing",
        "things",
        "something",
        "anything",
        "everything",
        "life",
        "way",
        "time",
        "people",
        "someone",
        "one",
    }
)


def _general_phrase(text: str, korean: bool) -> str | None:
    """Nothing recognised: the first noun-like word the person wrote (a word before a particle), if any."""
    if korean:
        for written in text.split():
            token = re.sub(r"[^가-힣]", "", written)
            stem = _KO_PARTICLE_TAIL.sub("", token) if len(token) > 2 else token
            if len(stem) >= 2 and stem != token and stem not in _KO_STOP:
                return stem
        return None
    found = re.search(r"\b(?:my|our|about|with|the)\s+((?:new\s+|old\s+)?[a-z]{3,})\b", text, re.IGNORECASE)
    if found is not None and found.group(1).lower() not in _EN_STOP:
        noun = found.group(1).lower()
        return f"your {noun}" if found.group().lower().startswith(("my", "our")) else f"the {noun}"
    return None


def read_worry(text: str) -> WorryTopic:
    """The topic of `text` (Korean or English), a second one if it has its own cues, and the words to say back."""
    normalized = _normalized(text)
    if not normalized:
        return GENERAL
    korean = _HANGUL.search(normalized) is not None
    scores = _scores(normalized, korean)
    who: str | None = None
    illness = (_KO_ILLNESS_RE if korean else _EN_ILLNESS_RE).search(normalized) is not None
    if scores[Topic.HEALTH] > 0 and scores[Topic.GRIEF] == 0:
        person = _who(normalized, korean, Topic.ILLNESS)
        own_body = korean and _KO_SELF_BODY.search(normalized) is not None
        if person is not None and (illness or not own_body):
            # "엄마가 암 진단을 받았어": someone else's illness; the person counts for it, not as a family quarrel
            scores[Topic.ILLNESS] = scores[Topic.HEALTH] + 1
            scores[Topic.HEALTH] = 0
            scores[Topic.FAMILY] = min(scores[Topic.FAMILY], 1)
            scores[Topic.FRIENDS] = min(scores[Topic.FRIENDS], 1)
            who = person
    ranked = sorted(Topic, key=lambda topic: (-scores[topic], _PRIORITY.index(topic)))
    top = ranked[0]
    if scores[top] <= 0:
        return WorryTopic(topic=Topic.GENERAL, phrase=_general_phrase(normalized, korean))
    second = next(
        (t for t in ranked[1:] if scores[t] >= _SECONDARY_MIN and not _same_story(top, t)),
        None,
    )
    if top in {Topic.GRIEF, Topic.BREAKUP, Topic.LOVE, Topic.FAMILY, Topic.FRIENDS, Topic.WORK} and who is None:
        who = _who(normalized, korean, top)
    anchor_topic = Topic.HEALTH if top is Topic.ILLNESS else top
    phrase = _anchor(normalized, anchor_topic, korean)
    if phrase is not None and top is Topic.ILLNESS and not korean:
        # said as "your mom's cancer diagnosis": the bare noun, without the determiner it had on its own
        phrase = re.sub(r"^(?:the|your) ", "", phrase)
        phrase = "hospital stay" if phrase == "hospital" else phrase
    if phrase is None and who is not None and top in {Topic.FAMILY, Topic.FRIENDS, Topic.LOVE, Topic.WORK}:
        phrase = who.removeprefix("your ") if korean else who
    return WorryTopic(topic=top, secondary=second, phrase=phrase, who=who)


def _same_story(top: Topic, other: Topic) -> bool:
    """Topics that go together as one situation: a breakup is about a partner, a loved one's illness names a
    family member, a friend is part of loneliness; none of these is a second worry."""
    together = {
        frozenset({Topic.BREAKUP, Topic.LOVE}),
        frozenset({Topic.ILLNESS, Topic.FAMILY}),
        frozenset({Topic.ILLNESS, Topic.HEALTH}),
        frozenset({Topic.GRIEF, Topic.FAMILY}),
        frozenset({Topic.GRIEF, Topic.HEALTH}),
        frozenset({Topic.LONELINESS, Topic.FRIENDS}),
        frozenset({Topic.FAMILY, Topic.LOVE}),
        frozenset({Topic.WORK, Topic.FUTURE}),
        frozenset({Topic.STUDY, Topic.FUTURE}),
    }
    return frozenset({top, other}) in together
