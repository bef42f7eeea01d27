"""Measuring the crisis gate: recall and false alarms per language and per signal family, for the rules alone
and for the layered gate (rules + classifier, combined by the policy), under stratified 5-fold
cross-validation with a fixed seed — the classifier is never scored on a sentence it was trained on.
Used by the CI test (tests/unit/test_safety_evaluation.py) and by `bench/safety_eval.py`, which writes the
figures in SAFETY.md."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.adapters.crisis_classifier import SEED, CharNgramCrisisClassifier, Example
from core.domain.safety import decide, read


@dataclass
class Tally:
    fired: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.fired / self.total if self.total else 0.0


@dataclass
class LanguageScore:
    """Recall over crisis sentences, false-alarm rate over safe ones, and both per family."""

    recall: Tally = field(default_factory=Tally)
    false_alarms: Tally = field(default_factory=Tally)
    families: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def add(self, example: Example, fired: bool) -> None:
        (self.recall if example.crisis else self.false_alarms).fired += fired
        (self.recall if example.crisis else self.false_alarms).total += 1
        family = self.families[f"{'crisis' if example.crisis else 'safe'}:{example.family}"]
        family.fired += fired
        family.total += 1


@dataclass
class Evaluation:
    rules: dict[str, LanguageScore] = field(default_factory=lambda: defaultdict(LanguageScore))
    layered: dict[str, LanguageScore] = field(default_factory=lambda: defaultdict(LanguageScore))


def _score(
    evaluation: Evaluation, examples: Sequence[Example], probability: Callable[[Sequence[str]], list[float]]
) -> None:
    probabilities = probability([e.text for e in examples])
    for example, p in zip(examples, probabilities, strict=True):
        text = read(example.text)
        evaluation.rules[example.lang].add(example, decide(text, None).crisis)
        evaluation.layered[example.lang].add(example, decide(text, p).crisis)


def cross_validate(examples: Sequence[Example], *, folds: int = 5, seed: int = SEED) -> Evaluation:
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{e.lang}:{int(e.crisis)}" for e in examples]
    evaluation = Evaluation()
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(examples, strata):
        classifier = CharNgramCrisisClassifier.train([examples[i] for i in train])
        _score(evaluation, [examples[i] for i in test], classifier.probabilities)
    return evaluation


def held_out(train: Sequence[Example], test: Sequence[Example]) -> Evaluation:
    """Trained on one set, scored on another written apart from it."""
    evaluation = Evaluation()
    _score(evaluation, test, CharNgramCrisisClassifier.train(train).probabilities)
    return evaluation


def markdown(evaluation: Evaluation) -> str:
    """The tables SAFETY.md shows."""
    lines = ["| language | layer | recall | false alarms |", "|---|---|---|---|"]
    for lang in sorted(evaluation.layered, reverse=True):
        for name, scores in (("rules alone", evaluation.rules), ("layered gate", evaluation.layered)):
            score = scores[lang]
            lines.append(
                f"| {lang} | {name} | {score.recall.rate:.3f} ({score.recall.fired}/{score.recall.total}) "
                f"| {score.false_alarms.rate:.3f} ({score.false_alarms.fired}/{score.false_alarms.total}) |"
            )
    lines += ["", "| language | family | rules alone | layered gate |", "|---|---|---|---|"]
    for lang in sorted(evaluation.layered, reverse=True):
        for family in sorted(evaluation.layered[lang].families):
            rules = evaluation.rules[lang].families[family]
            layered = evaluation.layered[lang].families[family]
            what = "caught" if family.startswith("crisis:") else "false alarms"
            lines.append(
                f"| {lang} | {family} ({what}) | {rules.fired}/{rules.total} | {layered.fired}/{layered.total} |"
            )
    return "\n".join(lines)
