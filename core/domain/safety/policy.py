"""How the layers' findings become one verdict. A missed crisis costs far more than a false alarm, so the
policy leans towards firing: any strong rule fires; a weak rule fires when the classifier leans even a little
the same way; the classifier alone fires when it is fairly sure. The thresholds were chosen by 5-fold
cross-validation on the shipped corpus (SAFETY.md) and are checked by a test that reruns it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from core.domain.safety.rules import RuleHit

WEAK_RULE_AGREES: Final = 0.25  # a weak rule plus a classifier this unsure is enough
CLASSIFIER_ALONE: Final = 0.55  # the classifier on its own

CLASSIFIER: Final = "classifier"  # the reason when no rule fired
SECOND_OPINION: Final = "second_opinion"  # the reason when the model's second opinion fired


@dataclass(frozen=True, kw_only=True)
class SafetyVerdict:
    """`reason` names the signal family (or the layer) that fired; it never carries the user's words."""

    crisis: bool
    reason: str | None = None


SAFE: Final = SafetyVerdict(crisis=False)


def decide(hits: tuple[RuleHit, ...], probability: float | None) -> SafetyVerdict:
    """`probability` is the classifier's, or None when only the rules are asked (rules alone)."""
    strong = [hit for hit in hits if hit.strong]
    if strong:
        return SafetyVerdict(crisis=True, reason=strong[0].signal.value)
    if probability is None:
        return SAFE
    if hits and probability >= WEAK_RULE_AGREES:
        return SafetyVerdict(crisis=True, reason=hits[0].signal.value)
    if probability >= CLASSIFIER_ALONE:
        return SafetyVerdict(crisis=True, reason=CLASSIFIER)
    return SAFE
