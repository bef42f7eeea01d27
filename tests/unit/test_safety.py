"""The crisis gate must catch every way people say they are at risk, and stay quiet for hyperbole.

These run the layered gate as the product does: normalisation, rules by signal, and the classifier trained on
the shipped corpus. The measured figures (5-fold cross-validation) are in test_safety_evaluation.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.adapters.crisis_classifier import (
    VIEWS,
    CharNgramCrisisClassifier,
    cache_key,
    ngram_reader,
    shipped_classifier,
    shipped_corpus,
    trained_or_cached,
)
from core.domain.safety import SafetyVerdict, Signal, assess_rules, decide, read, rule_hits
from core.domain.safety.korean import attach
from tests.conftest import make_settings

CLASSIFIER = shipped_classifier(make_settings().crisis_cache_dir)


def assess(text: str) -> SafetyVerdict:
    seen = read(text)
    return decide(seen, CLASSIFIER.probability(seen) if text.strip() else 0.0)


# The misses a new user found (issue 12), word for word, and the example of SPEC §2.
ISSUE_PHRASES = [
    "다 끝내고 싶다",
    "내일이 안 왔으면 좋겠어",
    "약을 다 모아뒀어",
    "ㅈㅅ하고 싶다",
    "I want to unalive myself",
    "I don't want to wake up tomorrow",
    "내가 없어지면 다 편할 거야",
    "이따 밤에 한강 가서 뛰어내릴 거야",
]

CRISIS_TEXTS = [
    "죽고 싶어",
    "자살하고 싶어요",
    "그냥 사라지고 싶어",
    "살고 싶지 않아",
    "더 이상 살 이유가 없어",
    "손목을 그었어",
    "유서를 썼어",
    "옥상에서 뛰어내리고 싶어",
    "잠들어서 영영 안 깨어났으면 좋겠어",
    "태어나지 말았어야 했어",
    "I want to die",
    "I want to kill myself",
    "I'm going to jump off the bridge tonight",
    "I searched how to hang myself",
    "I've been saving up my pills to take them all at once",
    "I wrote a goodbye letter to my family",
    "no one would notice if I vanished",
    "everyone would be better off without me",
    "I've been cutting myself",
    "kms",
    "i should kys",
]

EVERYDAY_TEXTS = [
    "축구하다 자살골 넣었어",
    "쥐구멍에 숨고 싶다",
    "배고파 죽겠다",
    "this homework is killing me",
    "I want to disappear from this meeting lol",
    "더워 죽겠어",
    "웃겨 죽는 줄 알았어",
    "죽이는 맛이야",
    "I'm dying to see that movie",
    "I'd kill for a coffee",
    "I don't want to die",
    "죽고 싶지 않아",
    "요즘 잠이 안 와요",
    "회사 가기 싫어",
    "오늘 밤에 보고서 다 끝낼 거야",
    "약 먹을 시간 알려줘",
    "ㅈㅅㅈㅅ 늦었어",
]


@pytest.mark.parametrize("text", ISSUE_PHRASES + CRISIS_TEXTS)
def test_risk_of_suicide_or_self_harm_is_a_crisis(text: str) -> None:
    assert assess(text).crisis


@pytest.mark.parametrize("text", EVERYDAY_TEXTS)
def test_everyday_hyperbole_idioms_and_denials_are_not_a_crisis(text: str) -> None:
    assert assess(text) == SafetyVerdict(crisis=False, reason=None)


@pytest.mark.parametrize(
    "text",
    [
        "죽 고 싶 어",
        "죽고싶다ㅏㅏㅏ",
        "ㅈㅅㅎㄱㅅㄷ",
        "k i l l  m y s e l f",
        "I WANT TO DIE",
        "i want to dieeee",
        "s*icide 하고 싶다",
    ],
)
def test_spacing_repeats_jamo_and_slang_do_not_hide_a_crisis(text: str) -> None:
    assert assess(text).crisis


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("이따 밤에 한강 가서 뛰어내릴 거야", Signal.PLAN),
        ("약을 다 모아뒀어", Signal.MEANS),
        ("유서를 썼어", Signal.FAREWELL),
        ("내가 없어지면 다 편할 거야", Signal.BURDEN),
        ("내일이 안 왔으면 좋겠어", Signal.PASSIVE),
        ("손목을 그었어", Signal.SELF_HARM),
        ("I want to kill myself", Signal.WISH),
        ("I searched how to hang myself", Signal.MEANS),
    ],
)
def test_the_rules_name_the_signal_family(text: str, signal: Signal) -> None:
    assert signal in {hit.signal for hit in rule_hits(read(text))}


@pytest.mark.parametrize("ending", ["뛰어내릴 거야", "뛰어내리려고", "뛰어내릴까", "뛰어내리기로 했어", "뛰어내릴래"])
def test_korean_endings_come_from_the_stem_not_one_pattern_per_tense(ending: str) -> None:
    assert assess_rules(f"옥상에서 {ending}").crisis


def test_a_fear_or_a_likelihood_is_not_a_plan() -> None:
    assert not assess_rules("이러다 죽을 것 같아").crisis
    assert not assess_rules("떨어질까 봐 무서워").crisis


@pytest.mark.parametrize(
    ("stem", "ending", "surface"),
    [
        ("뛰어내리", "ㄹ거", "뛰어내릴거"),
        ("죽", "으려고", "죽으려고"),
        ("사라지", "어ㅆ으면", "사라졌으면"),
        ("하", "어야겠", "해야겠"),
        ("살", "ㄴ다", "산다"),
        ("모으", "어ㅆ어", "모았어"),
    ],
)
def test_endings_attach_by_korean_morphology(stem: str, ending: str, surface: str) -> None:
    assert attach(stem, ending) == surface


def test_a_crisis_inside_a_longer_message_is_still_found() -> None:
    text = "오늘 회사에서 또 혼났어. 배고파 죽겠는데 밥도 못 먹었고… 솔직히 요즘은 그냥 사라지고 싶어."

    assert assess(text).crisis


@pytest.mark.parametrize("text", ISSUE_PHRASES)
def test_reason_is_a_code_never_the_users_words(text: str) -> None:
    reason = assess(text).reason

    assert reason is not None
    assert reason.isascii()
    assert all(word not in reason for word in text.split() if len(word) > 3)


def test_empty_text_is_not_a_crisis() -> None:
    assert not assess("").crisis
    assert not assess("   ").crisis


def test_the_fast_scorer_agrees_with_scikit_learn_and_survives_the_cache(tmp_path: Path) -> None:
    classifier = CharNgramCrisisClassifier.train(shipped_corpus()[::3])
    classifier.save(tmp_path / "tables.npz")
    reloaded = CharNgramCrisisClassifier.load(tmp_path / "tables.npz")
    for example in shipped_corpus()[1::97]:
        seen = read(example.text)
        expected = classifier.fitted_probability(example.text)
        assert classifier.probability(seen) == pytest.approx(expected, abs=1e-9)
        assert reloaded.probability(seen) == pytest.approx(expected, abs=1e-9)


def test_the_ngram_readers_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    for view, kind, lengths in VIEWS:
        theirs = TfidfVectorizer(analyzer=kind, ngram_range=lengths, lowercase=False).build_analyzer()
        ours = ngram_reader(kind, lengths)
        for example in shipped_corpus()[::41]:
            text = getattr(read(example.text), view)
            assert ours(text) == theirs(text)


def test_an_unreadable_cache_only_costs_the_training(tmp_path: Path) -> None:
    (tmp_path / f"crisis-classifier-{cache_key()}.npz").write_bytes(b"not an archive")
    classifier = trained_or_cached(tmp_path)
    assert classifier.probability(read("약을 다 모아뒀어")) > 0.5
    assert trained_or_cached(tmp_path).probability(read("약을 다 모아뒀어")) == pytest.approx(
        classifier.probability(read("약을 다 모아뒀어"))
    )


@pytest.mark.parametrize(
    "text",
    [
        "저는 주인공의 편지가 결국 용서였다고 생각했어요",
        "주인공이 마지막에 편지를 남기고 떠나요",
        "주인공이 자살하는 장면이 너무 슬펐어요",
        "결말에서 주인공이 사라지고 싶다고 말하잖아요",
        "I read the letter as giving up, honestly",
        "I think she wanted to die at the end of the book",
        "The narrator says goodbye to everyone in the last chapter",
    ],
)
def test_in_a_reading_club_a_characters_death_or_farewell_is_the_books(text: str) -> None:
    seen = read(text)
    assert not decide(seen, CLASSIFIER.probability(seen), reading_club=True).crisis


@pytest.mark.parametrize(
    "text",
    [
        "주인공처럼 나도 사라지고 싶어",
        "나도 주인공처럼 편지 남기고 떠나고 싶다",
        "이 책 읽다가 나도 죽고 싶어졌어",
        "요즘은 그냥 다 끝내고 죽고 싶어요",
        "책 얘기는 됐고 오늘 밤에 다 끝낼 거야",
        "reading this book i realised i want to die",
        "honestly i'm giving up on everything",
        "I want to die like the narrator did",
    ],
)
def test_in_a_reading_club_the_writers_own_crisis_still_fires(text: str) -> None:
    seen = read(text)
    assert decide(seen, CLASSIFIER.probability(seen), reading_club=True).crisis


@pytest.mark.parametrize("text", ["그 사람이 계속 생각나요", "여자친구가 자꾸 생각나", "할머니가 문득 생각나요"])
def test_someone_coming_to_mind_is_missing_them_not_a_crisis(text: str) -> None:
    seen = read(text)
    assert not decide(seen, CLASSIFIER.probability(seen)).crisis


@pytest.mark.parametrize("text", ["죽고 싶다는 생각이 자꾸 나", "그 사람이 생각나서 죽고 싶어"])
def test_a_wish_beside_someone_coming_to_mind_still_fires(text: str) -> None:
    seen = read(text)
    assert decide(seen, CLASSIFIER.probability(seen)).crisis


@pytest.mark.parametrize(
    "text",
    ["i want to invite my friend", "i want to add a friend", "take my pills", "I forgot to take my pills",
     "약 먹는 거 까먹었어"],
)  # fmt: skip
def test_everyday_requests_about_friends_and_medicine_are_not_a_crisis(text: str) -> None:
    seen = read(text)
    assert not decide(seen, CLASSIFIER.probability(seen)).crisis


@pytest.mark.parametrize(
    "text",
    [
        "i want to take all my pills",
        "약 다 먹어버릴까",
        "수면제 한 통 다 먹을 거야",
        "i have no friends and i want to die",
    ],
)
def test_pills_and_friends_beside_a_plan_or_a_wish_still_fire(text: str) -> None:
    seen = read(text)
    assert decide(seen, CLASSIFIER.probability(seen)).crisis
