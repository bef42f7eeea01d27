"""The crisis gate's measured quality, rerun in CI: 5-fold cross-validation with a fixed seed on the shipped
corpus (the classifier never scored on what it trained on), per language, against the goals of issue 12:
recall ≥ 0.97 and false alarms ≤ 0.05. SAFETY.md records the same figures, the per-family ones and those on
independent held-out sets."""

from __future__ import annotations

import functools

import pytest

from core.adapters.crisis_classifier import LANGUAGES, shipped_corpus
from core.adapters.safety_evaluation import Evaluation, cross_validate

RECALL_GOAL = 0.97
FALSE_ALARM_GOAL = 0.05


@functools.cache
def evaluation() -> Evaluation:
    return cross_validate(shipped_corpus())


def test_the_corpus_is_large_and_balanced_across_signal_families() -> None:
    corpus = shipped_corpus()
    for lang in LANGUAGES:
        crisis = [e for e in corpus if e.lang == lang and e.crisis]
        safe = [e for e in corpus if e.lang == lang and not e.crisis]
        assert len(crisis) >= 300
        assert len(safe) >= 300
        assert {e.family for e in crisis} == {"wish", "plan", "means", "farewell", "burden", "passive", "self_harm"}
        assert {"hyperbole", "topic", "idiom", "quit", "breakup", "cooking", "medicine", "distress"} <= {
            e.family for e in safe
        }
    assert len({e.text for e in corpus}) == len(corpus)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_layered_gate_meets_the_recall_goal(lang: str) -> None:
    assert evaluation().layered[lang].recall.rate >= RECALL_GOAL


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_layered_gate_keeps_false_alarms_under_the_goal(lang: str) -> None:
    assert evaluation().layered[lang].false_alarms.rate <= FALSE_ALARM_GOAL


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_classifier_adds_recall_over_the_rules_alone(lang: str) -> None:
    result = evaluation()
    assert result.layered[lang].recall.rate > result.rules[lang].recall.rate + 0.2
