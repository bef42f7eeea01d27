"""What a plain direct message is: small talk, a request for one of the bot's verbs, or a worry.

Rules first, where they are certain (a lone number, a message of only emoji or punctuation), then a nearest-
neighbour vote over the labelled intent set the project ships (core/data/intents/): character n-grams (1–3 within
a word, TF-IDF weighted, cosine similarity), which see through Korean endings (고마워, 고마워요, 고맙습니다) and
typing variations without a tokenizer. Two guards keep the vote honest where a mistake costs the person most:

- small talk is short: a long message that votes "thanks" ("친구가 고맙다는 말도 안 해서 서운해 …") is a worry;
- a verb is asked for only in its own words (일기/diary, 알려줘/remind, 통계/stats, 초대/invite, 포인트/points,
  도움말/help): a message without them is never routed to a verb, whatever it resembles.

A reading is `sure` when the vote is clear; an unsure request is confirmed with the person (or, with a model
configured, decided by it), an unsure small talk is taken as a worry — a worry answered as small talk would be the
worse mistake.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from core.domain.intents.requests import diary_entry, reminder_request


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    BYE = "bye"
    REACTION = "reaction"  # ㅠㅠ, ㅋㅋ, 헐, ok, an emoji
    NUMBER = "number"  # a lone number: a button pressed too late, or typed by habit
    DIARY = "diary"
    REMIND = "remind"
    STATS = "stats"
    INVITE = "invite"
    POINTS = "points"
    HELP = "help"
    WORRY = "worry"


SMALL_TALK: Final = frozenset({Intent.GREETING, Intent.THANKS, Intent.BYE, Intent.REACTION})
REQUESTS: Final = frozenset({Intent.DIARY, Intent.REMIND, Intent.STATS, Intent.INVITE, Intent.POINTS, Intent.HELP})


@dataclass(frozen=True, kw_only=True)
class Example:
    intent: Intent
    lang: str
    text: str


@dataclass(frozen=True, kw_only=True)
class IntentReading:
    intent: Intent
    sure: bool
    share: float = 1.0  # the winning intent's part of the neighbours' vote (1.0 for a rule)
    runner_up: Intent | None = None  # the next intent in the vote: what an unsure reading may also be


# --- normalising ------------------------------------------------------------------------------------------------

_REPEATS: Final = re.compile(r"(.)\1{2,}")  # ㅋㅋㅋㅋ → ㅋㅋ, 고마워~~~ → 고마워~~
_PUNCT: Final = re.compile(r"[\s.,!?~;:…·\"“”()\[\]\-_/*^]+")
_HANGUL: Final = re.compile(r"[가-힣]")
_LETTER: Final = re.compile(r"[^\W\d_]")  # any letter, jamo included
_NUMBER: Final = re.compile(r"#?\s*\d{1,6}\s*(번|번째|번요|번이요|no\.?)?[.!?]*", re.IGNORECASE)
_JAMO_ONLY: Final = re.compile(r"[ㄱ-ㅎㅏ-ㅣ\s.,!?~]+")


def normalize(text: str) -> str:
    """The text as the model compares it: NFC, lower case, runs of one letter cut to two, no punctuation."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("‘", "'").strip()
    text = _REPEATS.sub(r"\1\1", text)
    return " ".join(_PUNCT.sub(" ", text).split())


def is_lone_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(unicodedata.normalize("NFKC", text).strip()))


def has_letters(text: str) -> bool:
    return bool(_LETTER.search(text))


def korean(text: str) -> bool:
    return bool(_HANGUL.search(text))


def words(text: str) -> list[str]:
    return normalize(text).split()


# --- the model --------------------------------------------------------------------------------------------------


def _grams(text: str) -> Counter[str]:
    """Character 1–3-grams inside each word, the word's edges marked (" 고마", "워 "), and each whole word."""
    grams: Counter[str] = Counter()
    for word in normalize(text).split():
        padded = f" {word} "
        for n in (1, 2, 3):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1) if padded[i : i + n].strip())
        grams[f"w:{word}"] += 1
    return grams


