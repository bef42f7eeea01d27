"""The language model: one call, the events of its stream, and the model itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel

from core.domain.values import Locale, Persona


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
    gentle: bool = False  # soon after a crisis reply: no generic plan (the offline counselor reads it too)


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
