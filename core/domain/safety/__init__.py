"""The crisis gate's pure parts: reading the text (`normalize`), Korean endings (`korean`), rules by signal
(`rules`) and the policy that combines them with the classifier (`policy`). The classifier itself is an
adapter (core/adapters/crisis_classifier.py) trained on the corpus in core/data/safety/; the service that
answers a crisis is core/usecases/safety_gate.py."""

from __future__ import annotations

from core.domain.safety.normalize import ReadText, read
from core.domain.safety.policy import CLASSIFIER, SAFE, SECOND_OPINION, SafetyVerdict, decide
from core.domain.safety.rules import RuleHit, Signal, rule_hits


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