class IntentModel:
    """Nearest neighbours over the labelled examples (TF-IDF character n-grams, cosine)."""

    NEIGHBOURS: Final = 5

    def __init__(self, examples: Sequence[Example]) -> None:
        if not examples:
            raise ValueError("an intent model needs examples")
        self._intents = [e.intent for e in examples]
        counted = [_grams(e.text) for e in examples]
        documents: Counter[str] = Counter()
        for grams in counted:
            documents.update(grams.keys())
        total = len(counted)
        self._idf = {g: math.log((1 + total) / (1 + df)) + 1.0 for g, df in documents.items()}
        self._index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for row, grams in enumerate(counted):
            for gram, weight in self._vector(grams).items():
                self._index[gram].append((row, weight))

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        weighted = {g: (1.0 + math.log(c)) * self._idf[g] for g, c in grams.items() if g in self._idf}
        norm = math.sqrt(sum(w * w for w in weighted.values()))
        return {g: w / norm for g, w in weighted.items()} if norm else {}

    def neighbours(self, text: str) -> list[tuple[Intent, float]]:
        """The closest examples' intents with their cosine similarity, closest first."""
        similarity: dict[int, float] = defaultdict(float)
        for gram, weight in self._vector(_grams(text)).items():
            for row, other in self._index.get(gram, ()):
                similarity[row] += weight * other
        best = sorted(similarity.items(), key=lambda item: (-item[1], item[0]))[: self.NEIGHBOURS]
        return [(self._intents[row], score) for row, score in best]

    def vote(self, text: str) -> list[tuple[Intent, float]]:
        """Intents by their share of the neighbours' similarity, highest first."""
        tally: dict[Intent, float] = defaultdict(float)
        for intent, score in self.neighbours(text):
            tally[intent] += score
        whole = sum(tally.values())
        if not whole:
            return []
        return sorted(((i, s / whole) for i, s in tally.items()), key=lambda item: (-item[1], item[0].value))


# --- small talk, by its words ---------------------------------------------------------------------------------

# Small talk is a closed set of expressions: a message made only of them (and of a few words that only soften
# them: 마음아, 정말, so, again) is small talk for certain, whatever the neighbours say. Korean words are matched by
# their stem, so endings vary freely (고마워, 고마워요, 고맙습니다, 고마웡). A word outside them (시험, 잠, exam)
# makes the message something more.
_W: Final = r"(?<!\S)"  # a word starts here
_E: Final = r"(?!\S)"  # a word ends here
_KO_END: Final = r"\S*"  # any Korean ending on a stem

