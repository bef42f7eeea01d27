"""In-memory doubles for the core's ports: fakes over mocks, and tests assert the end state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, MessageRef, ModelCall, Recipient, SchemaT, StreamEvent, TextDelta
from core.replies import Reply


class FixedClock:
    def __init__(self, at: datetime | None = None) -> None:
        self._now = at or datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 12:00 in Seoul

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._now = at


@dataclass
class Sent:
    ref: MessageRef
    reply: Reply
    edits: list[Reply] = field(default_factory=list)
    final: bool = False

    @property
    def current(self) -> Reply:
        return self.edits[-1] if self.edits else self.reply

    @property
    def text(self) -> str:
        return self.current.plain_text


class RecordingResponder:
    """Keeps every message sent and every edit, in order."""

    def __init__(self) -> None:
        self.messages: list[Sent] = []
        self.typing = 0

    async def send(self, reply: Reply) -> MessageRef:
        ref = MessageRef(id=str(len(self.messages) + 1))
        self.messages.append(Sent(ref=ref, reply=reply))
        return ref

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        sent = self.messages[int(ref.id) - 1]
        sent.edits.append(reply)
        sent.final = sent.final or final

    async def show_typing(self) -> None:
        self.typing += 1

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]

    @property
    def last(self) -> Sent:
        return self.messages[-1]

    def all_text(self) -> str:
        return "\n".join(self.texts)


class ScriptedLanguageModel:
    """Answers from a function of the call; can be told to fail."""

    offline = False

    def __init__(
        self,
        answer: Callable[[ModelCall], str] = lambda call: f"{call.persona} answer",
        *,
        fail: bool = False,
        tokens: tuple[int, int] = (100, 50),
    ) -> None:
        self._answer = answer
        self.fail = fail
        self.calls: list[ModelCall] = []
        self._tokens = tokens

    async def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        self.calls.append(call)
        if self.fail:
            raise LanguageModelUnavailable("scripted failure")
        for word in self._answer(call).split(" "):
            await asyncio.sleep(0)
            yield TextDelta(text=word + " ")
        yield CallFinished(model="scripted", tokens_in=self._tokens[0], tokens_out=self._tokens[1], latency_ms=5)

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        self.calls.append(call)
        parsed = schema.model_validate_json(self._answer(call))
        return parsed, CallFinished(
            model="scripted", tokens_in=self._tokens[0], tokens_out=self._tokens[1], latency_ms=5
        )


class RecordingOpsAlerts:
    def __init__(self) -> None:
        self.alerts: list[tuple[str, dict[str, str | int]]] = []

    async def alert(self, event: str, **fields: str | int) -> None:
        self.alerts.append((event, fields))


class RecordingMessenger:
    """A platform that records what it was asked to push; `failures` are raised in order, one per push."""

    def __init__(self, platform: str = "terminal", failures: list[Exception] | None = None) -> None:
        self.platform = platform
        self.pushed: list[tuple[Recipient, Reply, str]] = []
        self.failures = list(failures or [])

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.pushed.append((recipient, reply, idempotency_key))
        return f"m{len(self.pushed)}"

    @property
    def texts(self) -> list[str]:
        return [reply.plain_text for _, reply, _ in self.pushed]
