"""The scripted counselor: emotion-aware, persona- and locale-specific, deterministic, and a well-behaved stream."""

from __future__ import annotations

import asyncio
import itertools
import re

import pytest
from pydantic import BaseModel

from core.adapters.offline_counselor import OfflineCounselor, compose
from core.domain.values import Locale, Persona
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ChatMessage, LanguageModel, ModelCall, StreamEvent, TextDelta

HANGUL = re.compile(r"[가-힣]")

# One worry per feeling, in each language; None is a worry with no clear feeling.
WORRIES = {
    Locale.KO: {
        "sadness": "요즘 너무 우울하고 슬퍼요",
        "anxiety": "요즘 잠이 안 와요, 불안해서",
        "anger": "팀장님 때문에 화가 나요",
        "tiredness": "야근이 계속돼서 너무 지쳐요",
        "joy": "드디어 합격했어요! 너무 행복해요",
        "calm": "오늘은 마음이 평온하고 차분해요",
        "none": "이사를 가야 할지 고민이에요",
    },
    Locale.EN: {
        "sadness": "I've been feeling really sad and lonely",
        "anxiety": "I'm so anxious that I can't sleep",
        "anger": "I'm furious at my roommate",
        "tiredness": "I'm exhausted from work",
        "joy": "I got the job and I'm so happy",
        "calm": "I feel calm and relaxed today",
        "none": "Should I move to a new city?",
    },
}


def a_call(subject: str, *, persona: Persona | None = Persona.F, locale: Locale = Locale.KO) -> ModelCall:
    return ModelCall(
        purpose="counsel",
        messages=(ChatMessage(role="user", content=subject),),
        locale=locale,
        subject=subject,
        persona=persona,
    )


async def collect(model: LanguageModel, call: ModelCall) -> list[StreamEvent]:
    return [event async for event in model.stream(call)]


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def test_it_declares_itself_offline() -> None:
    model: LanguageModel = OfflineCounselor()

    assert model.offline is True


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("feeling", ["sadness", "anxiety", "anger", "tiredness", "joy", "calm", "none"])
def test_feeling_persona_answer_is_three_to_five_sentences(locale: Locale, feeling: str) -> None:
    text = compose(a_call(WORRIES[locale][feeling], persona=Persona.F, locale=locale))

    assert 3 <= len(sentences(text)) <= 5
    assert not re.search(r"^\s*\d\.", text, re.MULTILINE)


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("feeling", ["sadness", "anxiety", "anger", "tiredness", "joy", "calm", "none"])
def test_thinking_persona_answer_is_a_framing_line_then_three_numbered_steps(locale: Locale, feeling: str) -> None:
    text = compose(a_call(WORRIES[locale][feeling], persona=Persona.T, locale=locale))
    lines = [line for line in text.splitlines() if line.strip()]

    assert len(lines) == 4
    assert not lines[0][0].isdigit()
    assert [line[:3] for line in lines[1:]] == ["1. ", "2. ", "3. "]


@pytest.mark.parametrize("persona", list(Persona))
def test_korean_worries_get_korean_and_english_worries_get_english(persona: Persona) -> None:
    korean = compose(a_call(WORRIES[Locale.KO]["sadness"], persona=persona, locale=Locale.KO))
    english = compose(a_call(WORRIES[Locale.EN]["sadness"], persona=persona, locale=Locale.EN))

    assert HANGUL.search(korean)
    assert "요." in korean  # polite 해요체
    assert not HANGUL.search(english)


@pytest.mark.parametrize("locale", list(Locale))
def test_the_two_personas_answer_differently(locale: Locale) -> None:
    subject = WORRIES[locale]["anxiety"]

    assert compose(a_call(subject, persona=Persona.F, locale=locale)) != compose(
        a_call(subject, persona=Persona.T, locale=locale)
    )


def test_every_feeling_persona_and_locale_has_its_own_script() -> None:
    texts = {
        compose(a_call(subject, persona=persona, locale=locale))
        for locale, worries in WORRIES.items()
        for subject in worries.values()
        for persona in Persona
    }

    assert len(texts) == 7 * 2 * 2


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("persona", list(Persona))
def test_the_feeling_of_the_worry_changes_the_answer(locale: Locale, persona: Persona) -> None:
    worried = compose(a_call(WORRIES[locale]["anxiety"], persona=persona, locale=locale))
    angry = compose(a_call(WORRIES[locale]["anger"], persona=persona, locale=locale))

    assert worried != angry


