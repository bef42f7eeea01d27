"""The crisis gate's measured quality, rerun in CI: 5-fold cross-validation with a fixed seed on the shipped
corpus (the classifier never scored on what it trained on), per language. SAFETY.md records the same figures
and the per-family ones.

The goals of issue 12 (recall ≥ 0.97, false alarms ≤ 0.05 per language) are NOT reached yet: those two tests
are strict expected failures, so the day the gate reaches them they fail as "unexpectedly passing" and the
mark must come off. Until then the floors below, just under today's figures, stop any change from making the
gate worse."""

from __future__ import annotations

import functools

import pytest

from core.adapters.crisis_classifier import LANGUAGES, shipped_corpus
from core.adapters.safety_evaluation import Evaluation, cross_validate

RECALL_GOAL = 0.97
FALSE_ALARM_GOAL = 0.05
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 12 goal not reached yet; see SAFETY.md")
# Today's figures (SAFETY.md): ko recall 0.967, false alarms 0.034; en recall 0.963, false alarms 0.041.
RECALL_FLOOR = {"ko": 0.96, "en": 0.955}
FALSE_ALARM_CEILING = {"ko": 0.04, "en": 0.045}


@functools.cache
def evaluation() -> Evaluation:
    return cross_validate(shipped_corpus())


def test_the_corpus_is_large_and_balanced_across_signal_families() -> None:
    corpus = shipped_corpus()
    for lang in LANGUAGES:
        crisis = [e for e in corpus if e.lang == lang and e.crisis]
        safe = [e for e in corpus if e.lang == lang and not e.crisis]
        assert len(crisis) >= 250
        assert len(safe) >= 250
        assert {e.family for e in crisis} == {"wish", "plan", "means", "farewell", "burden", "passive", "self_harm"}
        assert {"hyperbole", "topic", "idiom", "quit", "breakup", "cooking", "medicine", "distress"} <= {
            e.family for e in safe
        }
    assert len({e.text for e in corpus}) == len(corpus)


@NOT_YET
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_layered_gate_meets_the_goals(lang: str) -> None:
    score = evaluation().layered[lang]
    assert score.recall.rate >= RECALL_GOAL
    assert score.false_alarms.rate <= FALSE_ALARM_GOAL


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_layered_gate_is_no_worse_than_today(lang: str) -> None:
    score = evaluation().layered[lang]
    assert score.recall.rate >= RECALL_FLOOR[lang]
    assert score.false_alarms.rate <= FALSE_ALARM_CEILING[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_classifier_adds_recall_over_the_rules_alone(lang: str) -> None:
    result = evaluation()
    assert result.layered[lang].recall.rate > result.rules[lang].recall.rate
