"""The offline emotion reading: Korean and English cues, conjugations, intensifiers and negation."""

from __future__ import annotations

import pytest

from core.domain.emotion import Emotion, EmotionReading, Nuance, classify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("불안하다", Emotion.ANXIETY),
        ("불안해", Emotion.ANXIETY),
        ("어제 시험 때문에 불안했어", Emotion.ANXIETY),
        ("발표가 걱정돼요", Emotion.ANXIETY),
        ("화나", Emotion.ANGER),
        ("팀장님 때문에 화가 나요", Emotion.ANGER),
        ("진짜 짜증나", Emotion.ANGER),
        ("요즘 우울해", Emotion.SADNESS),
        ("혼자라서 외로워", Emotion.SADNESS),
        ("남자친구랑 헤어져서 슬퍼요", Emotion.SADNESS),
        ("일이 많아서 지쳐", Emotion.TIREDNESS),
        ("너무 피곤해요", Emotion.TIREDNESS),
        ("합격해서 행복해", Emotion.JOY),
        ("너무 기뻐요", Emotion.JOY),
        ("내일 여행 가서 신나", Emotion.JOY),
        ("오늘은 마음이 편안해요", Emotion.CALM),
        ("평온한 하루였어", Emotion.CALM),
        ("차분하게 지냈어", Emotion.CALM),
        ("I feel so anxious about tomorrow", Emotion.ANXIETY),
        ("I'm worried about my mom", Emotion.ANXIETY),
        ("I'm really angry at my boss", Emotion.ANGER),
        ("I feel lonely and sad", Emotion.SADNESS),
        ("I'm exhausted", Emotion.TIREDNESS),
        ("I'm so tired of this job", Emotion.TIREDNESS),
        ("I'm so happy today", Emotion.JOY),
        ("I feel calm and relaxed", Emotion.CALM),
    ],
)
def test_cues_in_korean_and_english_name_the_feeling(text: str, expected: Emotion) -> None:
    reading = classify(text)

    assert reading.emotion is expected
    assert reading.confident


@pytest.mark.parametrize(
    "text", ["안 괜찮아", "괜찮지 않아", "not okay", "I'm not happy", "행복하지 않아", "I'm not okay"]
)
def test_denied_good_feeling_reads_as_distress(text: str) -> None:
    assert classify(text).emotion in {Emotion.SADNESS, Emotion.ANXIETY}


@pytest.mark.parametrize("text", ["안 슬퍼", "슬프지 않아", "I'm not sad"])
def test_denied_sadness_is_not_sadness(text: str) -> None:
    assert classify(text).emotion is not Emotion.SADNESS


@pytest.mark.parametrize("text", ["걱정 없어", "I'm not worried"])
def test_denied_worry_reads_as_calm(text: str) -> None:
    assert classify(text).emotion is Emotion.CALM


def test_sleeplessness_reads_as_anxiety_or_tiredness() -> None:
    assert classify("요즘 잠이 안 와요").emotion in {Emotion.ANXIETY, Emotion.TIREDNESS}


@pytest.mark.parametrize("text", ["", "   ", "오늘 점심 뭐 먹지", "회사 가기 싫어", "what time is it"])
def test_text_without_cues_gets_the_neutral_reading(text: str) -> None:
    assert classify(text) == EmotionReading(emotion=Emotion.CALM, intensity=1, confident=False)


@pytest.mark.parametrize(
    ("plain", "intense"),
    [
        ("불안해", "진짜 너무 불안해"),
        ("슬퍼", "정말 슬퍼"),
        ("I'm tired", "I'm very tired"),
        ("I'm happy", "I'm so happy!!"),
        ("화나", "너무 화나!!"),
    ],
)
def test_intensifiers_raise_intensity(plain: str, intense: str) -> None:
    calm_reading, strong_reading = classify(plain), classify(intense)

    assert strong_reading.emotion is calm_reading.emotion
    assert strong_reading.intensity > calm_reading.intensity


@pytest.mark.parametrize("text", ["진짜 너무너무 불안하고 무서워!!!", "I'm so so depressed and hopeless!!", "ㅋ" * 50])
def test_intensity_stays_between_one_and_five(text: str) -> None:
    assert 1 <= classify(text).intensity <= 5


def test_mixed_feelings_are_not_confident() -> None:
    reading = classify("기쁘기도 하고 불안하기도 해")

    assert not reading.confident


def test_words_that_merely_contain_a_cue_do_not_count() -> None:
    assert classify("대화가 나를 살렸어").emotion is not Emotion.ANGER
    assert classify("마음이 불편해").emotion is not Emotion.CALM
    assert classify("I also went home").intensity == 1


