"""What a plain direct message is (small talk, a request for a verb, a lone number, a worry) and what a request
says beside the asking. Pure: the labelled examples come in from outside (core/adapters/intent_corpus.py)."""

from core.domain.intents.evaluation import IntentScores, evaluate
from core.domain.intents.reading import (
    REQUESTS,
    SMALL_TALK,
    Example,
    Intent,
    IntentModel,
    IntentReading,
    Tone,
    examples_of,
    reaction_tone,
    read_intent,
    variant,
)
from core.domain.intents.requests import diary_entry, reminder_request, reminder_text, stats_week

__all__ = [
    "REQUESTS",
    "SMALL_TALK",
    "Example",
    "Intent",
    "IntentModel",
    "IntentReading",
    "IntentScores",
    "Tone",
    "diary_entry",
    "evaluate",
    "examples_of",
    "reaction_tone",
    "read_intent",
    "reminder_request",
    "reminder_text",
    "stats_week",
    "variant",
]
