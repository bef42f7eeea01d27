"""The offline counselor: answers that fit the worry's topic and feeling, say the person's words back, ask one
question (F) or give steps for the situation (T), follow the conversation, and stay deterministic."""

from __future__ import annotations

import asyncio
import itertools
import re

import pytest
from pydantic import BaseModel

from core.adapters.offline_counselor import OfflineCounselor, compose
from core.domain.prompting import delimit
from core.domain.values import Locale, Persona
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ChatMessage, LanguageModel, ModelCall, StreamEvent, TextDelta

HANGUL = re.compile(r"[가-힣]")
# Sleep advice, in either language: what a parent's cancer diagnosis must not be answered with.
SLEEP_ADVICE = re.compile(r"수면|잠자리|잠들|잠을|잠이|불면|자기 전|낮잠|sleep|bed|nap", re.IGNORECASE)

# (worry, a word of it the answer must say back): every topic, in each language.
WORRIES: dict[Locale, list[tuple[str, str]]] = {
    Locale.KO: [
        ("다음 주 기말고사인데 너무 불안해서 공부가 손에 안 잡혀", "기말고사"),
        ("엄마가 암 진단을 받았어", "엄마"),
        ("3년 사귄 여자친구랑 헤어졌어", "여자친구"),
        ("이번 달 월세를 낼 돈이 없어", "월세"),
        ("요즘 너무 외로워", "외로"),
        ("팀장님 때문에 화가 나요", "팀장님"),
        ("요즘 잠이 안 와요", "잠"),
        ("할머니가 돌아가셨어요", "할머니"),
        ("자존감이 바닥이다", "자존감"),
        ("친구랑 싸웠는데 너무 서운해", "친구"),
        ("진로를 못 정하겠어서 막막해", "진로"),
        ("허리가 너무 아파서 걱정이야", "허리"),
        ("남자친구랑 자꾸 싸워서 지쳐", "남자친구"),
        ("엄마랑 또 싸웠어, 잔소리가 너무 심해", "엄마|잔소리"),
        ("이사를 가야 할지 고민이에요", "이사"),
    ],
    Locale.EN: [
        ("I have finals next week and I'm so stressed I can't focus", "finals"),
        ("My mom was just diagnosed with cancer", "mom"),
        ("My girlfriend broke up with me after three years", "girlfriend"),
        ("I can't afford this month's rent", "rent"),
        ("I've been feeling so lonely lately", "lonel"),
        ("My boss yelled at me in front of everyone and I'm furious", "boss"),
        ("I can't sleep at night", "sleep"),
        ("My grandpa passed away last week", "grandpa"),
        ("I feel worthless", "worthless"),
        ("I had a fight with my best friend", "best friend"),
        ("I have no idea what to do about my career", "career"),
        ("I've had headaches for weeks and I'm worried", "headaches"),
        ("My boyfriend never listens and I'm tired of it", "boyfriend"),
        ("My family keeps nagging me about everything", "family"),
    ],
}


def a_call(
    subject: str,
    *,
    persona: Persona | None = Persona.F,
    locale: Locale = Locale.KO,
    earlier: tuple[tuple[str, str], ...] = (),
    gentle: bool = False,
) -> ModelCall:
    """The call counseling makes: the system rule, the earlier turns (worry, this persona's answer), the worry."""
    messages = [ChatMessage(role="system", content="rules")]
    for worry, answer in earlier:
        messages += [ChatMessage(role="user", content=delimit(worry)), ChatMessage(role="assistant", content=answer)]
    messages.append(ChatMessage(role="user", content=delimit(subject)))
    return ModelCall(
        purpose="counsel", messages=tuple(messages), locale=locale, subject=subject, persona=persona, gentle=gentle
    )


async def collect(model: LanguageModel, call: ModelCall) -> list[StreamEvent]:
    return [event async for event in model.stream(call)]


def sentences(text: str) -> list[str]:
    parts = (re.sub(r"^\d+\.\s*", "", part).strip() for part in re.split(r"(?<=[.!?])\s+|\n+", text.strip()))
    return [part for part in parts if part]


ALL = [(locale, worry, word) for locale, worries in WORRIES.items() for worry, word in worries]


def test_it_declares_itself_offline() -> None:
    model: LanguageModel = OfflineCounselor()

    assert model.offline is True


@pytest.mark.parametrize(("locale", "worry", "word"), ALL)
def test_the_feeling_answer_says_the_words_back_and_asks_exactly_one_question(
    locale: Locale, worry: str, word: str
) -> None:
    text = compose(a_call(worry, persona=Persona.F, locale=locale))

    assert any(one.lower() in text.lower() for one in word.split("|"))
    assert 3 <= len(sentences(text)) <= 5
    assert text.count("?") == 1 and text.endswith("?")
    assert not re.search(r"^\s*\d\.", text, re.MULTILINE)