_SMALL_TALK_WORDS: Final = {
    Intent.BYE: (
        rf"안녕히{_KO_END}(\s(계세요|계십시오|가세요|주무세요|주무십시오){_KO_END})?",
        rf"잘\s?(자|가){_KO_END}",
        rf"(다음|나중|내일|이따|또|모레)(에)?(\s또)?\s(봐|봬|뵈|뵙|보자|만나|올게|올께|와|얘기|이야기|대화){_KO_END}",
        rf"(내일|이따|또)\s?봐{_KO_END}",
        rf"(그럼\s)?이만{_KO_END}(\s(갈게|가볼게|줄일게|잘게){_KO_END})?",
        rf"(이제\s)?(가\s?볼게|갈게|잘게|자러\s갈게|들어갈게|나갈게|쉴게|자야겠다|자야지){_KO_END}",
        rf"(바이|빠이|바이바이|빠빠이|굿\s?나잇|굿밤){_KO_END}",
        rf"좋은\s(밤|꿈|하루|주말|저녁\s보내){_KO_END}(\s(보내|꿔|꾸|되|돼){_KO_END})?",
        rf"(오늘은\s)?여기까지{_KO_END}",
        r"good\s?bye|bye(\s?bye)?|byee?|good\s?night|gn|nite|night(\snight)?|nighty\snight",
        r"see\s(you|ya|u)(\s(later|tomorrow|soon|again))?|cya|talk\s(later|soon)|talk\sto\syou(\s(later|tomorrow|soon))?",
        r"ttyl|gotta\s(go|run|bounce)|i\s(have|got|need)\sto\sgo(\snow)?|(i'?m\s)?(off|going|heading)\sto\s(bed|sleep)(\snow)?|sleep\swell",
        r"catch\syou\slater|later|have\sa\s(good|nice|great)\s(night|day|one|evening|weekend)|take\scare",
        r"i'?ll\sbe\sback(\stomorrow|\slater)?|that'?s\sall\sfor\s(today|now)|sweet\sdreams",
    ),
    Intent.GREETING: (
        rf"(안녕(?!히)|안뇽|안냥|하이루){_KO_END}",
        rf"(하이|하잉|헬로|헬로우|반가|반갑|굿모닝|여보세요|저기요|오랜만|오래간만){_KO_END}",
        rf"좋은\s(아침|오후|저녁|날|하루|주말){_KO_END}",
        rf"처음\s?(뵙|봬|뵈){_KO_END}",
        rf"만나서\s(반가|반갑){_KO_END}",
        rf"잘\s?지냈{_KO_END}|잘\s?지내{_KO_END}|별일\s?없{_KO_END}",
        rf"(나|저)\s(또\s)?왔{_KO_END}|(또|오늘도|다시)\s왔{_KO_END}",
        rf"(거기|마음아|누구)\s(있어|있니|있나요|계세요|계신가요){_KO_END}",
        r"hi+|hello+|hey+|hey(a|ya)|hiya|howdy|yo+|sup|wass?up|what'?s\sup|hola|greetings|hullo",
        r"good\s(morning|afternoon|evening|day)|morning|evening|long\stime\sno\ssee|nice\sto\smeet\syou",
        r"(is\s)?any\s?one\sthere|how\sare\syou|how\sare\sya|how'?s\sit\sgoing|how\sr\su",
    ),
    Intent.THANKS: (
        rf"(고마|고맙|감사|땡큐|땡스|쌩큐|생큐){_KO_END}",
        rf"덕분{_KO_END}",
        rf"(마음이\s|기분이\s)?((좀|많이|조금|한결|훨씬)\s)?(편해졌|나아졌|가벼워졌|풀렸|후련해){_KO_END}",
        r"i\sfeel\s((a\s)?(bit|little|lot|much|so\smuch)\s)?better|feeling\sbetter",
        rf"(큰\s|많은\s)?도움(이|은|을)?(\s(많이|정말|진짜|좀|꽤))?\s?(됐|되었|되었어|돼|되네|받았){_KO_END}",
        rf"(위로|힘)(가|이)?\s((많이|정말|진짜|큰|좀|너무|많은)\s)?(됐|되었|돼|났|나요|나네|되네){_KO_END}",
        r"thanks?|thank\s(you|u)|thx|thnx|ty|tysm|tyvm|cheers|appreciate(d)?(\sit)?|much\sappreciated",
        r"(that|this|it)\s(really\s|was\s|was\sreally\s|is\s)?(help(s|ed)?|helpful)",
        r"you'?re\s(the\sbest|great|awesome|kind)",
        r"for\s(listening|the\s(advice|help|reply|tips?)|your\s(help|time|advice))",
    ),
    Intent.REACTION: (
        r"[ㅠㅜㅋㅎㄷㅇ]+",
        r"헐+|헉+|흠+|음+|엥+|오오+|아하+|오호+|우와+|와우+|헐랭",
        rf"(대박|에구|아이고){_KO_END}",
        r"[오와아어]|오~|와~",
        rf"(그렇구나|그렇군|그렇네|그렇죠|그래|그랭|맞아|맞네|맞지|맞죠|괜찮아|알겠|알았|오케|ㅇㅋ|응|웅|엉|네|넹|넵|예|옙|좋아|좋다|좋네|좋군|괜찮네|아니|글쎄|그럼|당연|진짜|정말|레알|웃기|신기|귀엽|재밌|재미있|멋지|멋있){_KO_END}",
        r"sure\sthing|for\ssure|no\sproblem|ok(ay)?|okie|k+|kk|lol|lmao|rofl|ha(ha)+|he(he)+|wow|whoa|oh+|ah+|aw+|omg|i\ssee|got\sit|gotcha|sure",
        r"yeah|yea|yep|yup|yes|no|nope|nah|hmm+|mhm|cool|nice|great|awesome|really|alright|fair\senough|right",
        r"makes\ssense|understood|noted|interesting|true|indeed|lmfao|xd|same|yay",
    ),
}
_SOFTENERS: Final = (
    r"마음아?|마음이|나|저|정말|진짜|너무|완전|넘|다들|모두|그럼|나도|저도|다시|또|항상|늘|많이|정말로|오늘도|오늘|좀|이제|ㅎㅎ|ㅋㅋ"
    r"|so|much|very|really|a|lot|you|u|again|there|maeum|bot|mate|buddy|dude|all|guys|everyone|too|just|oh|and|then|now|for|it|that"
)
_SMALL_TALK_RE: Final = {
    intent: re.compile(_W + "(?:" + "|".join(patterns) + ")" + _E) for intent, patterns in _SMALL_TALK_WORDS.items()
}
_SOFTENER_RE: Final = re.compile(_W + "(?:" + _SOFTENERS + ")" + _E)
_PRIORITY: Final = (Intent.BYE, Intent.THANKS, Intent.GREETING, Intent.REACTION)  # "고마워 잘 자" says goodbye


