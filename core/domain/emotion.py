"""An offline emotion reading for Korean and English text, so replies can fit the feeling without a model.

It is a weighted lexicon, not a model: each cue adds its weight to one emotion, an intensifier right before a cue
raises it, and a negation ("안 괜찮아", "괜찮지 않아", "not happy") either flips a good feeling into a bad one or
cancels a bad one ("안 슬퍼" is not sadness). The result is deterministic.

Some feelings are one of the six read more finely — low self-worth, emptiness, guilt, loneliness (all sadness) —
and a text can hold two feelings at once (시원섭섭, "기쁘면서도 불안해"): the reading names that as its `nuance`,
so a reply can answer it ("자존감이 바닥이다" is sadness about oneself, not a calm day).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Emotion(StrEnum):
    JOY = "joy"
    CALM = "calm"
    SADNESS = "sadness"
    ANXIETY = "anxiety"
    ANGER = "anger"
    TIREDNESS = "tiredness"

    @property
    def korean_name(self) -> str:
        return _KOREAN_NAMES[self]


_KOREAN_NAMES: Final = {
    Emotion.JOY: "기쁨",
    Emotion.CALM: "평온",
    Emotion.SADNESS: "슬픔",
    Emotion.ANXIETY: "불안",
    Emotion.ANGER: "분노",
    Emotion.TIREDNESS: "지침",
}


class Nuance(StrEnum):
    """A finer reading of the feeling, or two feelings at once."""

    SELF_WORTH = "self_worth"
    EMPTINESS = "emptiness"
    GUILT = "guilt"
    LONELINESS = "loneliness"
    MIXED = "mixed"


@dataclass(frozen=True, kw_only=True)
class EmotionReading:
    """`intensity` runs 1 (faint) to 5 (overwhelming); `confident` is False when the cues were weak or mixed."""

    emotion: Emotion
    intensity: int
    confident: bool
    nuance: Nuance | None = None


NEUTRAL: Final = EmotionReading(emotion=Emotion.CALM, intensity=1, confident=False)


@dataclass(frozen=True)
class _Cue:
    pattern: str
    emotion: Emotion
    weight: float
    negated: Emotion | None = None  # what the cue means when denied; None: the denial just cancels it
    nuance: Nuance | None = None


_E = Emotion
_N = Nuance
_HANGUL_BEFORE: Final = r"(?<![가-힣])"  # the cue starts a word, so "대화가 나" is not "화가 나"

# --- Korean ---------------------------------------------------------------------------------------
# Stems, so conjugations match: 불안하다/불안해/불안했어, 외로워/외롭다, 화나/화가 나.

_KO_CUES: Final = (
    # joy
    _Cue(r"행복", _E.JOY, 2, _E.SADNESS),
    _Cue(r"기(?:쁘|뻐|뻤|쁜|쁨)", _E.JOY, 2, _E.SADNESS),
    _Cue(r"신(?:나|났|난)", _E.JOY, 2, _E.SADNESS),
    _Cue(r"즐(?:거|겁)", _E.JOY, 2, _E.SADNESS),
    _Cue(r"설(?:레|렌|렜|렘)", _E.JOY, 2, _E.SADNESS),
    _Cue(r"뿌듯", _E.JOY, 2, _E.SADNESS),
    _Cue(r"기분\s*(?:이|은|이\s*너무|이\s*정말)?\s*좋", _E.JOY, 2, _E.SADNESS),
    _Cue(r"합격", _E.JOY, 2),
    _Cue(r"재미\s*있|재밌", _E.JOY, 1, _E.SADNESS),
    _Cue(r"감사|고마", _E.JOY, 1),
    _Cue(r"최고", _E.JOY, 1),
    _Cue(r"웃(?:겨|겼|었|음)", _E.JOY, 1),
    _Cue(r"[ㅋㅎᄏᄒ]{2,}", _E.JOY, 0.5),  # NFKC turns the compatibility jamo ㅋ into the conjoining ᄏ
    # calm
    _Cue(r"평온", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"차분", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"(?<!불)편(?:안|해|하|했)", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"(?<!불)안정", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"평화", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"안심", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"홀가분|후련", _E.CALM, 2, _E.SADNESS),
    _Cue(r"느긋|여유", _E.CALM, 1.5, _E.ANXIETY),
    _Cue(r"마음\s*(?:이)?\s*놓", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"괜찮", _E.CALM, 1.5, _E.SADNESS),
    # sadness
    _Cue(r"우울", _E.SADNESS, 3),
    _Cue(r"슬(?:프|퍼|펐|픈|픔)", _E.SADNESS, 2),
    _Cue(r"외(?:로|롭)", _E.SADNESS, 2, nuance=_N.LONELINESS),
    _Cue(
        r"쓸쓸|고독|혼자(?:라는|인\s*것\s*같|라서|여서)|아무도\s*(?:없|나를|날|연락)",
        _E.SADNESS,
        2,
        nuance=_N.LONELINESS,
    ),
    _Cue(r"눈물", _E.SADNESS, 2),
    _Cue(_HANGUL_BEFORE + r"울(?:었|고|어|컥|음|적)", _E.SADNESS, 2),
    _Cue(r"허전|공허|허무|텅\s*(?:빈|비었|비어)|무의미|의미\s*(?:가|도)?\s*없", _E.SADNESS, 2, nuance=_N.EMPTINESS),
    _Cue(r"아무\s*(?:느낌|감정|생각)\s*(?:도|이)?\s*(?:없|안\s*(?:들|든|느껴))", _E.SADNESS, 2, nuance=_N.EMPTINESS),
    _Cue(r"서운|섭섭|속상", _E.SADNESS, 2),
    _Cue(r"상처", _E.SADNESS, 2),
    _Cue(r"비참|절망", _E.SADNESS, 3),
    _Cue(r"괴로", _E.SADNESS, 2),
    _Cue(r"실망|후회", _E.SADNESS, 2),
    _Cue(r"자책|죄책감|죄스럽|내\s*(?:탓|잘못)|미안(?:하|해|했|한)|잘못했", _E.SADNESS, 2, nuance=_N.GUILT),
    # low self-worth: sadness about oneself ("자존감이 바닥이다" is no calm day)
    _Cue(
        r"자존감\s*(?:이|도|은)?\s*(?:너무|완전|진짜|많이)?\s*(?:바닥|낮|떨어|무너|없)",
        _E.SADNESS,
        3,
        nuance=_N.SELF_WORTH,
    ),
    _Cue(r"자신감\s*(?:이|도|은)?\s*(?:너무|완전|진짜|많이)?\s*(?:바닥|떨어|없)", _E.SADNESS, 2, nuance=_N.SELF_WORTH),
    _Cue(
        r"열등감|자괴감|자기\s*혐오|한심|쓸모\s*(?:가)?\s*없|못났|못난\s*(?:나|사람|놈|애)|초라|찌질|나\s*(?:는|만)\s*왜",
        _E.SADNESS,
        2,
        nuance=_N.SELF_WORTH,
    ),
    # a mood that sank; an anger or a tension that settled is calm instead (below)
    _Cue(r"가라앉|축\s*(?:처지|쳐지)|처진다|처졌", _E.SADNESS, 2),
    _Cue(
        r"(?:화|분노|흥분|긴장|열)\s*(?:이|가|도)?\s*(?:좀|조금|많이|다)?\s*(?:가라앉|풀렸|풀리)|차분(?:하게|히)\s*가라앉",
        _E.CALM,
        2,
    ),
    # two feelings at once
    _Cue(r"시원\s*섭섭|만감\s*(?:이)?\s*교차|씁쓸", _E.SADNESS, 1.5, nuance=_N.MIXED),
    _Cue(
        r"싱숭생숭|(?:마음|기분|감정)\s*(?:이)?\s*복잡|복잡한\s*(?:마음|기분|감정)|심란",
        _E.ANXIETY,
        1.5,
        nuance=_N.MIXED,
    ),
    _Cue(r"헤어졌|이별", _E.SADNESS, 2),
    _Cue(r"그(?:리워|립|리움)|보고\s*싶", _E.SADNESS, 1),
    _Cue(r"재미\s*없", _E.SADNESS, 1),
    _Cue(r"힘들|힘드", _E.SADNESS, 1),
    _Cue(r"[ㅠㅜ]{2,}", _E.SADNESS, 1),
    # anxiety
    _Cue(r"불안", _E.ANXIETY, 3),
    _Cue(r"공황", _E.ANXIETY, 3),
    _Cue(r"걱정", _E.ANXIETY, 2, _E.CALM),
    _Cue(r"초조|긴장|조마조마", _E.ANXIETY, 2),
    _Cue(r"무(?:서|섭)|두(?:려|렵)", _E.ANXIETY, 2),
    _Cue(r"겁\s*(?:이|나|난|났)", _E.ANXIETY, 2),
    _Cue(r"막막", _E.ANXIETY, 2),
    _Cue(r"떨(?:려|리|렸)", _E.ANXIETY, 1),
    _Cue(r"답답", _E.ANXIETY, 1),
    _Cue(r"불편", _E.ANXIETY, 1.5),
    _Cue(r"스트레스", _E.ANXIETY, 1.5),
    _Cue(r"잠\s*(?:이|도)?\s*(?:안|잘\s*안)\s*(?:와|오|옴|온|와요)|불면", _E.ANXIETY, 2),
    _Cue(r"심장\s*(?:이)?\s*(?:두근|쿵쾅|빨리)|숨\s*(?:이)?\s*(?:막|안\s*쉬)", _E.ANXIETY, 2),
    # anger
    _Cue(_HANGUL_BEFORE + r"화\s*(?:가|가\s*너무|가\s*정말|가\s*진짜)?\s*(?:나|났|난)", _E.ANGER, 2),
    _Cue(r"짜증", _E.ANGER, 2),
    _Cue(r"열\s*(?:이)?\s*받", _E.ANGER, 2),
    _Cue(r"빡(?:치|쳐|침|쳤)|분노|분통|증오", _E.ANGER, 3),
    _Cue(r"억울|원망|약\s*오르", _E.ANGER, 2),
    _Cue(_HANGUL_BEFORE + r"미(?:워|웠|움)|" + _HANGUL_BEFORE + r"밉", _E.ANGER, 2),
    _Cue(r"어이\s*없|황당", _E.ANGER, 1.5),
    # tiredness
    _Cue(r"번아웃|녹초|탈진", _E.TIREDNESS, 3),
    _Cue(r"피곤", _E.TIREDNESS, 2),
    _Cue(_HANGUL_BEFORE + r"지(?:쳐|쳤|친)", _E.TIREDNESS, 2),
    _Cue(r"무기력", _E.TIREDNESS, 2),
    _Cue(r"(?:기운|의욕|힘)\s*(?:이|도)?\s*없", _E.TIREDNESS, 2),
    _Cue(r"잠\s*(?:을)?\s*못\s*(?:자|잤|잔)|못\s*잤", _E.TIREDNESS, 2),
    _Cue(r"쉬고\s*싶", _E.TIREDNESS, 2),
    _Cue(r"과로|버겁|버거", _E.TIREDNESS, 2),
    _Cue(r"졸(?:려|리|림|렸)", _E.TIREDNESS, 1),
    _Cue(r"지(?:겹|겨)|귀찮|야근", _E.TIREDNESS, 1),
)

# --- English --------------------------------------------------------------------------------------

_EN_CUES: Final = (
    # joy
    _Cue(r"\b(?:happy|happier|glad|joyful|delighted|excited)\b", _E.JOY, 2, _E.SADNESS),
    _Cue(r"\b(?:thrilled|overjoyed|ecstatic)\b", _E.JOY, 3, _E.SADNESS),
    _Cue(r"\bproud\b", _E.JOY, 2, _E.SADNESS),
    _Cue(r"\bfeel(?:s|ing)?\s+(?:good|great|amazing)\b", _E.JOY, 2, _E.SADNESS),
    _Cue(r"\b(?:grateful|thankful|awesome|amazing|wonderful|fun|yay)\b", _E.JOY, 1, _E.SADNESS),
    _Cue(r"\b(?:lol|haha+)\b", _E.JOY, 0.5),
    # calm
    _Cue(r"\b(?:calm|relaxed|peaceful|serene|at\s+peace)\b", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"\b(?:relieved|content)\b", _E.CALM, 2, _E.ANXIETY),
    _Cue(r"\b(?:okay|ok|alright|all\s+right|fine)\b", _E.CALM, 1.5, _E.SADNESS),
    # sadness
    _Cue(r"\b(?:depressed|depression|miserable|hopeless|heartbroken|grief|grieving)\b", _E.SADNESS, 3),
    _Cue(r"\b(?:sad|unhappy|upset|disappointed|regret)\b", _E.SADNESS, 2),
    _Cue(r"\b(?:lonely|loneliness|isolated)\b", _E.SADNESS, 2, nuance=_N.LONELINESS),
    _Cue(r"\b(?:empty|hollow|numb|pointless|meaningless)\b", _E.SADNESS, 2, nuance=_N.EMPTINESS),
    _Cue(r"\b(?:guilty|guilt|ashamed|my\s+fault|blame\s+myself)\b", _E.SADNESS, 2, nuance=_N.GUILT),
    _Cue(
        r"\b(?:worthless|useless|not\s+good\s+enough|hate\s+myself|a\s+failure|a\s+loser|pathetic|inadequate)\b"
        r"|\blow\s+self[-\s](?:esteem|worth)\b|\bself[-\s]esteem\s+is\s+(?:so\s+)?(?:low|gone|shot)\b",
        _E.SADNESS,
        3,
        nuance=_N.SELF_WORTH,
    ),
    _Cue(r"\b(?:bittersweet|mixed\s+feelings|conflicted|torn)\b", _E.SADNESS, 1.5, nuance=_N.MIXED),
    _Cue(r"\b(?:cry|crying|cried|tears)\b", _E.SADNESS, 2),
    _Cue(r"\bfeel(?:s|ing)?\s+(?:so\s+|really\s+)?down\b", _E.SADNESS, 2),
    _Cue(r"\b(?:hurt|miss|missing)\b", _E.SADNESS, 1),
    _Cue(r"\balone\b", _E.SADNESS, 1, nuance=_N.LONELINESS),
    # anxiety
    _Cue(r"\b(?:anxious|anxiety|panic|panicking)\b", _E.ANXIETY, 3),
    _Cue(r"\b(?:worr(?:y|ies|ied|ying)|nervous|scared|afraid|frightened|fear|uneasy|dread)\b", _E.ANXIETY, 2, _E.CALM),
    _Cue(r"\boverwhelmed\b", _E.ANXIETY, 2),
    _Cue(r"\b(?:can'?t|cannot|couldn'?t)\s+sleep\b|\binsomnia\b|\btrouble\s+sleeping\b", _E.ANXIETY, 2),
    _Cue(r"\b(?:stressed|stress|stressful|tense)\b", _E.ANXIETY, 1.5),
    # anger
    _Cue(r"\b(?:furious|rage|pissed|livid)\b", _E.ANGER, 3),
    _Cue(r"\b(?:angry|anger|mad|annoyed|annoying|irritated|frustrated|frustrating|hate|resent)\b", _E.ANGER, 2),
    _Cue(r"\bfed\s+up\b", _E.ANGER, 2),
    _Cue(r"\bunfair\b", _E.ANGER, 1),
    # tiredness
    _Cue(r"\b(?:exhausted|burn(?:ed|t)\s+out|burnout)\b", _E.TIREDNESS, 3),
    _Cue(r"\b(?:tired|drained|worn\s+out|fatigued?|no\s+energy)\b", _E.TIREDNESS, 2),
    _Cue(r"\bsleepy\b", _E.TIREDNESS, 1),
)

# --- emoji (any language) -------------------------------------------------------------------------

_EMOJI_CUES: Final = (
    _Cue(r"[😊😄😁😆🥰😍🤗🥳🎉]", _E.JOY, 1),
    _Cue(r"[😌🙂☺🍃]", _E.CALM, 1),
    _Cue(r"[😭😢😞😔🥺💔]", _E.SADNESS, 1.5),
    _Cue(r"[😰😨😱😟😧]", _E.ANXIETY, 1.5),
    _Cue(r"[😡😠🤬💢]", _E.ANGER, 1.5),
    _Cue(r"[😴🥱😩😫]", _E.TIREDNESS, 1.5),
)

_CUES: Final = _KO_CUES + _EN_CUES + _EMOJI_CUES
_COMPILED: Final = tuple((re.compile(cue.pattern), cue) for cue in _CUES)

_INTENSIFIER: Final = (
    r"너무|진짜|정말|완전|엄청|매우|아주|되게|넘|몹시|많이|극도로|미치도록|죽도록"
    r"|very|so|really|extremely|super|too|totally|incredibly|terribly|absolutely|deeply"
)
# Intensifiers directly before a cue ("너무 불안해", "so so tired"), counted from the cue backwards.
_INTENSIFIERS_BEFORE: Final = re.compile(rf"(?:(?<![a-z])(?:{_INTENSIFIER})\s*){{1,3}}$")
_ONE_INTENSIFIER: Final = re.compile(rf"(?<![a-z])(?:{_INTENSIFIER})")

# Denials before a cue: Korean 안/못 as their own word ("안 괜찮아", not 불안), English not/n't/never within two words.
_NEGATED_BEFORE: Final = re.compile(
    r"(?:(?:^|[^가-힣])(?:안|못|별로\s*안)\s*$)"
    r"|(?:(?:\bnot|n't|\bnever|\bno|\bdont|\bcant|\bisnt|\barent|\bwasnt|\bhardly)\s+(?:[\w']+\s+){0,2}$)"
)
# Denials right after a Korean cue (used with .match):
# 괜찮지 않아, 행복하지도 않아, 슬프진 않아, 행복한 건 아니야, 걱정이 없어.
_NEGATED_AFTER: Final = re.compile(
    r"(?:[가-힣]{0,3}?(?:지|진)\s*(?:는|도|가|를)?\s*(?:않|못))"
    r"|(?:[가-힣]{0,2}\s*(?:건|게|것은|거는|거)\s*아니)"
    r"|(?:\s*(?:이|가|은|는|도)?\s*없)"
)
# "never felt so happy", "never been this anxious": "never" that raises a feeling rather than denying it.
_NEVER_SO_BEFORE: Final = re.compile(r"\bnever\s+(?:[\w']+\s+){0,2}(?:so|this|that|more|as)\s+$")
_EMPHASIS: Final = re.compile(r"!{2,}")
_LOOK_BACK: Final = 40

# Ties go to the feeling that most needs care.
_PRIORITY: Final = (_E.SADNESS, _E.ANXIETY, _E.ANGER, _E.TIREDNESS, _E.JOY, _E.CALM)


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text.lower()).strip()


def _matches(text: str) -> list[tuple[int, int, _Cue]]:
    """Every cue occurrence, longest first where two overlap, so one stretch of text counts once."""
    found = [
        (m.start(), m.end(), cue) for pattern, cue in _COMPILED for m in pattern.finditer(text) if m.end() > m.start()
    ]
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, _Cue]] = []
    reached = 0
    for start, end, cue in found:
        if start >= reached:
            kept.append((start, end, cue))
            reached = end
    return kept


def _scores(text: str) -> tuple[dict[Emotion, float], dict[Nuance, float]]:
    """Each emotion's score, and each nuance's (a nuance counts only where its cue was read as meant)."""
    scores = dict.fromkeys(Emotion, 0.0)
    nuances: dict[Nuance, float] = {}
    for start, end, cue in _matches(text):
        window = max(0, start - _LOOK_BACK)  # only the words right before a cue matter; keeps long texts cheap
        denial = _NEGATED_BEFORE.search(text, window, start)
        emphatic_never = _NEVER_SO_BEFORE.search(text, window, start) is not None
        if emphatic_never:
            denial = None
        negated = denial is not None or _NEGATED_AFTER.match(text, end, end + _LOOK_BACK) is not None
        emphasis = _INTENSIFIERS_BEFORE.search(text, window, denial.start() if denial else start)
        boost = len(_ONE_INTENSIFIER.findall(emphasis.group())) if emphasis else 0
        boost += 1 if emphatic_never else 0
        weight = cue.weight * (1 + 0.5 * min(boost, 2))
        target = cue.negated if negated else cue.emotion
        if target is not None:
            scores[target] += weight
        if cue.nuance is not None and not negated:
            nuances[cue.nuance] = nuances.get(cue.nuance, 0.0) + weight
    return scores, nuances


# Two feelings are read as mixed when the second is a real feeling of its own, at least this share of the first.
_MIXED_SHARE: Final = 0.6
_MIXED_FLOOR: Final = 1.5


def classify(text: str) -> EmotionReading:
    """Read the strongest feeling in `text`; with no cue at all, the neutral reading (calm, 1, not confident)."""
    normalized = _normalized(text)
    scores, nuances = _scores(normalized)
    ranked = sorted(Emotion, key=lambda emotion: (-scores[emotion], _PRIORITY.index(emotion)))
    top, runner_up = ranked[0], ranked[1]
    score = scores[top]
    if score <= 0:
        return NEUTRAL
    intensity = 1 + int(score // 1.5) + (1 if _EMPHASIS.search(normalized) else 0)
    confident = score >= 1.5 and score >= 2 * scores[runner_up]
    two_feelings = scores[runner_up] >= max(_MIXED_FLOOR, _MIXED_SHARE * score)
    nuance = (
        Nuance.MIXED
        if two_feelings or Nuance.MIXED in nuances
        else max(nuances, key=lambda n: (nuances[n], n.value))
        if nuances
        else None
    )
    return EmotionReading(emotion=top, intensity=max(1, min(5, intensity)), confident=confident, nuance=nuance)
