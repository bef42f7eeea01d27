"""A local OpenAI-compatible HTTP server for tests and benchmarks.

    with FakeOpenAIServer() as server:
        server.script(Reply(text="안녕하세요", chunk_delay=0.01), Fail(status=429, retry_after=0.05))
        client = AsyncOpenAI(base_url=server.base_url, api_key="k")
        ...
        server.requests  # every request, with its timings

It serves `POST /v1/chat/completions` in the real wire format (JSON, or SSE when `stream` is true) and
`POST /v1/images/generations` (a `Picture`: base64 by default, or a URL this server also serves) from a
Starlette app run by uvicorn in a background thread on 127.0.0.1, on a port the OS assigns.

What each request gets:
  1. the next scripted outcome, if any are queued (`script(...)`, first in, first out); otherwise
  2. whatever `responder(request)` returns (the default answers `Reply()`).
The responder runs on the server's thread; keep it quick and free of shared mutable state.

Timing: every timestamp is `time.monotonic()` in seconds, taken in this process, so it compares directly with
`time.monotonic()` read by the test or benchmark. `arrived_at` is taken when the handler starts,
`first_content_at` right after the first content chunk was handed to the server for sending (for a non-streaming
reply: when the whole body was), `completed_at` when the response finished — or was abandoned (the client went
away, the connection was dropped).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import logging
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.servers.loopback import LoopbackServer

__all__ = [
    "DEFAULT_TEXT",
    "TINY_PNG",
    "Fail",
    "FakeOpenAIServer",
    "Hang",
    "Outcome",
    "Picture",
    "RecordedRequest",
    "Reply",
    "Responder",
]


# --- what the server answers ------------------------------------------------------------------

DEFAULT_TEXT = "네, 이야기를 들었어요."


@dataclass(frozen=True, kw_only=True)
class Reply:
    """A successful completion.

    `chunks` are the streamed content pieces; when omitted, `text` (default DEFAULT_TEXT) is cut into words
    (each with its trailing whitespace). Streaming sends a role chunk at once, then waits `chunk_delay` seconds
    before each content chunk; a non-streaming reply waits `chunk_delay * len(chunks)` so it takes as long as
    its stream would. `delay` is extra wait before anything is sent (time to first byte).

    `prompt_tokens`/`completion_tokens` default to len(prompt chars) // 2 and the number of chunks. With
    `usage=False` no usage is reported at all. `drop_after=n` sends n content chunks and then cuts the connection
    (on a non-streaming request: no response at all); `error_after=n` instead sends an in-stream
    `{"error": ...}` event after n content chunks, as OpenAI does.
    """

    text: str | None = None
    chunks: Sequence[str] | None = None
    chunk_delay: float = 0.0
    delay: float = 0.0
    finish_reason: str = "stop"
    model: str | None = None  # reported model; defaults to the requested one
    usage: bool = True
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    drop_after: int | None = None
    error_after: int | None = None

    def __post_init__(self) -> None:
        if self.chunks is not None and self.text is not None and "".join(self.chunks) != self.text:
            raise ValueError("text and chunks disagree; give one of them")

    @property
    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        return re.findall(r"\S+\s*|\s+", DEFAULT_TEXT if self.text is None else self.text)

    @property
    def content(self) -> str:
        return "".join(self.pieces)


@dataclass(frozen=True, kw_only=True)
class Fail:
    """An HTTP error in OpenAI's error format. A 429 always carries `retry-after` (default 1 second)."""

    status: int = 500
    retry_after: float | None = None
    message: str = "scripted failure"
    delay: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Hang:
    """Say nothing for `seconds` (cut short when the server stops), then answer `then` (default: the responder)."""

    seconds: float = 5.0
    then: Reply | Fail | None = None


def _png(width: int, height: int) -> bytes:
    """A real (tiny, white) PNG, so the client side can check what it got is a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


TINY_PNG = _png(2, 2)


@dataclass(frozen=True, kw_only=True)
class Picture:
    """An images/generations answer: `content` (default TINY_PNG) as `b64_json`, or, with `as_url`, as a URL on this
    server (the way dall-e models answer by default)."""

    content: bytes = TINY_PNG
    as_url: bool = False


Outcome = Reply | Fail | Hang | Picture


# --- what the server saw ----------------------------------------------------------------------


@dataclass(kw_only=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any  # the decoded JSON (normally a dict); None when it was not JSON
    arrived_at: float
    first_content_at: float | None = None
    completed_at: float | None = None
    status: int | None = None
    outcome: Outcome | None = None

    @property
    def model(self) -> str | None:
        value = self.body.get("model") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def messages(self) -> list[dict[str, Any]]:
        value = self.body.get("messages") if isinstance(self.body, dict) else None
        return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []

    @property
    def system_prompt(self) -> str:
        return "\n".join(_text_of(m) for m in self.messages if m.get("role") in ("system", "developer"))

    @property
    def last_user_text(self) -> str:
        users = [_text_of(m) for m in self.messages if m.get("role") == "user"]
        return users[-1] if users else ""

    @property
    def prompt(self) -> str:
        value = self.body.get("prompt") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


Responder = Callable[[RecordedRequest], Outcome]


def _text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _default_responder(_: RecordedRequest) -> Outcome:
    return Reply()


# --- the server -------------------------------------------------------------------------------


class _DropConnection(Exception):
    """Raised inside a response to cut the connection on purpose."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, _DropConnection):
                return False
            exc = exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else (exc.__cause__ or exc.__context__)
        return True


