"""The built-in counselor: answers when no model is configured or the model is down, so nobody is left without a
reply. The caller labels its answers as offline.

It answers from a response bank the project writes (core/data/counseling/{ko,en}.toml): for each topic a worry can
have (work, exams, a breakup, a loved one's illness, rent, loneliness … core.domain.worry_topics) and each feeling
(core.domain.emotion), sentences that say the person's own words back, a gentle question for 💗 F and steps that fit
the situation for 🧠 T. A selector picks among the variants:

- by a seed made from the conversation's text, so the same conversation always gets the same answer and different
  worries get different phrasings;
- by what the conversation already holds (the prompt's earlier turns): a follow-up that names no topic of its own
  goes on with the earlier one, the answer says it is following on from the earlier worry, and no sentence or step
  this persona already gave is given again while the bank has another.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import string
import time
import tomllib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.domain.budget import OFFLINE_MODEL
from core.domain.emotion import Emotion, classify
from core.domain.particles import pair_for, with_josa
from core.domain.values import Locale, Persona
from core.domain.worry_topics import DEFAULT_FEELING, Topic, WorryTopic, read_worry
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ModelCall, SchemaT, StreamEvent, TextDelta

MODEL_NAME: Final = OFFLINE_MODEL
BANK_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "counseling"

# Feelings that are answered as they are even on a faint or mixed reading; a faint joy or calm is not (a worry with
# no clear feeling gets the one its topic most often carries).
_NEEDS_CARE: Final = frozenset({Emotion.SADNESS, Emotion.ANXIETY, Emotion.ANGER, Emotion.TIREDNESS})
_GOOD: Final = frozenset({Emotion.JOY, Emotion.CALM})
_STEPS: Final = 3
_LOOK_BACK: Final = 3  # earlier worries read for what the conversation is about, newest first
_WORD: Final = re.compile(r"\S+\s*")


# --- the bank ------------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class BankStep(_Strict):
    text: str
    feel: tuple[Emotion, ...] = ()


class TopicBank(_Strict):
    phrase: str  # said when the worry has no words of its own for it
    who: str | None = None
    reflect: Mapping[Emotion, tuple[str, ...]]
    validation: tuple[str, ...] = Field(alias="validate")
    validation_good: tuple[str, ...] = Field(alias="validate_good")
    question: tuple[str, ...]
    question_good: tuple[str, ...]
    frame: tuple[str, ...]
    steps: tuple[BankStep, ...]


class GoodBank(_Strict):
    frame: tuple[str, ...]
    steps: tuple[str, ...]


class FollowUpBank(_Strict):
    f_same: tuple[str, ...]
    f_other: tuple[str, ...]
    f_plain: tuple[str, ...]
    t_same: tuple[str, ...]
    t_other: tuple[str, ...]
    t_plain: tuple[str, ...]


class Bank(_Strict):
    follow_up: FollowUpBank
    good: Mapping[Emotion, GoodBank]
    topics: Mapping[Topic, TopicBank]


@functools.cache
def load_bank(locale: Locale) -> Bank:
    """The locale's response bank, read once per process."""
    with (BANK_DIR / f"{locale.value}.toml").open("rb") as handle:
        return Bank.model_validate(tomllib.load(handle))


# --- filling a template --------------------------------------------------------------------------------------


