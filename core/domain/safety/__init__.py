"""The crisis gate's pure parts: reading the text (`normalize`), Korean endings from stems (`korean`), the seven
signal families and how a rule is written (`signals`), the rules themselves (`rules_korean`, `rules_english`),
matching them with denials, reported speech, third persons and jokes in mind (`rules`), and the policy that
combines them with the classifier (`policy`). The classifier is an adapter (core/adapters/crisis_classifier.py)
trained on the corpus in core/data/safety/; the service that answers a crisis is core/usecases/safety_gate.py."""

from __future__ import annotations

from core.domain.safety.normalize import ReadText, read
from core.domain.safety.policy import CLASSIFIER, SAFE, SECOND_OPINION, SafetyVerdict, decide
from core.domain.safety.rules import RuleHit, rule_hits
from core.domain.safety.signals import Signal


def assess_rules(text: str) -> SafetyVerdict:
    """The rules alone: what the gate says with no classifier (the baseline SAFETY.md compares against)."""
    return decide(read(text), None)


__all__ = [
    "CLASSIFIER",
    "SAFE",
    "SECOND_OPINION",
    "ReadText",
    "RuleHit",
    "SafetyVerdict",
    "Signal",
    "assess_rules",
    "decide",
    "read",
    "rule_hits",
]
