"""How the layers' findings become one verdict. A missed crisis costs far more than a false alarm, so the
policy leans towards firing: any strong rule fires; a weak rule fires when the classifier leans even a little
the same way; the classifier alone fires when it is fairly sure. The thresholds were chosen by 5-fold
cross-validation on the shipped corpus (SAFETY.md) and are checked by a test that reruns it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from core.domain.safety.normalize import ReadText
from core.domain.safety.rules import (
    RuleHit,
    benign_context,
    denies_risk,
    long_enough_for_classifier,
    rule_hits,
    talks_about_fiction,
)
from core.domain.safety.signals import Strength

WEAK_RULE_AGREES: Final = 0.2  # a weak rule plus a classifier this unsure is enough
# The classifier on its own, per language: its scores are spread differently for Korean and English text.
CLASSIFIER_ALONE: Final = {"ko": 0.55, "en": 0.6}
# …and in a book club, where talk of death and goodbyes is about the book: "I read the letter as giving up"
# scored 0.65, "저는 주인공의 편지가 결국 용서였다고 생각했어요" 0.64; a writer's own crisis scores 0.9 and more.
READING_CLUB_CLASSIFIER_ALONE: Final = 0.8

CLASSIFIER: Final = "classifier"  # the reason when no rule fired
SECOND_OPINION: Final = "second_opinion"  # the reason when the model's second opinion fired


@dataclass(frozen=True, kw_only=True)
class SafetyVerdict:
    """`reason` names the signal family (or the layer) that fired; it never carries the user's words."""

    crisis: bool
    reason: str | None = None


SAFE: Final = SafetyVerdict(crisis=False)


def decide(text: ReadText, probability: float | None, *, reading_club: bool = False) -> SafetyVerdict:
    """`probability` is the classifier's, or None when only the rules are asked (rules alone).

    `reading_club`: the text was said in a book club, where a character's death, farewell or letter is the
    book's and death words are everyday talk. There a rule whose subject may be someone else counts not at all
    when the text talks about the book, and the classifier alone must be much surer; the writer's own words
    (strong and weak rules) count as anywhere."""
    hits = rule_hits(text)
    if reading_club and talks_about_fiction(text):
        hits = tuple(hit for hit in hits if hit.strength is not Strength.DOUBTFUL)
    language = "ko" if text.korean else "en"
    return combine(
        hits,
        probability,
        denied=denies_risk(text) or not long_enough_for_classifier(text),
        benign=benign_context(text),
        joking=text.joking,
        alone=READING_CLUB_CLASSIFIER_ALONE if reading_club else CLASSIFIER_ALONE[language],
    )


def combine(
    hits: tuple[RuleHit, ...],
    probability: float | None,
    *,
    denied: bool,
    benign: bool,
    joking: bool,
    alone: float,
) -> SafetyVerdict:
    """`denied` and `benign`: the classifier may not fire alone."""
    strong = [hit for hit in hits if hit.strong]
    if strong:
        return SafetyVerdict(crisis=True, reason=strong[0].signal.value)
    if probability is None:
        return SAFE
    # A weak rule needs the classifier to lean its way; a doubtful one (someone else is the subject, or the
    # message laughs: "disappear from this meeting lol") needs the classifier's full say.
    if hits:
        needed = WEAK_RULE_AGREES if hits[0].strength is Strength.WEAK and not joking else alone
        if probability >= needed:
            return SafetyVerdict(crisis=True, reason=hits[0].signal.value)
    # Alone, the classifier never overrules an explicit denial, a text too short to judge, or an everyday object
    # of "finish" and "quit" (a report, a breakup) or a laugh: its n-grams cannot tell those from the real thing.
    if denied or benign:
        return SAFE
    if probability >= alone:
        return SafetyVerdict(crisis=True, reason=CLASSIFIER)
    return SAFE
