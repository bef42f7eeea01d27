"""The crisis gate must catch every way people say they are at risk, and stay quiet for hyperbole."""

from __future__ import annotations

import pytest

from core.domain.safety import INDIRECT, SELF_HARM, SUICIDAL_IDEATION, SafetyVerdict, assess

CRISIS_TEXTS = [
    "죽고 싶어",
    "죽고싶다",
    "자살하고 싶어요",
    "그냥 사라지고 싶어",
    "살고 싶지 않아",
    "살기 싫다",
    "더 이상 살 이유가 없어",
    "내가 없어지면 다들 편하겠지",
    "모든 걸 끝내고 싶어",
    "손목을 그었어",
    "자해를 했어",
    "유서를 썼어",
    "옥상에서 뛰어내리고 싶어",
    "잠들어서 영영 안 깨어났으면 좋겠어",
    "태어나지 말았어야 했어",
    "극단적인 선택을 생각해",
    "I want to die",
    "I want to kill myself",
    "thinking about suicide",
    "I don't want to live anymore",
    "everyone would be better off without me",
    "I want to end it all",
    "I've been cutting myself",
    "I wish I could go to sleep and never wake up",
    "there's no reason to keep living",
    "I'm going to end my life",
]

EVERYDAY_TEXTS = [
    "배고파 죽겠다",
    "더워 죽겠어",
    "힘들어 죽을 것 같아",
    "웃겨 죽는 줄 알았어",
    "보고 싶어 죽겠어",
    "졸려 죽겠네",
    "죽을 만큼 웃었어",
    "this homework is killing me",
    "I'm dying to see that movie",
    "I could die of embarrassment lol",
    "I'd kill for a coffee",
    "you're killing it!",
    "my feet are killing me",
    "죽이는 맛이야",
    "I don't want to die",
    "죽고 싶지 않아",
    "요즘 잠이 안 와요",
    "회사 가기 싫어",
    "I'm so tired of this job",
]

SPACING_AND_CASE_VARIANTS = [
    "죽 고 싶 어",
    "죽고  싶어요...",
    "살고싶지않아",
    "자 해 했어",
    "I WANT TO DIE",
    "I Don\u2019t Want To Live Anymore",
    "want   to   die",
]


@pytest.mark.parametrize("text", CRISIS_TEXTS)
def test_risk_of_suicide_or_self_harm_is_a_crisis(text: str) -> None:
    verdict = assess(text)

    assert verdict.crisis
    assert verdict.reason in {SUICIDAL_IDEATION, SELF_HARM, INDIRECT}


@pytest.mark.parametrize("text", EVERYDAY_TEXTS)
def test_everyday_hyperbole_and_negation_are_not_a_crisis(text: str) -> None:
    assert assess(text) == SafetyVerdict(crisis=False, reason=None)


@pytest.mark.parametrize("text", SPACING_AND_CASE_VARIANTS)
def test_spacing_and_casing_do_not_hide_a_crisis(text: str) -> None:
    assert assess(text).crisis


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("죽고 싶어", SUICIDAL_IDEATION),
        ("I want to kill myself", SUICIDAL_IDEATION),
        ("손목을 그었어", SELF_HARM),
        ("I've been cutting myself", SELF_HARM),
        ("그냥 사라지고 싶어", INDIRECT),
        ("everyone would be better off without me", INDIRECT),
    ],
)
def test_reason_names_the_category_of_risk(text: str, reason: str) -> None:
    assert assess(text).reason == reason


@pytest.mark.parametrize("text", CRISIS_TEXTS)
def test_reason_never_carries_the_users_words(text: str) -> None:
    reason = assess(text).reason

    assert reason is not None
    assert reason not in text
    assert text not in reason
    assert all(word not in reason for word in text.split() if len(word) > 3)


def test_crisis_inside_a_longer_message_is_still_found() -> None:
    text = "오늘 회사에서 또 혼났어. 배고파 죽겠는데 밥도 못 먹었고… 솔직히 요즘은 그냥 사라지고 싶어."

    assert assess(text).crisis


def test_empty_text_is_not_a_crisis() -> None:
    assert not assess("").crisis
    assert not assess("   ").crisis


def test_verdict_is_immutable() -> None:
    verdict = assess("죽고 싶어")

    with pytest.raises(AttributeError):
        verdict.crisis = False  # type: ignore[misc]
