"""The seven families of crisis signal, and how a rule is written: `ko(...)` for Korean (read on the squeezed
text), `en(...)` for English (read on the spaced text, each alternative a whole-word match)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Signal(StrEnum):
    WISH = "wish"  # a wish to die
    PLAN = "plan"  # a decision or plan, with a time or a place
    MEANS = "means"  # a method or the means: heights, rope, pills saved up, charcoal, rails, a car
    FAREWELL = "farewell"  # preparations and farewells
    BURDEN = "burden"  # hopelessness, being a burden
    PASSIVE = "passive"  # not waking up, vanishing forever
    SELF_HARM = "self_harm"  # self-harm acts and urges


class Strength(IntEnum):
    DOUBTFUL = 0  # a rule matched, but someone else is the subject or the message laughs at itself
    WEAK = 1  # a rule written for a hint, not a statement (a bare "사라지고 싶다", "i want to disappear")
    STRONG = 2  # enough on its own


@dataclass(frozen=True, kw_only=True)
class Rule:
    signal: Signal
    pattern: re.Pattern[str]
    korean: bool
    strong: bool = True


def ko(signal: Signal, *alternatives: str, strong: bool = True) -> Rule:
    return Rule(
        signal=signal, pattern=re.compile("|".join(f"(?:{a})" for a in alternatives)), korean=True, strong=strong
    )


def en(signal: Signal, *alternatives: str, strong: bool = True) -> Rule:
    return Rule(
        signal=signal, pattern=re.compile("|".join(rf"(?:\b{a}\b)" for a in alternatives)), korean=False, strong=strong
    )