def small_talk_words(text: str) -> tuple[dict[Intent, int], bool]:
    """How many small-talk expressions of each kind the text holds, and whether nothing else is in it."""
    rest = normalize(text)
    found: dict[Intent, int] = {}
    for intent in _PRIORITY:
        rest, count = _SMALL_TALK_RE[intent].subn(" ", rest)
        if count:
            found[intent] = count
    only = not _SOFTENER_RE.sub(" ", rest).split()
    return found, only


# --- the guards -------------------------------------------------------------------------------------------------

SMALL_TALK_MAX_WORDS: Final = 7
SMALL_TALK_MAX_CHARS: Final = 32
SURE_SHARE: Final = 0.6
CUE_ONLY_WORDS: Final = 3  # a message this short holding one verb's words asks for that verb

# The words each verb is asked for with. Without them a message is not routed to the verb: "일기" is in every
# diary request, and a worry that happens to resemble one ("통계학 시험을 망쳤어") is still a worry. The words are
# those of asking, not of telling: "친구를 초대했는데" and "my friend never invites me" tell of an invitation.
_TIME_WORDS: Final = (
    r"\d+\s?(분|시간|시|초|일)|\d+:\d\d|내일|모레|글피|오늘|아침|저녁|밤|오전|오후|점심|새벽|이따|있다가|요일"
    r"|\d+\s?(am|pm|min|mins|minutes?|hours?|h|m)\b|tomorrow|tonight|noon|midnight|\bat \d"
)
_TIME: Final = re.compile(_TIME_WORDS)


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


_CUES: Final = {
    Intent.DIARY: _any(
        r"일기\s?(를|장에|로|장|도)?\s?(좀\s|하나\s)?(쓸래|쓸게|쓸께|쓰자|쓰고\s?싶|쓰기|써\s?줘|써\s?주|써\s?줄|써야|쓸\s?거"
        r"|쓸까|써\s?볼|쓸\s?수|쓸려|쓰려|남길|남겨|남기|기록|작성|저장|적어|적을)",
        r"일기\s?[:：]|일기장\s?열|오늘\s?의?\s?일기|감정\s?일기|일기로|diary\s?[:：]|journal\s?[:：]|dear diary",
        r"\b(write|log|add|save|put|start|new)\b.*\b(diary|journal)|(diary|journal) entry|\bto journal",
        r"today'?s (diary|journal)|my diary please",
    ),
    Intent.REMIND: _any(
        r"알림|알람|리마인드|깨워|(라고|하라고|으라고)\s?알려|시간\s?(좀\s)?알려|("
        + _TIME_WORDS
        + r").*알려\s?(줘|주|줄)",
        r"\bremind|\breminder|\balarm|ping me|nudge me|wake me|don'?t let me forget",
    ),
    Intent.STATS: _any(
        r"통계(?!학|\s?(수업|과제|시험|공부|강의|숙제|점수))|리포트|그래프|차트|(기분|감정|일기).{0,8}(요약|정리|변화)|어땠는지",
        r"stats?\b(?! exam| class| test| homework)|statistics\b(?! exam| class| test| homework)",
        r"\breport\b|\bchart|\btrend|\bsummary|how was my (week|mood)|my mood (this|last) week|my week look",
    ),
    Intent.INVITE: _any(
        r"초대(?!했|받|해서|를 했|하지|한 적|된)|친구\s?(추가|등록|맺|코드)|친구(랑|와|하고)\s?같이\s?(쓰|하)",
        r"\binvite\b(?! me)|\binvite (a |my )?friend|add (a )?friends?\b|friend code",
        r"(share|connect) with (a |my )?friend",
    ),
    Intent.POINTS: _any(
        r"포인트\s?(가|는|이|를|좀)?\s?(얼마|몇|확인|보여|내역|조회|잔액|기록|알려|있어|남았)",
        r"내\s?포인트|^포인트\??$|적립금",
        r"점수\s?(몇|얼마|확인|보여)|my points?\b|points? (balance|history|log)|how many points",
        r"(check|show)( my)? points?",
        r"^points?\??$|point balance|what'?s my balance",
    ),
    Intent.HELP: _any(
        r"도움말|사용법|사용\s?방법|명령어|기능|어떻게\s?(써|쓰|사용)|뭐\s?할\s?(수|줄)|뭘\s?할\s?수|어떤\s?걸\s?할|메뉴",
        r"뭐\s?하는\s?봇|너는\s?뭐|넌\s?뭐|처음인데|^help\b|help me use|\bcommands?\b|\bfeatures?\b",
        r"how (does|do i|to|do you) (this|it|use|maeum|you|the bot)\b",
        r"what (can|are) you|what can (this|the)( bot| app)? do",
        r"\bmenu\b|what is this|what can i say|new here",
    ),
}

