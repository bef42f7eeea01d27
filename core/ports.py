"""The core's ports: small Protocols named for the role they play."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel

from core.domain.records import Feedback, Identity, Turn, UsageRecord, User, Worry
from core.domain.values import ConversationId, Locale, Persona, UserId, WorryId
from core.replies import Reply

# --- time -------------------------------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


# --- secrets at rest --------------------------------------------------------------------------


class Cipher(Protocol):
    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, stored: str) -> str: ...


# --- the language model -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, kw_only=True)
class ModelCall:
    """One request to a model. `subject` is the user's raw text, kept for offline fallbacks."""

    purpose: str
    messages: tuple[ChatMessage, ...]
    locale: Locale
    subject: str
    persona: Persona | None = None
    max_tokens: int = 700


@dataclass(frozen=True, kw_only=True)
class TextDelta:
    text: str


@dataclass(frozen=True, kw_only=True)
class CallFinished:
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: int
    offline: bool = False


StreamEvent = TextDelta | CallFinished
SchemaT = TypeVar("SchemaT", bound=BaseModel)


class LanguageModel(Protocol):
    @property
    def offline(self) -> bool:
        """True for the built-in scripted counselor (answers are labelled as such)."""
        ...

    def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        """Yield text deltas, then exactly one CallFinished. Raises LanguageModelUnavailable."""
        ...

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        """Ask for a JSON object and validate it against `schema`. Raises LanguageModelUnavailable."""
        ...


# --- the conversation the user is in -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MessageRef:
    """A message the bot sent, as the platform adapter knows it (opaque to the core)."""

    id: str


class Responder(Protocol):
    async def send(self, reply: Reply) -> MessageRef: ...

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        """Replace a sent message; adapters may coalesce non-final edits to respect rate limits."""
        ...

    async def show_typing(self) -> None: ...


# --- operator alerts --------------------------------------------------------------------------


class OpsAlerts(Protocol):
    async def alert(self, event: str, **fields: str | int) -> None:
        """Tell the operator something happened. Never pass user-written text here."""
        ...


# --- short-lived shared locks -----------------------------------------------------------------


class Locks(Protocol):
    def hold(self, key: str, *, ttl_seconds: int) -> AbstractAsyncContextManager[bool]:
        """Try to take `key`; yields False at once if another holder has it."""
        ...


# --- persistence ------------------------------------------------------------------------------


class Users(Protocol):
    async def by_identity(self, platform: str, external_id: str) -> User | None: ...

    async def create(
        self, *, platform: str, external_id: str, display_name: str, locale: Locale, timezone: str, now: datetime
    ) -> User: ...

    async def get(self, user_id: UserId, *, for_update: bool = False) -> User | None: ...

    async def set_locale(self, user_id: UserId, locale: Locale) -> None: ...

    async def set_timezone(self, user_id: UserId, timezone: str) -> None: ...

    async def set_consent(self, user_id: UserId, consented_at: datetime | None) -> None: ...

    async def set_forget_requested(self, user_id: UserId, at: datetime | None) -> None: ...

    async def identities(self, user_id: UserId) -> list[Identity]: ...

    async def delete_everything(self, user_id: UserId) -> None: ...


class Counseling(Protocol):
    async def current_conversation(self, user_id: UserId) -> ConversationId | None: ...

    async def open_conversation(self, user_id: UserId, now: datetime) -> ConversationId: ...

    async def close_conversations(self, user_id: UserId, now: datetime) -> int: ...

    async def add_worry(
        self, *, user_id: UserId, conversation_id: ConversationId | None, text: str | None, crisis: bool, now: datetime
    ) -> WorryId: ...

    async def mark_answered(self, worry_id: WorryId, *, offline: bool) -> None: ...

    async def count_worries_since(self, user_id: UserId, since: datetime) -> int:
        """Worries that count against the quota (crisis texts never do)."""
        ...

    async def add_turn(
        self, *, conversation_id: ConversationId, worry_id: WorryId, role: str, text: str, now: datetime
    ) -> None: ...

    async def recent_turns(self, conversation_id: ConversationId, *, worries: int) -> list[Turn]:
        """Turns of the last `worries` worries of a conversation, oldest first."""
        ...

    async def get_worry(self, worry_id: WorryId) -> Worry | None: ...

    async def add_feedback(self, *, user_id: UserId, worry_id: WorryId, persona: Persona, now: datetime) -> bool:
        """Record "this helped"; False when already recorded."""
        ...

    async def worries_of(self, user_id: UserId) -> list[Worry]: ...

    async def turns_of(self, user_id: UserId) -> list[Turn]: ...

    async def feedback_of(self, user_id: UserId) -> list[Feedback]: ...

    async def redact_texts(self, user_id: UserId) -> None:
        """Drop every stored worry and answer text of a user (consent withdrawn); counts stay."""
        ...


class Usage(Protocol):
    async def record(self, usage: UsageRecord) -> None: ...

    async def cost_since(self, since: datetime) -> Decimal: ...

    async def of_user(self, user_id: UserId) -> list[UsageRecord]: ...


class UnitOfWork(Protocol):
    """One transaction: nothing is stored unless `commit()` is called."""

    @property
    def users(self) -> Users: ...

    @property
    def counseling(self) -> Counseling: ...

    @property
    def usage(self) -> Usage: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