@pytest.mark.parametrize(
    ("locale", "breathing", "writing", "waking"),
    [(Locale.KO, "호흡", "적고", "같은 시간에 일어나"), (Locale.EN, "Breathe", "writing down", "same time every day")],
)
def test_advice_for_sleepless_anxiety_covers_breathing_worry_writing_and_a_fixed_wake_time(
    locale: Locale, breathing: str, writing: str, waking: str
) -> None:
    text = compose(a_call(WORRIES[locale]["anxiety"], persona=Persona.T, locale=locale))

    assert breathing in text
    assert writing in text
    assert waking in text


def test_the_same_worry_always_gets_the_same_answer() -> None:
    call = a_call("요즘 잠이 안 와요", persona=Persona.T)

    assert {compose(call) for _ in range(5)} == {compose(call)}


def test_the_users_words_are_not_echoed_back() -> None:
    subject = "우리 집 고양이 나비가 아파서 너무 슬프고 걱정돼요 " * 20

    text = compose(a_call(subject, persona=Persona.F))

    assert "고양이" not in text
    assert "나비" not in text
    assert len(text) < len(subject)


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("persona", list(Persona))
def test_the_text_carries_no_offline_label(locale: Locale, persona: Persona) -> None:
    text = compose(a_call(WORRIES[locale]["sadness"], persona=persona, locale=locale)).lower()

    assert "offline" not in text
    assert "오프라인" not in text


def test_a_call_without_persona_gets_the_feeling_answer() -> None:
    subject = WORRIES[Locale.KO]["tiredness"]

    assert compose(a_call(subject, persona=None)) == compose(a_call(subject, persona=Persona.F))


@pytest.mark.asyncio
@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("persona", list(Persona))
async def test_stream_yields_word_deltas_then_exactly_one_call_finished(locale: Locale, persona: Persona) -> None:
    call = a_call(WORRIES[locale]["anxiety"], persona=persona, locale=locale)

    events = await collect(OfflineCounselor(), call)

    deltas, last = events[:-1], events[-1]
    assert all(isinstance(event, TextDelta) for event in deltas)
    assert isinstance(last, CallFinished)
    assert len(deltas) > 10
    assert last == CallFinished(model="offline", tokens_in=0, tokens_out=0, latency_ms=last.latency_ms, offline=True)
    assert last.latency_ms >= 0
    assert sum(isinstance(event, CallFinished) for event in events) == 1
    assert "".join(event.text for event in deltas if isinstance(event, TextDelta)) == compose(call)
    assert all(len(event.text.split()) == 1 for event in deltas if isinstance(event, TextDelta))


@pytest.mark.asyncio
async def test_two_concurrent_streams_interleave() -> None:
    model = OfflineCounselor()
    order: list[str] = []

    async def consume(persona: Persona) -> None:
        async for event in model.stream(a_call(WORRIES[Locale.KO]["sadness"], persona=persona)):
            if isinstance(event, TextDelta):
                order.append(persona.value)

    await asyncio.gather(consume(Persona.F), consume(Persona.T))

    switches = sum(1 for before, after in itertools.pairwise(order) if before != after)
    assert order.count("F") > 10
    assert order.count("T") > 10
    assert switches >= 10  # not one answer after the other


@pytest.mark.asyncio
async def test_streams_of_the_same_call_are_identical() -> None:
    call = a_call(WORRIES[Locale.EN]["tiredness"], persona=Persona.T, locale=Locale.EN)
    model = OfflineCounselor()

    first, second = await collect(model, call), await collect(model, call)

    assert first[:-1] == second[:-1]


class Verdict(BaseModel):
    label: str


@pytest.mark.asyncio
async def test_json_is_refused_so_callers_fall_back() -> None:
    with pytest.raises(LanguageModelUnavailable, match="offline counselor cannot produce JSON"):
        await OfflineCounselor().complete_json(a_call("아무거나"), Verdict)