@pytest.mark.parametrize(("locale", "worry", "word"), ALL)
def test_the_thinking_answer_is_a_framing_line_then_three_numbered_steps(locale: Locale, worry: str, word: str) -> None:
    text = compose(a_call(worry, persona=Persona.T, locale=locale))
    lines = [line for line in text.splitlines() if line.strip()]

    assert len(lines) == 4
    assert not lines[0][0].isdigit()
    assert [line[:3] for line in lines[1:]] == ["1. ", "2. ", "3. "]
    assert "?" not in lines[0]


@pytest.mark.parametrize("locale", list(Locale))
def test_templates_are_filled_and_particles_fit(locale: Locale) -> None:
    for worry, _ in WORRIES[locale]:
        for persona in Persona:
            text = compose(a_call(worry, persona=persona, locale=locale))
            assert "{" not in text and "}" not in text
            assert not re.search(r"\((?:은|는|이|가|을|를|과|와|으)\)", text)


@pytest.mark.parametrize("persona", list(Persona))
def test_korean_worries_get_polite_korean_and_english_worries_get_english(persona: Persona) -> None:
    for worry, _ in WORRIES[Locale.KO]:
        korean = compose(a_call(worry, persona=persona, locale=Locale.KO))
        assert HANGUL.search(korean)
        assert "당신" not in korean  # a Korean counselor does not say 당신
        assert all(s.endswith(("요.", "요?", "죠.", "세요.")) for s in sentences(korean)), korean
    for worry, _ in WORRIES[Locale.EN]:
        assert not HANGUL.search(compose(a_call(worry, persona=persona, locale=Locale.EN)))


@pytest.mark.parametrize("locale", list(Locale))
def test_a_parents_cancer_gets_caregiving_steps_and_no_sleep_advice_while_insomnia_gets_sleep_steps(
    locale: Locale,
) -> None:
    cancer = {"ko": "엄마가 암 진단을 받았어", "en": "My mom was just diagnosed with cancer"}[locale.value]
    insomnia = {"ko": "요즘 잠이 안 와요, 불안해서", "en": "I'm so anxious that I can't sleep"}[locale.value]
    care = {"ko": "진료", "en": "appointment"}[locale.value]

    for persona in Persona:
        assert not SLEEP_ADVICE.search(compose(a_call(cancer, persona=persona, locale=locale)))
    cancer_steps = compose(a_call(cancer, persona=Persona.T, locale=locale))
    assert care in cancer_steps or {"ko": "가족", "en": "family"}[locale.value] in cancer_steps
    assert SLEEP_ADVICE.search(compose(a_call(insomnia, persona=Persona.T, locale=locale)))


def test_exam_stress_insomnia_and_a_cancer_diagnosis_get_three_different_answers() -> None:
    worries = ["시험 때문에 너무 불안해요", "요즘 잠이 안 와요", "엄마가 암 진단을 받았어"]

    for persona in Persona:
        texts = [compose(a_call(worry, persona=persona)) for worry in worries]
        pairs = itertools.combinations([set(sentences(text)) for text in texts], 2)
        assert all(not (a & b) for a, b in pairs)


def test_a_second_topic_the_worry_names_gets_one_step_of_its_own() -> None:
    text = compose(a_call("시험 때문에 불안해서 잠이 안 와", persona=Persona.T))
    steps = text.splitlines()[-3:]

    assert sum(bool(SLEEP_ADVICE.search(step)) for step in steps) >= 1
    assert any("공부" in step or "과목" in step or "문제" in step for step in steps)


def test_the_feeling_of_the_worry_changes_the_answer() -> None:
    anxious = compose(a_call("회사 일 때문에 너무 불안해요", persona=Persona.F))
    angry = compose(a_call("회사 일 때문에 너무 화가 나요", persona=Persona.F))
    joyful = compose(a_call("회사에서 승진했어요! 너무 기뻐요", persona=Persona.F))

    assert len({anxious, angry, joyful}) == 3
    assert "기쁘" in joyful or "기뻐" in joyful or "잘됐" in joyful


def test_phrasing_varies_between_different_worries_on_the_same_topic() -> None:
    worries = [f"시험 때문에 불안해요 {n}일째" for n in range(12)]

    answers = [sentences(compose(a_call(worry, persona=Persona.F))) for worry in worries]

    assert len({answer[0] for answer in answers}) >= 2  # the reflection
    assert len({answer[-1] for answer in answers}) >= 2  # the question