# Words of a hard feeling: a message holding one is never small talk ("ㅠㅠ 힘들어", "not okay"), nor a request
# for a listing (stats, points, an invite, help) — but a diary or a reminder may well hold one.
_DISTRESS: Final = re.compile(
    r"슬프|슬퍼|힘들|힘드|힘든|우울|외로|외롭|불안|짜증|속상|지치|지쳐|지친|무서|무섭|괴로|최악|서운|서럽|억울|화나|화가|답답"
    r"|막막|벅차|귀찮|걱정|아파|아프|울고|울었|눈물|죽겠|미치겠|싸웠|싸움|싸워|망쳤|망했|떨어졌|헤어|외톨|상처|후회|창피|쪽팔"
    r"|잃어버|잃었|\bsad|depress|lost\b|lonely|alone|anxious|anxiety|stress|tired|exhaust|scared|afraid|worr(y|ied)|\bhurt|\bcry|crying"
    r"|awful|terrible|upset|angry|\bhate|miserable|panic|embarrass|ashamed|broke up|failed|fight|fought|lost my"
)
_NEGATED: Final = re.compile(
    r"(?<!\S)(not|never|안|못|별로|않\S*|아닌\S*|cannot|(can|don|won|didn|isn|wasn|doesn|couldn|ain)'?t)(?!\S)"
)
_LISTINGS: Final = frozenset({Intent.STATS, Intent.INVITE, Intent.POINTS, Intent.HELP})
# "알람을 맞춰도 못 일어나요" tells of an alarm; "잊지 않게 알려줘" still asks for one.
_KEEP_IN_MIND: Final = re.compile(r"(잊|까먹|놓치)지\s?않게|(잊|까먹)지\s?말라고|don'?t let me forget|don'?t forget")


