"""Counseling's records and the rules beside the prompts: worries, turns and feedback; what a worry costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.values import ConversationId, Persona, UserId, WorryId


@dataclass(frozen=True, kw_only=True)
class Worry:
    id: WorryId
    user_id: UserId
    conversation_id: ConversationId | None
    created_at: datetime
    text: str | None  # None when the user had not consented, or for crisis texts
    crisis: bool
    answered: bool = False
    answered_offline: bool = False


@dataclass(frozen=True, kw_only=True)
class Turn:
    """One utterance in a counseling conversation: the user's worry or one persona's answer."""

    worry_id: WorryId
    role: str  # "user", "F" or "T"
    text: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class Feedback:
    worry_id: WorryId
    persona: Persona
    created_at: datetime


def over_quota(*, worries_today: int, daily_free: int) -> bool:
    """Past the free worries of the day a worry the model answers costs points (an offline answer never does)."""
    return worries_today >= daily_free
