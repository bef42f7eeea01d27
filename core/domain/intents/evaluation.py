"""How well the intent reading does on labelled examples it was not built from (the held-out part)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.domain.intents.reading import SMALL_TALK, Example, Intent, IntentModel, read_intent


@dataclass(frozen=True, kw_only=True)
class IntentScores:
    examples: int
    right: Counter[Intent] = field(default_factory=Counter)
    seen: Counter[Intent] = field(default_factory=Counter)
    small_talk_as_worry: int = 0
    small_talk: int = 0
    worry_as_other: int = 0  # a worry read as small talk or a request: the person is not heard
    unsure: int = 0
    mistakes: tuple[tuple[Example, Intent], ...] = ()

    def accuracy(self, intent: Intent) -> float:
        return self.right[intent] / self.seen[intent] if self.seen[intent] else 1.0

    @property
    def small_talk_as_worry_rate(self) -> float:
        return self.small_talk_as_worry / self.small_talk if self.small_talk else 0.0

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / self.examples if self.examples else 1.0


def evaluate(model: IntentModel, examples: Iterable[Example]) -> IntentScores:
    """Each example read as a person's message would be; an unsure request counts as that request (the person is
    asked to confirm it), an unsure small talk as the worry it is taken for."""
    right: Counter[Intent] = Counter()
    seen: Counter[Intent] = Counter()
    mistakes: list[tuple[Example, Intent]] = []
    small_talk = small_talk_as_worry = worry_as_other = unsure = total = 0
    for example in examples:
        reading = read_intent(example.text, model)
        total += 1
        seen[example.intent] += 1
        unsure += not reading.sure
        if reading.intent is example.intent:
            right[example.intent] += 1
        else:
            mistakes.append((example, reading.intent))
        if example.intent in SMALL_TALK:
            small_talk += 1
            small_talk_as_worry += reading.intent is Intent.WORRY
        if example.intent is Intent.WORRY and reading.intent is not Intent.WORRY:
            worry_as_other += 1
    return IntentScores(
        examples=total,
        right=right,
        seen=seen,
        small_talk_as_worry=small_talk_as_worry,
        small_talk=small_talk,
        worry_as_other=worry_as_other,
        unsure=unsure,
        mistakes=tuple(mistakes),
    )