def _lowered(text: str) -> str:
    """Lower case with the punctuation kept ("diary: …", "일기:"), for the cues."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def asks_for(intent: Intent, text: str) -> bool:
    """Whether the text uses the words `intent` is asked for with."""
    cue = _CUES.get(intent)
    return cue is not None and bool(cue.search(_lowered(text)))


def _short(text: str) -> bool:
    normalized = normalize(text)
    return len(normalized.split()) <= SMALL_TALK_MAX_WORDS and len(normalized) <= SMALL_TALK_MAX_CHARS


_JAMO_WORDS: Final = {
    "ㄱㅅ": Intent.THANKS,
    "ㄳ": Intent.THANKS,
    "ㄱㅅㄱㅅ": Intent.THANKS,
    "ㅂㅂ": Intent.BYE,
    "ㅃㅃ": Intent.BYE,
    "ㅂㅇ": Intent.BYE,
    "ㅂㅇㅂㅇ": Intent.BYE,
    "ㅎㅇ": Intent.GREETING,
    "ㅎㅇㅎㅇ": Intent.GREETING,
}


def read_intent(text: str, model: IntentModel) -> IntentReading:  # noqa: PLR0911 — one return per rule
    """The intent of one plain message."""
    stripped = unicodedata.normalize("NFC", text).strip()
    if is_lone_number(stripped):
        return IntentReading(intent=Intent.NUMBER, sure=True)
    if not has_letters(stripped):
        return IntentReading(intent=Intent.REACTION, sure=True)  # emoji, "?", "...", ":)"
    if _JAMO_ONLY.fullmatch(stripped):
        return IntentReading(intent=_JAMO_WORDS.get(normalize(stripped).replace(" ", ""), Intent.REACTION), sure=True)
    normalized = normalize(stripped)
    hard = bool(_DISTRESS.search(normalized))
    found, only = small_talk_words(stripped)
    if found and only and not hard:
        return IntentReading(intent=next(iter(found)), sure=True)
    timed = bool(_TIME.search(normalized))
    cued = [
        intent
        for intent in sorted(REQUESTS)
        if asks_for(intent, stripped)
        and not (hard and intent in _LISTINGS)
        and not (
            intent is Intent.REMIND and ((hard and not timed) or _NEGATED.search(_KEEP_IN_MIND.sub(" ", normalized)))
        )
    ]
    if len(cued) == 1 and len(normalized.split()) <= CUE_ONLY_WORDS:
        return IntentReading(intent=cued[0], sure=True)  # "통계", "help", "포인트 얼마야": the verb's own words
    vote = model.vote(stripped)
    small_talk_allowed = not hard and not _NEGATED.search(normalized) and _short(stripped)
    allowed = [
        (intent, share)
        for intent, share in vote
        if intent is not Intent.NUMBER
        # a reaction beside other words ("일기장을 잃어버렸어 ㅠㅠ") only colours them: a reaction is all or nothing
        and (intent not in SMALL_TALK or (small_talk_allowed and intent in found and intent is not Intent.REACTION))
        and (intent not in REQUESTS or intent in cued)
    ]
    if not allowed:
        return IntentReading(intent=Intent.WORRY, sure=False, share=0.0, runner_up=vote[0][0] if vote else None)
    (intent, share), *others = allowed
    runner_up = others[0][0] if others else None
    if intent is Intent.DIARY and diary_entry(stripped)[1]:
        return IntentReading(intent=intent, sure=True, share=share)  # "일기 쓸래: …", "diary: …" open the message
    if intent is Intent.REMIND and reminder_request(stripped)[1] and timed:
        return IntentReading(intent=intent, sure=True, share=share)  # "…라고 알려줘" with a time in it
    if intent in SMALL_TALK and share < SURE_SHARE:
        # unsure small talk is taken as a worry: answering a worry with "안녕하세요!" is the worse mistake
        return IntentReading(intent=Intent.WORRY, sure=False, share=1 - share, runner_up=intent)
    return IntentReading(intent=intent, sure=share >= SURE_SHARE, share=share, runner_up=runner_up)


# --- small talk -------------------------------------------------------------------------------------------------


class Tone(StrEnum):
    """How a short reaction sounds, for a reply in the same key."""

    SAD = "sad"  # ㅠㅠ, 😭, :(
    LAUGH = "laugh"  # ㅋㅋ, lol, 😂
    WOW = "wow"  # 헐, 대박, wow
    OK = "ok"  # 응, 네, ok, 👍


_TONES: Final = (
    (Tone.SAD, re.compile(r"[ㅠㅜ]|😭|😢|🥲|😞|😔|:\(|aww|슬프|sad")),
    (Tone.LAUGH, re.compile(r"[ㅋㅎ]{2}|ㅋ|lol|lmao|haha|hehe|😂|🤣|😆|😄|웃기")),
    (Tone.WOW, re.compile(r"헐|대박|헉|ㄷㄷ|우와|^와|와\b|오오|omg|wow|really|진짜\?|정말\?|신기|😮|😲|!{2}")),
)


def reaction_tone(text: str) -> Tone:
    lowered = unicodedata.normalize("NFC", text).lower().strip()
    for tone, pattern in _TONES:
        if pattern.search(lowered):
            return tone
    return Tone.OK


def variant(text: str, count: int) -> int:
    """Which of `count` replies answers `text`: varied across messages, the same for the same message."""
    return zlib.crc32(normalize(text).encode()) % count + 1


def examples_of(rows: Iterable[tuple[str, str, str]]) -> list[Example]:
    """(intent, lang, text) rows as examples; an unknown intent is a mistake in the data."""
    return [Example(intent=Intent(intent), lang=lang, text=text) for intent, lang, text in rows]