@pytest.mark.parametrize("persona", list(Persona))
def test_the_same_conversation_always_gets_the_same_answer(persona: Persona) -> None:
    call = a_call("요즘 잠이 안 와요", persona=persona, earlier=(("회사 일이 너무 많아요", "앞선 답"),))

    assert {compose(call) for _ in range(5)} == {compose(call)}


def test_a_follow_up_refers_to_the_earlier_worry_and_does_not_repeat_itself() -> None:
    first_worry = "엄마가 암 진단을 받았어"
    first_f = compose(a_call(first_worry, persona=Persona.F))
    first_t = compose(a_call(first_worry, persona=Persona.T))

    follow_f = compose(a_call("요즘 아무것도 손에 안 잡혀", persona=Persona.F, earlier=((first_worry, first_f),)))
    follow_t = compose(a_call("요즘 아무것도 손에 안 잡혀", persona=Persona.T, earlier=((first_worry, first_t),)))

    assert "암 진단" in sentences(follow_f)[0]  # it says it is following on from the diagnosis
    assert not set(sentences(follow_f)) & set(sentences(first_f))
    assert not set(sentences(follow_t)) & set(sentences(first_t))  # new steps, still for a loved one's illness
    assert not SLEEP_ADVICE.search(follow_t)


def test_a_new_worry_in_the_same_conversation_is_answered_for_itself_and_names_the_earlier_one() -> None:
    first = "다음 주 기말고사인데 너무 불안해"
    follow = compose(a_call("이번 달 월세도 밀렸어", persona=Persona.F, earlier=((first, "앞선 답"),)))
    steps = compose(a_call("이번 달 월세도 밀렸어", persona=Persona.T, earlier=((first, "앞선 답"),)))

    assert "기말고사" in follow and "월세" in follow
    assert "기말고사" in steps.splitlines()[0] and "월세" in steps


@pytest.mark.parametrize("persona", list(Persona))
def test_english_follow_ups_refer_back_too(persona: Persona) -> None:
    first = "I can't afford this month's rent"
    follow = compose(
        a_call("and I still don't know what to do", persona=persona, locale=Locale.EN, earlier=((first, "x"),))
    )

    assert "your rent" in sentences(follow)[0]


def test_a_long_worry_is_said_back_in_a_word_not_parroted() -> None:
    subject = "우리 집 고양이 나비가 아파서 너무 슬프고 걱정돼요 " * 20

    text = compose(a_call(subject, persona=Persona.F))

    assert "고양이" in text
    assert "나비가 아파서" not in text
    assert len(text) < len(subject)


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("persona", list(Persona))
def test_the_text_carries_no_offline_label(locale: Locale, persona: Persona) -> None:
    text = compose(a_call(WORRIES[locale][0][0], persona=persona, locale=locale)).lower()

    assert "offline" not in text
    assert "오프라인" not in text


def test_a_call_without_persona_gets_the_feeling_answer() -> None:
    subject = "야근이 계속돼서 너무 지쳐요"

    assert compose(a_call(subject, persona=None)) == compose(a_call(subject, persona=Persona.F))


@pytest.mark.parametrize("locale", list(Locale))
def test_soon_after_a_crisis_the_answer_is_gentle_and_gives_no_plan(locale: Locale) -> None:
    t = compose(a_call(WORRIES[locale][3][0], persona=Persona.T, locale=locale, gentle=True))

    assert "1. " not in t and "109" in t


@pytest.mark.asyncio
@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("persona", list(Persona))
async def test_stream_yields_word_deltas_then_exactly_one_call_finished(locale: Locale, persona: Persona) -> None:
    call = a_call(WORRIES[locale][0][0], persona=persona, locale=locale)

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
        async for event in model.stream(a_call(WORRIES[Locale.KO][1][0], persona=persona)):
            if isinstance(event, TextDelta):
                order.append(persona.value)

    await asyncio.gather(consume(Persona.F), consume(Persona.T))

    switches = sum(1 for before, after in itertools.pairwise(order) if before != after)
    assert order.count("F") > 10
    assert order.count("T") > 10
    assert switches >= 10  # not one answer after the other


class Verdict(BaseModel):
    label: str


@pytest.mark.asyncio
async def test_json_is_refused_so_callers_fall_back() -> None:
    with pytest.raises(LanguageModelUnavailable, match="offline counselor cannot produce JSON"):
        await OfflineCounselor().complete_json(a_call("아무거나"), Verdict)