class _Filler(string.Formatter):
    """`{phrase:을}` is the words with the particle that fits them (core.domain.particles)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec and pair_for(format_spec) is not None:
            return with_josa(str(value), format_spec)
        return str(super().format_field(value, format_spec))


_FILLER: Final = _Filler()


def _fill(template: str, words: Mapping[str, str]) -> str:
    text = _FILLER.vformat(template, (), words)
    return text[:1].upper() + text[1:]  # an English sentence may start with a placeholder: "Your rent …"


# --- what the conversation holds -----------------------------------------------------------------------------

_DELIMITED: Final = re.compile(r"^<worry>\n?(?P<text>.*?)\n?</worry>$", re.DOTALL)
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+|\n+")
_NUMBERED: Final = re.compile(r"^\d+\.\s*")

Relation = Literal["same", "other", "plain"]


@dataclass(frozen=True, kw_only=True)
class Situation:
    """What an answer is about: the worry's topic and feeling, the words to say back, and how it relates to the
    earlier worry of the same conversation (None when it is the first)."""

    topic: Topic
    secondary: Topic | None
    feeling: Emotion
    words: Mapping[str, str]  # phrase, who, earlier
    relation: Relation | None
    carried_on: bool = False  # the worry named nothing of its own: it goes on with the earlier one


def _undelimited(content: str) -> str:
    found = _DELIMITED.match(content.strip())
    return found["text"] if found else content


def _sentences(text: str) -> set[str]:
    return {_NUMBERED.sub("", part).strip() for part in _SENTENCE_END.split(text) if part.strip()}


def _feeling_of(text: str, topic: Topic) -> Emotion | None:
    """The feeling `text` states, if it states one clearly enough to answer it."""
    reading = classify(text)
    if reading.confident or reading.emotion in _NEEDS_CARE:
        return reading.emotion
    return None


def _said_back(worry: WorryTopic, topic_bank: TopicBank, locale: Locale) -> str:
    """How a reply refers to an earlier worry: 엄마의 암 진단, "your mom's cancer diagnosis", 기말고사."""
    who = worry.who
    if worry.topic is Topic.ILLNESS and who and worry.phrase:
        return f"{who}의 {worry.phrase}" if locale is Locale.KO else f"{who}'s {worry.phrase}"
    if worry.topic is Topic.GRIEF and who:
        return who
    return worry.phrase or who or topic_bank.phrase


def read_situation(call: ModelCall) -> Situation:
    """The situation of the call's worry, read with the conversation's earlier worries (its prompt messages)."""
    bank = load_bank(call.locale)
    now = read_worry(call.subject)
    earlier_texts = [_undelimited(m.content) for m in call.messages if m.role == "user"][:-1]
    # The latest earlier worry with a topic: a topic-less one in between ("요즘은 아무것도 손에 안 잡혀") went on
    # with it. Failing that, the latest one with words of its own.
    recent = [(read_worry(text), text) for text in reversed(earlier_texts[-_LOOK_BACK:])]
    earlier, earlier_text = next(
        ((read, text) for read, text in recent if read.topic is not Topic.GENERAL),
        next(((read, text) for read, text in recent if read.phrase), (None, "")),
    )
    relation: Relation | None = None
    carried_on = False
    feeling = _feeling_of(call.subject, now.topic)
    if earlier is not None and now.topic is Topic.GENERAL and earlier.topic is not Topic.GENERAL:
        # "요즘은 아무것도 손에 안 잡혀": no topic of its own, so the conversation's topic goes on
        now, relation, carried_on = earlier, "same", True
        feeling = feeling or _feeling_of(earlier_text, earlier.topic)
    elif earlier is not None:
        relation = "same" if earlier.topic is now.topic else "other"
    elif earlier_texts:
        relation = "plain"
    topic_bank = bank.topics[now.topic]
    phrase = now.phrase or topic_bank.phrase
    words = {
        "phrase": phrase,
        "who": now.who or topic_bank.who or phrase,
        "earlier": _said_back(earlier, bank.topics[earlier.topic], call.locale) if earlier is not None else "",
    }
    return Situation(
        topic=now.topic,
        secondary=now.secondary,
        feeling=feeling or DEFAULT_FEELING[now.topic],
        words=words,
        relation=relation,
        carried_on=carried_on,
    )


# --- choosing --------------------------------------------------------------------------------------------------


class _Picker:
    """Deterministic choices seeded by the conversation; what this persona already said is passed over while the
    bank has something else."""

    def __init__(self, seed: str, words: Mapping[str, str], said: set[str]) -> None:
        self._seed = seed
        self._words = words
        self._said = said

    def _rank(self, slot: str, item: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{self._seed}\x1f{slot}\x1f{item}".encode()).digest()[:8], "big")

    def one(self, slot: str, templates: Sequence[str]) -> str:
        filled = [_fill(template, self._words) for template in templates]
        ordered = sorted(filled, key=lambda text: self._rank(slot, text))
        return next((text for text in ordered if text not in self._said), ordered[0])

    def some(self, slot: str, steps: Sequence[BankStep], count: int, feeling: Emotion) -> list[str]:
        """`count` steps, those meant for `feeling` first, in the order the bank gives them (first things first)."""
        filled = [(index, _fill(step.text, self._words), feeling in step.feel) for index, step in enumerate(steps)]
        fresh = [item for item in filled if item[1] not in self._said]
        pool = fresh if len(fresh) >= count else filled
        chosen = sorted(pool, key=lambda item: (not item[2], self._rank(slot, item[1])))[:count]
        return [text for _, text, _ in sorted(chosen)]


def _seed(call: ModelCall, persona: Persona) -> str:
    texts = [_undelimited(m.content) for m in call.messages if m.role == "user"] or [call.subject]
    if texts[-1] != call.subject:
        texts.append(call.subject)
    return hashlib.sha256("\x1e".join([call.locale.value, persona.value, *texts]).encode()).hexdigest()


def _feeling_answer(bank: Bank, situation: Situation, pick: _Picker) -> str:
    """💗: following on from the earlier worry (if any), the person's words and feeling said back, why that feeling
    makes sense, and one gentle question."""
    topic = bank.topics[situation.topic]
    good = situation.feeling in _GOOD
    parts: list[str] = []
    if situation.relation is not None:
        parts.append(pick.one("f.follow", getattr(bank.follow_up, f"f_{situation.relation}")))
    if not situation.carried_on:  # else the follow-on line already said the earlier words back; not twice
        parts.append(pick.one("f.reflect", topic.reflect[situation.feeling]))
    parts.append(pick.one("f.validate", topic.validation_good if good else topic.validation))
    parts.append(pick.one("f.question", topic.question_good if good else topic.question))
    return " ".join(parts)


def _thinking_answer(bank: Bank, situation: Situation, pick: _Picker) -> str:
    """🧠: the situation in one line, then three numbered steps for this topic and feeling (one of them for a second
    topic the worry named on its own, such as sleep lost over exams)."""
    topic = bank.topics[situation.topic]
    good = bank.good.get(situation.feeling)
    if situation.relation is not None:
        frame = pick.one("t.follow", getattr(bank.follow_up, f"t_{situation.relation}"))
    else:
        frame = pick.one("t.frame", good.frame if good is not None else topic.frame)
    if good is not None:
        steps = pick.some("t.steps", [BankStep(text=s) for s in good.steps], _STEPS, situation.feeling)
    else:
        second = bank.topics.get(situation.secondary) if situation.secondary is not None else None
        steps = pick.some("t.steps", topic.steps, _STEPS - (1 if second else 0), situation.feeling)
        if second is not None:
            steps += pick.some("t.second", second.steps, 1, situation.feeling)
    numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))
    return f"{frame}\n\n{numbered}"


_GENTLE: Final[Mapping[Locale, Mapping[Persona, str]]] = {
    Locale.KO: {
        Persona.F: (
            "다시 이야기해 줘서 정말 고마워요. 조금 전에 많이 힘든 마음을 털어놓았잖아요. 지금은 어떤 마음인지 "
            "천천히 말해 줘도 괜찮아요. 서두르지 않아도 되고, 저는 여기서 계속 들을게요."
        ),
        Persona.T: (
            "지금은 계획이나 해야 할 일보다 당신이 안전한 게 먼저예요. 한 가지만 부탁할게요: 오늘은 혼자 있지 말고, "
            "믿을 수 있는 사람 한 명에게 연락해 주세요. 마음이 다시 무거워지면 109(자살예방 상담전화, 24시간)나 "
            "1577-0199(정신건강 위기상담)에 바로 전화할 수 있어요. 아래 버튼을 누르면 번호를 다시 볼 수 있어요."
        ),
    },
    Locale.EN: {
        Persona.F: (
            "Thank you for talking to me again. A little while ago you shared how much you were hurting. You can "
            "tell me how you feel now, slowly — there is no rush, and I am still here listening."
        ),
        Persona.T: (
            "Right now your safety matters more than any plan. Just one thing: please don't stay alone tonight — "
            "reach out to one person you trust. If it gets heavy again, a crisis line is there at any hour "
            "(findahelpline.com; in Korea 109 or 1577-0199). The button below shows the numbers again."
        ),
    },
}


def _own_answers(call: ModelCall) -> Iterable[str]:
    return (m.content for m in call.messages if m.role == "assistant")


def compose(call: ModelCall) -> str:
    """The whole answer for `call`; the same call always gets the same text. No persona means F."""
    persona = call.persona or Persona.F
    if call.gentle:
        return _GENTLE[call.locale][persona]
    bank = load_bank(call.locale)
    situation = read_situation(call)
    said = set().union(*(_sentences(text) for text in _own_answers(call)))
    pick = _Picker(_seed(call, persona), situation.words, said)
    if persona is Persona.T:
        return _thinking_answer(bank, situation, pick)
    return _feeling_answer(bank, situation, pick)


class OfflineCounselor:
    """A LanguageModel that needs no network: answers from the response bank, streamed word by word."""

    @property
    def offline(self) -> bool:
        return True

    async def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        for word in _WORD.findall(compose(call)):
            await asyncio.sleep(0)  # let a concurrent answer (the other persona) stream alongside
            yield TextDelta(text=word)
        latency_ms = int((time.perf_counter() - started) * 1000)
        yield CallFinished(model=MODEL_NAME, tokens_in=0, tokens_out=0, latency_ms=latency_ms, offline=True)

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        raise LanguageModelUnavailable("offline counselor cannot produce JSON")
