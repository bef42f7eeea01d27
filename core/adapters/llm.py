"""The language model behind an OpenAI-compatible chat-completions endpoint, through the `openai` package.

Retries are ours (tenacity), not the SDK's (`max_retries=0`): rate limits, timeouts, connection failures and 5xx
are retried with exponential backoff and jitter starting at `backoff_seconds`; a `retry-after` hint on the error
response wins over the backoff, capped at `MAX_RETRY_AFTER_SECONDS`. Anything else (400, 401, 404, ...) fails at
once. Every failure reaches the caller as `LanguageModelUnavailable`, chained to the SDK's error.

A stream is only retried while nothing has been yielded: the retried step is "open the stream and read up to the
first piece of text". Once text has gone out, a failure raises `LanguageModelUnavailable` and the caller falls
back.

Token counts come from the server's `usage`. When it reports none, both sides are estimated as one token per two
characters, rounded up (`estimate_tokens`): Korean runs at roughly one token per one or two syllables, English at
about four characters per token, and this is a middle ground for Korean-heavy text that errs towards more tokens.

`latency_ms` is wall time (time.monotonic) from the call to its end, retries and backoff included.

Logs never carry prompt or user text, nor the server's error message (it may quote the prompt): only the purpose,
model, error class, status and timings.

One instance holds one `AsyncOpenAI` client, created on first use; use an instance from one event loop and
`await aclose()` it when done.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionAssistantMessageParam,
    ChatCompletionChunk,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from openai.types.completion_usage import CompletionUsage
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from core.domain.values import Persona
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ChatMessage, ModelCall, SchemaT, StreamEvent, TextDelta

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RETRY_AFTER_SECONDS = 10.0
MAX_BACKOFF_SECONDS = 10.0
RETRYABLE: tuple[type[Exception], ...] = (
    openai.RateLimitError,
    openai.APITimeoutError,  # a subclass of APIConnectionError; listed for clarity
    openai.APIConnectionError,
    openai.InternalServerError,
)


def estimate_tokens(text: str) -> int:
    """About one token per two characters (rounded up): simple, and on the generous side for Korean."""
    return math.ceil(len(text) / 2)


class OpenAILanguageModel:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        model: str,
        persona_models: Mapping[Persona, str] | None = None,
        timeout_seconds: float,
        max_retries: int,
        backoff_seconds: float,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        if max_retries < 0 or backoff_seconds < 0:
            raise ValueError("max_retries and backoff_seconds must not be negative")
        self._base_url = base_url
        self._api_key = api_key
        self._model = model
        self._persona_models = {persona: name for persona, name in (persona_models or {}).items() if name}
        self._timeout_seconds = timeout_seconds
        self._max_retries = max_retries
        self._backoff = wait_exponential_jitter(
            multiplier=backoff_seconds, jitter=backoff_seconds, max=max(backoff_seconds, MAX_BACKOFF_SECONDS)
        )
        self._client: AsyncOpenAI | None = None

    @property
    def offline(self) -> bool:
        return False

    def model_for(self, persona: Persona | None) -> str:
        """The model a call for `persona` goes to: its override when configured, else the default."""
        return (self._persona_models.get(persona) if persona is not None else None) or self._model

    async def aclose(self) -> None:
        """Close the HTTP client (a later call opens a new one)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    # --- streaming ----------------------------------------------------------------------------

    async def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        model = self.model_for(call.persona)
        messages = _to_openai(call.messages)
        started = time.monotonic()
        stream, head = await self._retrying(call.purpose, model, lambda: self._open_stream(model, messages, call))
        produced: list[str] = []
        usage: CompletionUsage | None = None
        try:
            async for chunk in _chain(head, stream):
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    text = choice.delta.content if choice.index == 0 else None
                    if text:
                        produced.append(text)
                        yield TextDelta(text=text)
        except (openai.OpenAIError, ValueError) as exc:  # ValueError: a malformed event
            logger.warning(
                "LLM stream broke after %d pieces: purpose=%s model=%s error=%s",
                len(produced),
                call.purpose,
                model,
                _describe(exc),
            )
            raise LanguageModelUnavailable(f"the stream from {model} broke off") from exc
        finally:
            await stream.close()
        if not produced:
            logger.warning("LLM stream had no text: purpose=%s model=%s", call.purpose, model)
            raise LanguageModelUnavailable(f"{model} answered with no text")
        tokens_in, tokens_out = _tokens(usage, messages, "".join(produced))
        yield _finished(model, tokens_in, tokens_out, started)

    async def _open_stream(
        self, model: str, messages: list[ChatCompletionMessageParam], call: ModelCall
    ) -> tuple[AsyncStream[ChatCompletionChunk], list[ChatCompletionChunk]]:
        """Open a stream and read up to the first chunk with text (or its end): the part that may be retried."""
        stream = await self._openai().chat.completions.create(
            model=model,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            max_tokens=call.max_tokens,
        )
        head: list[ChatCompletionChunk] = []
        try:
            async for chunk in stream:
                head.append(chunk)
                if any(choice.delta.content for choice in chunk.choices):
                    break
        except BaseException:
            await stream.close()
            raise
        return stream, head

    # --- JSON ---------------------------------------------------------------------------------

    async def complete_json(self, call: ModelCall, schema: type[SchemaT]) -> tuple[SchemaT, CallFinished]:
        """Ask for a JSON object; on output that does not fit `schema`, ask once more, saying what was wrong.

        The CallFinished counts the tokens of both requests when a second one was needed.
        """
        model = self.model_for(call.persona)
        messages = _to_openai(call.messages)
        started = time.monotonic()
        completion = await self._retrying(call.purpose, model, lambda: self._create_json(model, messages, call))
        content = _content_of(completion)
        tokens_in, tokens_out = _tokens(completion.usage, messages, content)
        try:
            return schema.model_validate_json(_strip_fences(content)), _finished(model, tokens_in, tokens_out, started)
        except ValidationError as exc:
            problems = _problems(exc)
        logger.warning(
            "LLM JSON did not fit %s (%d chars); asking again: purpose=%s model=%s",
            schema.__name__,
            len(content),
            call.purpose,
            model,
        )
        repair: list[ChatCompletionMessageParam] = list(messages)
        if content:
            repair.append(ChatCompletionAssistantMessageParam(role="assistant", content=content))
        repair.append(ChatCompletionUserMessageParam(role="user", content=_correction(problems, schema)))
        completion = await self._retrying(call.purpose, model, lambda: self._create_json(model, repair, call))
        content = _content_of(completion)
        more_in, more_out = _tokens(completion.usage, repair, content)
        try:
            parsed = schema.model_validate_json(_strip_fences(content))
        except ValidationError as exc:
            logger.warning("LLM JSON did not fit %s twice: purpose=%s model=%s", schema.__name__, call.purpose, model)
            raise LanguageModelUnavailable(f"{model} gave no valid {schema.__name__} JSON, twice") from exc
        return parsed, _finished(model, tokens_in + more_in, tokens_out + more_out, started)

    async def _create_json(
        self, model: str, messages: list[ChatCompletionMessageParam], call: ModelCall
    ) -> ChatCompletion:
        return await self._openai().chat.completions.create(
            model=model,
            messages=messages,
            response_format={"type": "json_object"},
            max_tokens=call.max_tokens,
        )

    # --- plumbing -----------------------------------------------------------------------------

    def _openai(self) -> AsyncOpenAI:
        if self._client is None:
            self._client = AsyncOpenAI(
                base_url=self._base_url,
                api_key=self._api_key or "unused",
                timeout=openai.Timeout(self._timeout_seconds, connect=min(self._timeout_seconds, 10.0)),
                max_retries=0,
            )
        return self._client

    async def _retrying(self, purpose: str, model: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` with our retry policy; any failure ends as LanguageModelUnavailable."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(RETRYABLE),
            before_sleep=lambda state: _log_retry(state, purpose, model, self._max_retries),
            reraise=True,
        )
        try:
            # Not `await retrying(attempt)`: tenacity treats a plain callable (a lambda returning a coroutine)
            # as synchronous and would hand back the un-awaited coroutine.
            async for tried in retrying:
                with tried:
                    return await attempt()
        except (openai.OpenAIError, ValueError) as exc:  # ValueError: a body that is not JSON
            logger.warning("LLM unavailable: purpose=%s model=%s error=%s", purpose, model, _describe(exc))
            raise LanguageModelUnavailable(f"{model} is unavailable: {type(exc).__name__}") from exc
        raise AssertionError("tenacity ended without an outcome")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        return server_hinted_wait(state, self._backoff)


def server_hinted_wait(state: RetryCallState, backoff: Callable[[RetryCallState], float]) -> float:
    """How long tenacity waits before the next try: what the server asked for (Retry-After), else the backoff."""
    error = state.outcome.exception() if state.outcome is not None else None
    if isinstance(error, openai.APIStatusError):
        hinted = retry_after_seconds(error.response.headers)
        if hinted is not None:
            return hinted
    return backoff(state)


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """The server's `retry-after-ms` / `retry-after` hint (seconds or an HTTP date), capped; None when absent."""
    value: float | None = None
    millis = headers.get("retry-after-ms")
    raw = headers.get("retry-after")
    if millis is not None:
        value = _float(millis)
        value = None if value is None else value / 1000
    if value is None and raw is not None:
        value = _float(raw)
        if value is None:
            try:
                when = parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                moment = now or datetime.now(UTC)
                value = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() - moment.timestamp()
    if value is None or not math.isfinite(value):
        return None
    return min(max(value, 0.0), MAX_RETRY_AFTER_SECONDS)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _log_retry(state: RetryCallState, purpose: str, model: str, max_retries: int) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    delay = state.next_action.sleep if state.next_action is not None else 0.0
    logger.warning(
        "LLM call failed, retry %d/%d in %.2fs: purpose=%s model=%s error=%s",
        state.attempt_number,
        max_retries,
        delay,
        purpose,
        model,
        _describe(error),
    )


def _describe(error: BaseException | None) -> str:
    """Class and status only: the message may quote the prompt."""
    if error is None:
        return "none"
    if isinstance(error, openai.APIStatusError):
        return f"{type(error).__name__}({error.status_code})"
    return type(error).__name__


def _to_openai(messages: Sequence[ChatMessage]) -> list[ChatCompletionMessageParam]:
    converted: list[ChatCompletionMessageParam] = []
    for message in messages:
        if message.role == "system":
            converted.append(ChatCompletionSystemMessageParam(role="system", content=message.content))
        elif message.role == "user":
            converted.append(ChatCompletionUserMessageParam(role="user", content=message.content))
        else:
            converted.append(ChatCompletionAssistantMessageParam(role="assistant", content=message.content))
    return converted


async def _chain(
    head: Iterable[ChatCompletionChunk], rest: AsyncStream[ChatCompletionChunk]
) -> AsyncIterator[ChatCompletionChunk]:
    for chunk in head:
        yield chunk
    async for chunk in rest:
        yield chunk


def _tokens(usage: CompletionUsage | None, messages: list[ChatCompletionMessageParam], output: str) -> tuple[int, int]:
    if usage is not None:
        return usage.prompt_tokens, usage.completion_tokens
    prompt = "".join(str(message.get("content") or "") for message in messages)
    return estimate_tokens(prompt), estimate_tokens(output)


def _finished(model: str, tokens_in: int, tokens_out: int, started: float) -> CallFinished:
    latency_ms = round((time.monotonic() - started) * 1000)
    return CallFinished(model=model, tokens_in=tokens_in, tokens_out=tokens_out, latency_ms=latency_ms)


def _content_of(completion: ChatCompletion) -> str:
    if not completion.choices:
        return ""
    return completion.choices[0].message.content or ""


def _strip_fences(content: str) -> str:
    """Some compatible servers wrap JSON in a ```json fence even in JSON mode."""
    text = content.strip()
    if text.startswith("```") and text.endswith("```") and len(text) >= 6:
        text = text[3:-3]
        first_line, _, rest = text.partition("\n")
        text = rest if first_line.strip().isalpha() or not first_line.strip() else text
    return text.strip()


def _problems(error: ValidationError) -> str:
    """What was wrong, without echoing the input back."""
    lines = []
    for item in error.errors(include_url=False, include_context=False, include_input=False)[:5]:
        where = ".".join(str(part) for part in item["loc"]) or "(root)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def _correction(problems: str, schema: type[SchemaT]) -> str:
    return (
        f"Your previous answer was not valid JSON for the required schema ({problems}). "
        "Answer again with only one JSON object that matches this JSON Schema, and nothing else:\n"
        + json.dumps(schema.model_json_schema(), ensure_ascii=False)
    )
