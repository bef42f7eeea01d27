"""Pictures from an OpenAI-compatible images endpoint (`POST /images/generations`) through the `openai` package.

The same retry policy as the language model (core.adapters.llm): rate limits, timeouts, connection failures and 5xx
are retried with backoff (a `retry-after` hint wins); anything else fails at once; every failure reaches the caller
as `LanguageModelUnavailable`. The picture comes back as base64 (asked for with `response_format`, except from the
gpt-image models, which always answer so and refuse the parameter); an endpoint that answers with a URL anyway is
read from that URL. Token counts come from the answer's `usage` when it has one, else the prompt is estimated.

Logs carry the purpose, model, error class and status, never the prompt.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from typing import Any

import httpx
import openai
from openai import AsyncOpenAI
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from core.adapters.llm import MAX_BACKOFF_SECONDS, RETRYABLE, estimate_tokens, server_hinted_wait
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, Picture

logger = logging.getLogger(__name__)

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def mime_type_of(content: bytes) -> str | None:
    for signature, mime_type in _SIGNATURES:
        if content.startswith(signature):
            return mime_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


class OpenAIImageModel:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None,
        model: str,
        size: str = "1024x1024",
        timeout_seconds: float,
        max_retries: int,
        backoff_seconds: float,
    ) -> None:
        self._base_url = base_url
        self._api_key = api_key
        self._model = model
        self._size = size
        self._timeout_seconds = timeout_seconds
        self._max_retries = max_retries
        self._backoff = wait_exponential_jitter(
            multiplier=backoff_seconds, jitter=backoff_seconds, max=max(backoff_seconds, MAX_BACKOFF_SECONDS)
        )
        self._client: AsyncOpenAI | None = None

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    async def draw(self, prompt: str, *, purpose: str) -> Picture:
        started = time.monotonic()
        options: dict[str, Any] = {"model": self._model, "prompt": prompt, "n": 1, "size": self._size}
        if not self._model.startswith("gpt-image"):
            options["response_format"] = "b64_json"
        answer = await self._retrying(purpose, lambda: self._openai().images.generate(**options))
        data = answer.data[0] if answer.data else None
        content = b""
        try:
            if data is not None and data.b64_json:
                content = base64.b64decode(data.b64_json, validate=True)
            elif data is not None and data.url:
                content = await self._download(data.url)
        except (binascii.Error, ValueError, httpx.HTTPError) as error:
            logger.warning("image unreadable: purpose=%s model=%s error=%s", purpose, self._model, type(error).__name__)
            raise LanguageModelUnavailable(f"{self._model} sent an unreadable picture") from error
        mime_type = mime_type_of(content)
        if mime_type is None:
            logger.warning("image missing or not a picture: purpose=%s model=%s", purpose, self._model)
            raise LanguageModelUnavailable(f"{self._model} sent no picture")
        usage = getattr(answer, "usage", None)
        tokens_in = getattr(usage, "input_tokens", None) or estimate_tokens(prompt)
        tokens_out = getattr(usage, "output_tokens", None) or 0
        finished = CallFinished(
            model=self._model,
            tokens_in=int(tokens_in),
            tokens_out=int(tokens_out),
            latency_ms=round((time.monotonic() - started) * 1000),
        )
        return Picture(content=content, mime_type=mime_type, finished=finished)

    async def _download(self, url: str) -> bytes:
        async with httpx.AsyncClient(timeout=self._timeout_seconds) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.content

    def _openai(self) -> AsyncOpenAI:
        if self._client is None:
            self._client = AsyncOpenAI(
                base_url=self._base_url,
                api_key=self._api_key or "unused",
                timeout=openai.Timeout(self._timeout_seconds, connect=min(self._timeout_seconds, 10.0)),
                max_retries=0,
            )
        return self._client

    async def _retrying(self, purpose: str, attempt: Any) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(RETRYABLE),
            reraise=True,
        )
        try:
            async for tried in retrying:
                with tried:
                    return await attempt()
        except (openai.OpenAIError, ValueError) as error:
            status = error.status_code if isinstance(error, openai.APIStatusError) else None
            logger.warning(
                "image model unavailable: purpose=%s model=%s error=%s status=%s",
                purpose,
                self._model,
                type(error).__name__,
                status,
            )
            raise LanguageModelUnavailable(f"{self._model} is unavailable: {type(error).__name__}") from error
        raise AssertionError("tenacity ended without an outcome")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        return server_hinted_wait(state, self._backoff)
