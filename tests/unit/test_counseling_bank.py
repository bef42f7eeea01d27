"""The offline counselor's response bank (core/data/counseling/*.toml): complete in both languages, every template
fillable, no sentence twice, questions only where a question belongs, no sleep advice where it does not fit."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest

from core.adapters.offline_counselor import Bank, load_bank
from core.domain.emotion import Emotion
from core.domain.particles import pair_for
from core.domain.values import Locale
from core.domain.worry_topics import Topic

PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]*))?\}")
SLEEP = re.compile(r"수면|잠자리|잠들|잠을|잠이|불면|자기 전|낮잠|sleep|bed\b|nap", re.IGNORECASE)
FEELINGS = list(Emotion)
TOPICS = [topic for topic in Topic if topic is not Topic.GENERAL]


def statements(bank: Bank) -> Iterator[tuple[str, str]]:
    """(where, template) for every template that is not a question."""
    follow = bank.follow_up
    for name in ("f_same", "f_other", "f_plain", "t_same", "t_other", "t_plain"):
        for text in getattr(follow, name):
            yield f"follow_up.{name}", text
    for feeling, good in bank.good.items():
        for text in (*good.frame, *good.steps):
            yield f"good.{feeling.value}", text
    for topic, part in bank.topics.items():
        for feeling, texts in part.reflect.items():
            for text in texts:
                yield f"{topic.value}.reflect.{feeling.value}", text
        for name in ("validation", "validation_good", "frame"):
            for text in getattr(part, name):
                yield f"{topic.value}.{name}", text
        for step in part.steps:
            yield f"{topic.value}.steps", step.text


def questions(bank: Bank) -> Iterator[tuple[str, str]]:
    for topic, part in bank.topics.items():
        for text in (*part.question, *part.question_good):
            yield topic.value, text


@pytest.mark.parametrize("locale", list(Locale))
def test_at_least_twelve_topics_times_six_feelings_with_several_variants(locale: Locale) -> None:
    bank = load_bank(locale)

    assert len(TOPICS) >= 12
    assert set(bank.topics) == set(Topic)
    assert len(FEELINGS) >= 6
    for topic, part in bank.topics.items():
        assert set(part.reflect) == set(Emotion), topic
        assert all(len(part.reflect[feeling]) >= 2 for feeling in Emotion), topic
        assert len(part.validation) >= 3 and len(part.validation_good) >= 2, topic
        assert len(part.question) >= 3 and len(part.question_good) >= 2, topic
        assert len(part.frame) >= 3, topic
        assert len(part.steps) >= 6, topic  # a follow-up gets three steps the first answer did not give
    assert set(bank.good) == {Emotion.JOY, Emotion.CALM}


def test_both_languages_have_the_same_shape() -> None:
    korean, english = load_bank(Locale.KO), load_bank(Locale.EN)

    for topic in Topic:
        ko, en = korean.topics[topic], english.topics[topic]
        assert {f: len(v) for f, v in ko.reflect.items()} == {f: len(v) for f, v in en.reflect.items()}, topic
        assert [len(ko.question), len(ko.frame), len(ko.steps)] == [len(en.question), len(en.frame), len(en.steps)]
        assert [s.feel for s in ko.steps] == [s.feel for s in en.steps], topic  # the same steps, said twice
        assert (ko.who is None) == (en.who is None), topic


@pytest.mark.parametrize("locale", list(Locale))
def test_every_template_names_only_known_words_with_real_particles(locale: Locale) -> None:
    bank = load_bank(locale)
    for where, text in [*statements(bank), *questions(bank)]:
        for name, spec in PLACEHOLDER.findall(text):
            assert name in {"phrase", "who", "earlier"}, (where, text)
            assert not spec or pair_for(spec) is not None, (where, text)
            assert not spec or locale is Locale.KO, (where, text)
        assert not re.search(r"\((?:은|는|이|가|을|를|과|와|으)\)", text), (where, text)


@pytest.mark.parametrize("locale", list(Locale))
def test_each_reflection_says_the_persons_words_back(locale: Locale) -> None:
    for topic, part in load_bank(locale).topics.items():
        for texts in part.reflect.values():
            assert all("{phrase" in text or "{who" in text for text in texts), topic


@pytest.mark.parametrize("locale", list(Locale))
def test_no_sentence_appears_twice_in_the_bank(locale: Locale) -> None:
    bank = load_bank(locale)
    counts = Counter(text for _, text in [*statements(bank), *questions(bank)])

    assert [text for text, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("locale", list(Locale))
def test_only_questions_ask_and_each_asks_one_thing(locale: Locale) -> None:
    bank = load_bank(locale)
    for where, text in statements(bank):
        if ".steps" not in where:  # a step may quote a question to ask someone ("그때 무슨 뜻이었어?")
            assert "?" not in text, (where, text)
    for where, text in questions(bank):
        assert text.endswith("?") and text.count("?") == 1, (where, text)


@pytest.mark.parametrize("locale", list(Locale))
@pytest.mark.parametrize("topic", [Topic.ILLNESS, Topic.GRIEF, Topic.MONEY, Topic.BREAKUP])
def test_heavy_situations_carry_no_sleep_advice(locale: Locale, topic: Topic) -> None:
    part = load_bank(locale).topics[topic]
    texts = [*part.frame, *(s.text for s in part.steps), *part.validation, *part.question]

    assert [text for text in texts if SLEEP.search(text)] == []


def test_korean_is_polite_and_never_says_dangsin() -> None:
    bank = load_bank(Locale.KO)
    for where, text in [*statements(bank), *questions(bank)]:
        assert "당신" not in text, where
        assert text.endswith(("요.", "요?", "죠.", "세요.")), (where, text)