def test_classification_is_deterministic() -> None:
    text = "요즘 회사 일이 너무 많아서 지치고 불안해요"

    assert {classify(text) for _ in range(5)} == {classify(text)}


@pytest.mark.parametrize(
    ("emotion", "korean"),
    [
        (Emotion.JOY, "기쁨"),
        (Emotion.CALM, "평온"),
        (Emotion.SADNESS, "슬픔"),
        (Emotion.ANXIETY, "불안"),
        (Emotion.ANGER, "분노"),
        (Emotion.TIREDNESS, "지침"),
    ],
)
def test_each_emotion_has_a_korean_name(emotion: Emotion, korean: str) -> None:
    assert emotion.korean_name == korean


def test_emotion_values_are_stable_strings() -> None:
    assert [e.value for e in Emotion] == ["joy", "calm", "sadness", "anxiety", "anger", "tiredness"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("never felt so happy", Emotion.JOY),  # an emphatic "never" raises the feeling
        ("I have never been this anxious", Emotion.ANXIETY),
        ("never happy", Emotion.SADNESS),  # a plain one still denies it
        ("ㅋㅋㅋ", Emotion.JOY),  # laughter survives NFKC (ㅋ becomes the conjoining ᄏ)
        ("😭😭", Emotion.SADNESS),
        ("회의 끝 😡", Emotion.ANGER),
        ("😴", Emotion.TIREDNESS),
    ],
)
def test_emphatic_never_laughter_and_emoji(text: str, expected: Emotion) -> None:
    assert classify(text).emotion is expected


# Issue 18: finer feelings the offline reading names, so a diary entry is answered for what it is.


@pytest.mark.parametrize(
    ("text", "emotion", "nuance"),
    [
        ("자존감이 바닥이다", Emotion.SADNESS, Nuance.SELF_WORTH),
        ("요즘 자존감이 너무 낮아", Emotion.SADNESS, Nuance.SELF_WORTH),
        ("나는 왜 이렇게 한심할까", Emotion.SADNESS, Nuance.SELF_WORTH),
        ("I feel worthless", Emotion.SADNESS, Nuance.SELF_WORTH),
        ("my self-esteem is so low", Emotion.SADNESS, Nuance.SELF_WORTH),
        ("마음이 텅 빈 것 같다", Emotion.SADNESS, Nuance.EMPTINESS),
        ("아무 감정도 안 든다", Emotion.SADNESS, Nuance.EMPTINESS),
        ("모든 게 허무하다", Emotion.SADNESS, Nuance.EMPTINESS),
        ("I feel so empty", Emotion.SADNESS, Nuance.EMPTINESS),
        ("친구한테 너무 미안하다", Emotion.SADNESS, Nuance.GUILT),
        ("죄책감이 들어", Emotion.SADNESS, Nuance.GUILT),
        ("I feel guilty about it", Emotion.SADNESS, Nuance.GUILT),
        ("혼자라서 쓸쓸한 저녁", Emotion.SADNESS, Nuance.LONELINESS),
        ("요즘 너무 외로워", Emotion.SADNESS, Nuance.LONELINESS),
        ("I've been so lonely", Emotion.SADNESS, Nuance.LONELINESS),
        ("졸업식이라 시원섭섭했다", Emotion.SADNESS, Nuance.MIXED),
        ("마음이 복잡하다", Emotion.ANXIETY, Nuance.MIXED),
        ("기쁘기도 하고 불안하기도 해", Emotion.ANXIETY, Nuance.MIXED),
        ("a bittersweet day", Emotion.SADNESS, Nuance.MIXED),
        ("기분이 가라앉았다", Emotion.SADNESS, None),
        ("하루 종일 마음이 축 처졌다", Emotion.SADNESS, None),
    ],
)
def test_low_self_worth_emptiness_guilt_loneliness_and_mixed_feelings_are_read(
    text: str, emotion: Emotion, nuance: Nuance | None
) -> None:
    reading = classify(text)

    assert (reading.emotion, reading.nuance) == (emotion, nuance)


@pytest.mark.parametrize("text", ["화가 좀 가라앉았다", "마음이 차분하게 가라앉았다", "긴장이 풀렸다"])
def test_an_anger_or_a_tension_that_settled_is_calm_not_a_sinking_mood(text: str) -> None:
    assert classify(text).emotion is Emotion.CALM


@pytest.mark.parametrize("text", ["기분이 가라앉지 않았다", "자존감이 높아졌다", "미안하지 않아"])
def test_denied_or_absent_cues_name_no_nuance(text: str) -> None:
    assert classify(text).nuance is None
