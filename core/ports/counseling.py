"""Counseling's conversations, worries, answers and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.values import ConversationId, Persona, UserId, WorryId
from core.products.counseling.domain import Feedback, Turn, Worry


class Counseling(Protocol):
    async def current_conversation(self, user_id: UserId) -> ConversationId | None: ...

    async def open_conversation(self, user_id: UserId, now: datetime) -> ConversationId: ...

    async def close_conversations(self, user_id: UserId, now: datetime) -> int: ...

    async def add_worry(
        self,
        *,
        user_id: UserId,
        conversation_id: ConversationId | None,
        text: str | None,
        crisis: bool,
        now: datetime,
        update_key: str | None = None,
    ) -> WorryId: ...

    async def worry_for_update(self, user_id: UserId, update_key: str) -> Worry | None:
        """The worry the platform update `update_key` recorded, if any: handling that update again goes on with it."""
        ...

    async def mark_answered(self, worry_id: WorryId, *, offline: bool) -> None: ...

    async def count_worries_since(self, user_id: UserId, since: datetime, *, offline_too: bool = False) -> int:
        """Worries that count against the quota (crisis texts and worries answered offline never do); with
        `offline_too`, every worry a person shared (their week's stats and /home), crisis texts still left out."""
        ...

    async def add_turn(
        self, *, conversation_id: ConversationId, worry_id: WorryId, role: str, text: str, now: datetime
    ) -> None: ...

    async def recent_turns(self, conversation_id: ConversationId, *, worries: int) -> list[Turn]:
        """Turns of the last `worries` worries of a conversation, oldest first."""
        ...

    async def get_worry(self, worry_id: WorryId) -> Worry | None: ...

    async def last_crisis_at(self, user_id: UserId) -> datetime | None:
        """When the crisis gate last answered this user, if ever."""
        ...

    async def mark_crisis(self, worry_id: WorryId) -> None:
        """A worry found to be a crisis after it was recorded: its text and turns are dropped."""
        ...

    async def add_feedback(self, *, user_id: UserId, worry_id: WorryId, persona: Persona, now: datetime) -> bool:
        """Record "this helped"; False when already recorded."""
        ...

    async def worries_of(self, user_id: UserId) -> list[Worry]: ...

    async def turns_of(self, user_id: UserId) -> list[Turn]: ...

    async def feedback_of(self, user_id: UserId) -> list[Feedback]: ...

    async def redact_texts(self, user_id: UserId) -> None:
        """Drop every stored worry and answer text of a user (consent withdrawn); counts stay."""
        ...

    async def forget_user(self, user_id: UserId) -> None:
        """Delete what this holds of a person (/forget)."""
        ...

    async def fold_user(self, source: UserId, target: UserId) -> None:
        """An account joins another (/link): what this holds of `source` moves to `target` (or goes)."""
        ...