_QUIET_DROPS = _QuietDrops()
_ids = itertools.count(1)


class FakeOpenAIServer:
    def __init__(
        self,
        responder: Responder | None = None,
        *,
        api_key: str | None = None,
        models: Sequence[str] = ("gpt-4o-mini",),
    ) -> None:
        """`api_key`, when given, is required as `Authorization: Bearer <key>` (else 401).

        `models` is what `GET /v1/models` lists (requests are not recorded for it).
        """
        self.models = tuple(models)
        self.responder: Responder = responder or _default_responder
        self._initial_responder = self.responder
        self.api_key = api_key
        self._lock = threading.Lock()
        self._script: deque[Outcome] = deque()
        self._requests: list[RecordedRequest] = []
        self._closing = threading.Event()
        self._loopback: LoopbackServer | None = None
        self._files: dict[str, bytes] = {}  # pictures answered by URL
        self.port = 0

    # public API

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in arrival order (a new list; each record keeps updating while it runs)."""
        with self._lock:
            return list(self._requests)

    def script(self, *outcomes: Outcome) -> None:
        """Queue outcomes for the next requests, in order; the responder answers once they are used up."""
        with self._lock:
            self._script.extend(outcomes)

    @property
    def scripted_left(self) -> int:
        with self._lock:
            return len(self._script)

    def reset(self) -> None:
        """Forget recorded requests and queued outcomes, and restore the responder given at construction.

        Requests still in flight keep running (a Hang ends when its time is up or the server stops).
        """
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self.responder = self._initial_responder

    def start(self) -> FakeOpenAIServer:
        if self._loopback is not None:
            raise RuntimeError("already started")
        logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat_completions, methods=["POST"]),
                Route("/v1/models", self._list_models, methods=["GET"]),
                Route("/v1/images/generations", self._images, methods=["POST"]),
                Route("/files/{name}", self._file, methods=["GET"]),
            ]
        )
        self._loopback = LoopbackServer(app, name="fake-openai")
        self.port = self._loopback.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._loopback is not None:
            self._loopback.stop()
        self._loopback = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # the endpoint

    def _next_outcome(self, recorded: RecordedRequest) -> Outcome:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return self.responder(recorded)

    async def _list_models(self, request: Request) -> Response:
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            error = {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
            return JSONResponse({"error": error}, status_code=401)
        data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "local"} for m in self.models]
        return JSONResponse({"object": "list", "data": data})

    async def _chat_completions(self, request: Request) -> Response:
        arrived_at = time.monotonic()
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            arrived_at=arrived_at,
        )
        with self._lock:
            self._requests.append(recorded)

        if self.api_key is not None and recorded.authorization != f"Bearer {self.api_key}":
            return self._error(recorded, Fail(status=401, message="Incorrect API key provided."), "invalid_api_key")
        if not isinstance(body, dict) or not isinstance(body.get("model"), str) or not recorded.messages:
            return self._error(recorded, Fail(status=400, message="model and messages are required"), None)

        outcome = self._next_outcome(recorded)
        recorded.outcome = outcome
        if isinstance(outcome, Hang):
            await self._sleep(outcome.seconds)
            if self._closing.is_set():
                return self._error(recorded, Fail(status=503, message="server shutting down"), None)
            then = outcome.then or self.responder(recorded)
            outcome = then if not isinstance(then, Hang) else Reply()
        if isinstance(outcome, Fail):
            await self._sleep(outcome.delay)
            return self._error(recorded, outcome, None)
        if isinstance(outcome, Picture):
            return self._error(recorded, Fail(status=400, message="a picture scripted for a chat completion"), None)
        await self._sleep(outcome.delay)
        if recorded.stream:
            return self._stream(recorded, outcome)
        return await self._complete(recorded, outcome)

    async def _images(self, request: Request) -> Response:
        """`POST /v1/images/generations`: the next scripted Picture (or Fail); anything else scripted, or nothing,
        answers the default Picture."""
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            arrived_at=time.monotonic(),
        )
        with self._lock:
            self._requests.append(recorded)
        if self.api_key is not None and recorded.authorization != f"Bearer {self.api_key}":
            return self._error(recorded, Fail(status=401, message="Incorrect API key provided."), "invalid_api_key")
        if not isinstance(body, dict) or not recorded.prompt:
            return self._error(recorded, Fail(status=400, message="prompt is required"), None)
        if body.get("response_format") not in (None, "b64_json", "url"):
            return self._error(recorded, Fail(status=400, message="response_format must be url or b64_json"), None)
        outcome = self._next_outcome(recorded)
        recorded.outcome = outcome
        if isinstance(outcome, Fail):
            await self._sleep(outcome.delay)
            return self._error(recorded, outcome, None)
        picture = outcome if isinstance(outcome, Picture) else Picture()
        item: dict[str, Any] = {"revised_prompt": recorded.prompt}
        if picture.as_url:
            name = f"picture-{next(_ids)}.png"
            with self._lock:
                self._files[name] = picture.content
            item["url"] = f"http://127.0.0.1:{self.port}/files/{name}"
        else:
            item["b64_json"] = base64.b64encode(picture.content).decode()
        recorded.status = 200
        recorded.first_content_at = recorded.completed_at = time.monotonic()
        return JSONResponse({"created": int(time.time()), "data": [item]})

    async def _file(self, request: Request) -> Response:
        with self._lock:
            content = self._files.get(request.path_params["name"])
        if content is None:
            return Response(status_code=404)
        return Response(content, media_type="image/png")

    async def _sleep(self, seconds: float) -> None:
        """Sleep, waking early when the server is stopping."""
        end = time.monotonic() + seconds
        while not self._closing.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.05))

    def _error(self, recorded: RecordedRequest, fail: Fail, code: str | None) -> Response:
        kinds = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error"}
        kind = kinds.get(fail.status, "rate_limit_exceeded" if fail.status == 429 else "server_error")
        headers: dict[str, str] = {}
        if fail.status == 429:
            after = 1.0 if fail.retry_after is None else fail.retry_after
            headers["retry-after"] = str(int(after)) if after == int(after) else repr(after)
        elif fail.retry_after is not None:
            headers["retry-after"] = repr(fail.retry_after)
        payload = {"error": {"message": fail.message, "type": kind, "param": None, "code": code}}
        recorded.status = fail.status
        recorded.completed_at = time.monotonic()
        return JSONResponse(payload, status_code=fail.status, headers=headers)

    @staticmethod
    def _usage(recorded: RecordedRequest, reply: Reply) -> dict[str, int]:
        prompt_chars = sum(len(_text_of(m)) for m in recorded.messages)
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else max(1, prompt_chars // 2)
        completion = reply.completion_tokens if reply.completion_tokens is not None else len(reply.pieces)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    async def _complete(self, recorded: RecordedRequest, reply: Reply) -> Response:
        await self._sleep(reply.chunk_delay * len(reply.pieces))
        if reply.drop_after is not None:
            recorded.completed_at = time.monotonic()
            raise _DropConnection
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake{next(_ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or recorded.model,
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
        }
        if reply.usage:
            payload["usage"] = self._usage(recorded, reply)
        recorded.status = 200
        recorded.first_content_at = recorded.completed_at = time.monotonic()
        return JSONResponse(payload)

    def _stream(self, recorded: RecordedRequest, reply: Reply) -> Response:
        options = recorded.body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True and reply.usage
        chunk_id = f"chatcmpl-fake{next(_ids)}"
        created = int(time.time())
        model = reply.model or recorded.model

        def event(choices: list[dict[str, Any]], **extra: Any) -> str:
            chunk: dict[str, Any] = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": choices,
            }
            if include_usage:
                chunk["usage"] = None
            chunk.update(extra)
            return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

        def choice(delta: dict[str, Any], finish_reason: str | None = None) -> list[dict[str, Any]]:
            return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]

        async def body() -> AsyncIterator[str]:
            try:
                yield event(choice({"role": "assistant", "content": "", "refusal": None}))
                for sent, piece in enumerate(reply.pieces):
                    if reply.drop_after is not None and sent >= reply.drop_after:
                        raise _DropConnection
                    if reply.error_after is not None and sent >= reply.error_after:
                        error = {"message": "scripted stream error", "type": "server_error", "code": None}
                        yield f"data: {json.dumps({'error': error})}\n\n"
                        return
                    await self._sleep(reply.chunk_delay)
                    yield event(choice({"content": piece}))
                    if recorded.first_content_at is None:
                        recorded.first_content_at = time.monotonic()
                if reply.drop_after is not None:
                    raise _DropConnection
                yield event(choice({}, reply.finish_reason))
                if include_usage:
                    yield event([], usage=self._usage(recorded, reply))
                yield "data: [DONE]\n\n"
            finally:
                recorded.completed_at = time.monotonic()

        recorded.status = 200
        headers = {"cache-control": "no-cache", "x-request-id": chunk_id}
        return StreamingResponse(body(), media_type="text/event-stream; charset=utf-8", headers=headers)
