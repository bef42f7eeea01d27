"""A local Slack Web API (and Socket Mode) server for tests and benchmarks.

    with FakeSlackServer(token="xoxb-1", app_token="xapp-1-test") as server:
        client = AsyncWebClient(token="xoxb-1", base_url=server.base_url)
        await client.chat_postMessage(channel="C1", text="안녕하세요")
        server.posted  # [{"channel": "C1", "text": "안녕하세요"}]
        server.fail_next("chat.postMessage", status=429, retry_after=2)

It speaks Slack's real wire format closely enough for the unmodified `slack_sdk` clients: `POST /api/<method>` with
the arguments in the query string, a form body or a JSON body (they are merged, the body winning), the token as
`Authorization: Bearer xoxb-...` (or a `token` argument), and JSON answers `{"ok": true, ...}` or
`{"ok": false, "error": "<code>"}`. It also serves one incoming webhook, `POST /webhook/T000/B000/XXXX`
(`server.webhook_url`), which answers plain text `ok` — or a plain-text error code — as Slack's webhooks do.
Starlette runs under uvicorn in a background thread on 127.0.0.1, on a port the OS assigns.

Methods (anything else answers `unknown_method`, HTTP 404):
  auth.test                     the bot's identity: user_id UBOT, bot_id BBOT, team_id T000, team maeum-test
  chat.postMessage, chat.update, chat.postEphemeral (`server.posted`, `updates`, `ephemerals`)
  conversations.open            one D… channel per user (`server.dm_channel(user)`)
  users.info                    a user as configured with `server.set_user(...)`; any other well-formed id
                                answers defaults (locale ko-KR, tz Asia/Seoul, an empty display_name as many real
                                profiles have); `locale` is only present with `include_locale=true`, as in Slack
  views.publish                 a Home tab (`type` must be "home", at most 100 blocks); `server.home_views[user]`
  files.getUploadURLExternal, the upload URL (`POST /upload/<file_id>`, raw bytes or multipart; recorded under
                                the method name UPLOAD), files.completeUploadExternal — what `files_upload_v2`
                                does; completed files land in `server.files`
  apps.connections.open         the Socket Mode URL, `ws://127.0.0.1:PORT/socket-mode`; it takes the app-level
                                token (`xapp-…`), which no other method accepts (`not_allowed_token_type`)

Message checks follow Slack's documented limits: a post needs a channel and `text` or `blocks`; blocks are checked
for what Slack rejects as `invalid_blocks` (more than 50 blocks — 100 in a view —, empty or over-3,000 character
section texts, more than 10 section fields, header texts over 150 characters, more than 25 elements in an actions
block, button texts over 75 characters, repeated action_ids within a block). Lengths are counted in Python
characters (code points).

What a call gets, in this order:
  1. `invalid_auth` (or `not_authed` without any token) when the server was given a `token` (for
     apps.connections.open: an `app_token`) and the call's differs; `not_allowed_token_type` for the wrong kind;
  2. the next scripted failure for that method (`fail_next`, first in, first out; UPLOAD scripts the upload URL);
  3. HTTP 429 `ratelimited` with a `Retry-After` header when the method has a rate limit (`rate_limit_per_second=N`
     for chat.postMessage, `rate_limits={"users.info": N, ...}` for any method) and N calls to it were already
     accepted within the last second (the answered 429s are counted in `rate_limited` and do not fill the window);
  4. the method's normal answer.

Socket Mode: a client (slack_sdk's `SocketModeClient`, or slack_bolt's `AsyncSocketModeHandler`) that connects to
`/socket-mode` is greeted with `{"type": "hello", ...}`. `server.socket_send("events_api", payload)` then pushes an
envelope to the most recently connected client and returns its `envelope_id`; what the client answers
(`{"envelope_id": ..., "payload": ...}`) is recorded in `server.socket_acks`. From an async test, wait with
`await server.wait_socket_connected()`, `await server.wait_for_ack(envelope_id)` and, after closing the client,
`await server.wait_socket_closed()` (they poll, leaving the test's event loop free for the client).
`socket_disconnect()` sends Slack's `{"type": "disconnect"}` notice, after which the SDK asks apps.connections.open
for a new URL and reconnects.

Timing: every `SlackCall.at`, `SocketEnvelope.at` and `SocketAck.at` is `time.monotonic()` in seconds, taken in
this process (when the handler starts; just before an envelope is handed to the socket; when an ack arrived).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import hashlib
import itertools
import json
import math
import mimetypes
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.servers.loopback import LoopbackServer

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_NAME",
    "BOT_USER_ID",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "UPLOAD",
    "WEBHOOK",
    "FakeSlackServer",
    "SlackCall",
    "SocketAck",
    "SocketEnvelope",
    "SocketPayloadType",
]

WEBHOOK = "webhook"  # the `method` name under which incoming-webhook posts are recorded and scripted
WEBHOOK_PATH = "/webhook/T000/B000/XXXX"
UPLOAD = "upload"  # the `method` name under which posts to the files_upload_v2 upload URL are recorded and scripted
SOCKET_MODE_PATH = "/socket-mode"

TEAM_ID = "T000"
TEAM_DOMAIN = "maeum-test"
APP_ID = "A000"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
BOT_NAME = "maeum"

DEFAULT_LOCALE = "ko-KR"
DEFAULT_TZ = "Asia/Seoul"

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

SocketPayloadType = Literal["slash_commands", "events_api", "interactive"]
_SOCKET_PAYLOAD_TYPES = ("slash_commands", "events_api", "interactive")

_FIRST_TS_MICROS = 1_700_000_000_000_100  # the first ts handed out: "1700000000.000100"
_TS_STEP_MICROS = 100
_JSON_ARGUMENTS = ("blocks", "attachments", "metadata", "view", "files")  # form-encoded as JSON strings
_TZ_OFFSETS = {"Asia/Seoul": (32_400, "Korea Standard Time"), "Asia/Tokyo": (32_400, "Japan Standard Time")}


@dataclass(kw_only=True)
class SlackCall:
    """One request: `method` is the API method ("chat.postMessage"), WEBHOOK or UPLOAD; `body` the merged
    arguments (for UPLOAD: `file_id` and `length`, the number of bytes received)."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 0  # the HTTP status answered
    response: dict[str, Any] | str = field(default_factory=dict)  # the JSON answered (plain text: webhook, upload)

    @property
    def ok(self) -> bool:
        if isinstance(self.response, str):
            return self.status == 200 and (self.response == "ok" or self.response.startswith("OK - "))
        return self.status == 200 and self.response.get("ok") is True


@dataclass(frozen=True, kw_only=True)
class SocketEnvelope:
    """An envelope pushed to a Socket Mode client (`message` is exactly what was sent)."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    at: float
    message: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SocketAck:
    """What a Socket Mode client sent back for an envelope: `payload` is None for a bare acknowledgement."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float
    raw: str


@dataclass(frozen=True, kw_only=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None


@dataclass(kw_only=True)
class _Upload:
    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    data: bytes | None = None


@dataclass(frozen=True, kw_only=True, eq=False)
class _Socket:
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop


class _Answer(Exception):
    """An error answer, raised inside a handler to end it; never leaves the server."""

    def __init__(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(payload.get("error", ""))
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _fail(error: str, status: int = 200, **extra: Any) -> _Answer:
    return _Answer(status, {"ok": False, "error": error, **extra})


def _invalid(*messages: str) -> _Answer:
    return _fail("invalid_arguments", response_metadata={"messages": list(messages)})


class FakeSlackServer:
    def __init__(
        self,
        *,
        token: str | None = None,
        app_token: str | None = None,
        rate_limit_per_second: int | None = None,
        rate_limits: Mapping[str, int] | None = None,
    ) -> None:
        """`token`, when given, is the only bot token accepted; `app_token` (`xapp-…`) the only app-level token
        apps.connections.open accepts (any `xapp-` token without it). `rate_limit_per_second` caps chat.postMessage
        calls a second, `rate_limits` any methods' (`{"users.info": 20}`)."""
        limits = dict(rate_limits or {})
        if rate_limit_per_second is not None:
            limits["chat.postMessage"] = rate_limit_per_second
        if any(n < 1 for n in limits.values()):
            raise ValueError("rate limits must be at least 1")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        self.token = token
        self.app_token = app_token
        self.rate_limit_per_second = rate_limit_per_second
        self.rate_limits: dict[str, int] = limits
        self._lock = threading.Lock()
        self._socket_ready = threading.Condition(self._lock)
        self._calls: list[SlackCall] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._windows: dict[str, deque[float]] = {}
        self._rate_limited = 0
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._dm_channels: dict[str, str] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, dict[str, Any]] = {}
        self._view_ids: dict[str, str] = {}
        self._uploads: dict[str, _Upload] = {}
        self._files: list[dict[str, Any]] = []
        self._sockets: list[_Socket] = []
        self._envelopes: list[SocketEnvelope] = []
        self._acks: list[SocketAck] = []
        self._socket_received: list[str] = []
        self._socket_connects = 0
        self._ts = itertools.count(_FIRST_TS_MICROS, _TS_STEP_MICROS)
        self._ids = itertools.count(1)
        self._loopback: LoopbackServer | None = None
        self.port = 0

    # public API

    @property
    def base_url(self) -> str:
        """What slack_sdk's `base_url` expects (with the trailing slash)."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    @property
    def socket_url(self) -> str:
        """The Socket Mode URL apps.connections.open hands out."""
        return f"ws://127.0.0.1:{self.port}{SOCKET_MODE_PATH}"

    @property
    def calls(self) -> list[SlackCall]:
        """Every call so far, webhook and upload posts included, in arrival order (a new list)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[SlackCall]:
        """Every call to one method (or WEBHOOK, UPLOAD), answered well or not."""
        return [c for c in self.calls if c.method == method]

    @property
    def posted(self) -> list[dict[str, Any]]:
        """The bodies of the chat.postMessage calls that were accepted."""
        return [c.body for c in self.calls_to("chat.postMessage") if c.ok]

    @property
    def updates(self) -> list[dict[str, Any]]:
        """The bodies of the chat.update calls that were accepted."""
        return [c.body for c in self.calls_to("chat.update") if c.ok]

    @property
    def ephemerals(self) -> list[dict[str, Any]]:
        """The bodies of the chat.postEphemeral calls that were accepted."""
        return [c.body for c in self.calls_to("chat.postEphemeral") if c.ok]

    @property
    def webhook_posts(self) -> list[dict[str, Any]]:
        """The JSON bodies of the incoming-webhook posts that were accepted."""
        return [c.body for c in self.calls_to(WEBHOOK) if c.ok]

    @property
    def home_views(self) -> dict[str, dict[str, Any]]:
        """The latest view views.publish accepted per user id, as Slack answered it (a new dict)."""
        with self._lock:
            return {user: dict(view) for user, view in self._home_views.items()}

    @property
    def files(self) -> list[dict[str, Any]]:
        """The files completed by files.completeUploadExternal, in order: `id`, `filename`, `title`, `bytes`,
        `channel` (channel_id, else the first of `channels`, else None), `channels`, `initial_comment`,
        `thread_ts`, `alt_txt`, `snippet_type`."""
        with self._lock:
            return [dict(f) for f in self._files]

    @property
    def rate_limited(self) -> int:
        """How many calls the rate limits answered with 429 (scripted 429s not included)."""
        with self._lock:
            return self._rate_limited

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A message as it stands now (after any chat.update), or None."""
        with self._lock:
            found = self._messages.get((channel, ts))
            return dict(found) if found is not None else None

    def dm_channel(self, user: str) -> str | None:
        """The D… channel conversations.open gave for `user`, if it was opened."""
        with self._lock:
            return self._dm_channels.get(user)

    def set_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        locale: str | None = None,
        real_name: str | None = None,
        display_name: str | None = None,
        tz: str | None = None,
        is_bot: bool = False,
    ) -> None:
        """Configure what users.info answers for `user_id`. `name` is the handle, and the display and real
        names unless given; `locale` defaults to ko-KR and `tz` to Asia/Seoul. `reset()` forgets users."""
        with self._lock:
            self._users[user_id] = {
                "name": name,
                "locale": locale,
                "real_name": real_name,
                "display_name": display_name,
                "tz": tz,
                "is_bot": is_bot,
            }

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` (or WEBHOOK, UPLOAD) fail.

        `status=429` answers `ratelimited` with `Retry-After: retry_after` (default 1). `error="channel_not_found"`
        alone answers HTTP 200 `{"ok": false, "error": ...}` as Slack does; with a `status` (e.g. 500) that status
        carries it. With neither, the failure is a 429. Webhook and upload failures answer plain text.
        """
        if status is None:
            status = 200 if error is not None else 429
        if status == 200 and error is None:
            raise ValueError("a failure with HTTP 200 needs an error code")
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error"
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend(_Failure(status=status, error=error, retry_after=retry_after) for _ in range(times))

    def reset(self) -> None:
        """Forget recorded calls, scripted failures, the rate windows, messages, opened DMs, configured users,
        home views, uploads and files, and the Socket Mode envelopes, acks and connection count (connected clients
        stay connected)."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._windows.clear()
            self._rate_limited = 0
            self._messages.clear()
            self._dm_channels.clear()
            self._users.clear()
            self._home_views.clear()
            self._view_ids.clear()
            self._uploads.clear()
            self._files.clear()
            self._envelopes.clear()
            self._acks.clear()
            self._socket_received.clear()
            self._socket_connects = 0

    # Socket Mode

    @property
    def socket_connected(self) -> bool:
        """Whether a Socket Mode client is connected (and was sent its hello)."""
        with self._lock:
            return bool(self._sockets)

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode clients are connected now."""
        with self._lock:
            return len(self._sockets)

    @property
    def socket_connects(self) -> int:
        """How many Socket Mode connections were opened (and greeted) since the start or the last reset."""
        with self._lock:
            return self._socket_connects

    @property
    def socket_envelopes(self) -> list[SocketEnvelope]:
        """Every envelope sent by `socket_send`, in order."""
        with self._lock:
            return list(self._envelopes)

    @property
    def socket_acks(self) -> list[SocketAck]:
        """Every message a client sent with an `envelope_id`, in arrival order."""
        with self._lock:
            return list(self._acks)

    @property
    def socket_received(self) -> list[str]:
        """Every text message clients sent over Socket Mode, acks included, as received."""
        with self._lock:
            return list(self._socket_received)

    def ack_for(self, envelope_id: str) -> SocketAck | None:
        """The first ack for `envelope_id`, if one arrived."""
        with self._lock:
            return next((a for a in self._acks if a.envelope_id == envelope_id), None)

    async def wait_socket_connected(self, *, count: int = 1, within: float = 5.0) -> None:
        """Wait (polling, without blocking the caller's event loop) until `count` clients are connected."""
        deadline = time.monotonic() + within
        while self.socket_connections < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {count} Socket Mode client(s) connected within {within} s")
            await asyncio.sleep(0.005)

    async def wait_socket_closed(self, *, within: float = 5.0) -> None:
        """Wait (polling) until no Socket Mode client is connected: the server has seen every close."""
        deadline = time.monotonic() + within
        while self.socket_connections:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Socket Mode clients still connected after {within} s")
            await asyncio.sleep(0.005)

    async def wait_for_ack(self, envelope_id: str, *, within: float = 5.0) -> SocketAck:
        """Wait (polling, without blocking the caller's event loop) for the client's ack of `envelope_id`."""
        deadline = time.monotonic() + within
        while (ack := self.ack_for(envelope_id)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"envelope {envelope_id} was not acknowledged within {within} s")
            await asyncio.sleep(0.005)
        return ack

    def socket_send(
        self,
        payload_type: SocketPayloadType,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> str:
        """Push an envelope to the most recently connected client and return its `envelope_id`.

        `accepts_response_payload` defaults as Slack sets it: true for slash commands and for view_submission and
        block_suggestion payloads, false otherwise. Waits up to `timeout` for a client to be connected and for the
        frame to be handed to the socket; a connection found closing is dropped and the next one tried (as Slack
        does). Never call it from the server's own thread."""
        if payload_type not in _SOCKET_PAYLOAD_TYPES:
            raise ValueError(f"payload_type must be one of {_SOCKET_PAYLOAD_TYPES}")
        if accepts_response_payload is None:
            accepts_response_payload = payload_type == "slash_commands" or (
                payload_type == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")
            )
        envelope_id = str(uuid.uuid4())
        message = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": payload_type,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        deadline = time.monotonic() + timeout
        while True:
            with self._socket_ready:
                waited = self._socket_ready.wait_for(
                    lambda: bool(self._sockets), timeout=max(0.0, deadline - time.monotonic())
                )
                if not waited:
                    raise RuntimeError("no Socket Mode client is connected")
                socket = self._sockets[-1]
                envelope = SocketEnvelope(
                    envelope_id=envelope_id,
                    type=payload_type,
                    payload=payload,
                    accepts_response_payload=accepts_response_payload,
                    at=time.monotonic(),
                    message=message,
                )
                self._envelopes.append(envelope)  # before sending, so that no ack can arrive before its envelope
            if self._send_on(socket, message, max(0.1, deadline - time.monotonic())):
                return envelope_id
            with self._lock:
                self._envelopes.remove(envelope)

    def socket_disconnect(self, reason: str = "refresh_requested", *, timeout: float = 5.0) -> None:
        """Send Slack's disconnect notice (`warning`, `refresh_requested`, `link_disabled`) to every client."""
        with self._lock:
            sockets = list(self._sockets)
        notice = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-127.0.0.1"}}
        for socket in sockets:
            self._send_on(socket, notice, timeout)

    # running

    def start(self) -> FakeSlackServer:
        if self._loopback is not None:
            raise RuntimeError("already started")
        app = Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/webhook/{rest:path}", self._webhook, methods=["POST"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
                WebSocketRoute(SOCKET_MODE_PATH, self._socket),
            ]
        )
        self._loopback = LoopbackServer(app, name="fake-slack")
        self.port = self._loopback.start()
        return self

    def stop(self) -> None:
        if self._loopback is not None:
            self._loopback.stop()
        self._loopback = None

    def __enter__(self) -> FakeSlackServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # the endpoints

    async def _api(self, request: Request) -> Response:
        at = time.monotonic()
        call = SlackCall(
            method=request.path_params["method"],
            body={},
            headers={k.lower(): v for k, v in request.headers.items()},
            at=at,
        )
        unreadable: _Answer | None = None
        try:
            call.body = await _arguments(request)
        except _Answer as answer:
            unreadable = answer
        with self._lock:
            self._calls.append(call)
            try:
                if unreadable is not None:
                    raise unreadable
                payload = self._answer(call)
            except _Answer as answer:
                call.status, call.response = answer.status, answer.payload
                return JSONResponse(answer.payload, status_code=answer.status, headers=answer.headers)
            call.status, call.response = 200, payload
            return JSONResponse(payload)

    async def _webhook(self, request: Request) -> Response:
        at = time.monotonic()
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        call = SlackCall(
            method=WEBHOOK,
            body=body if isinstance(body, dict) else {},
            headers={k.lower(): v for k, v in request.headers.items()},
            at=at,
        )
        with self._lock:
            self._calls.append(call)
            status, text, headers = 200, "ok", dict[str, str]()
            failure = self._next_failure(WEBHOOK)
            if request.url.path != WEBHOOK_PATH:
                status, text = 404, "no_service"
            elif failure is not None:
                status, text, headers = _plain_failure(failure)
            elif not isinstance(body, dict):
                status, text = 400, "invalid_payload"
            elif not body.get("text") and not body.get("blocks"):
                status, text = 400, "no_text"
            call.status, call.response = status, text
            return PlainTextResponse(text, status_code=status, headers=headers)

    async def _upload(self, request: Request) -> Response:
        """The files_upload_v2 upload URL: the file's bytes, raw or as the file part of a multipart form."""
        at = time.monotonic()
        file_id = request.path_params["file_id"]
        data = _uploaded_bytes(request.headers.get("content-type", ""), await request.body())
        call = SlackCall(
            method=UPLOAD,
            body={"file_id": file_id, "length": len(data)},
            headers={k.lower(): v for k, v in request.headers.items()},
            at=at,
        )
        with self._lock:
            self._calls.append(call)
            status, text, headers = 200, f"OK - {len(data)}", dict[str, str]()
            failure = self._next_failure(UPLOAD)
            upload = self._uploads.get(file_id)
            if failure is not None:
                status, text, headers = _plain_failure(failure)
            elif upload is None:
                status, text = 404, "file_not_found"
            else:
                upload.data = data
            call.status, call.response = status, text
            return PlainTextResponse(text, status_code=status, headers=headers)

    async def _socket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        socket = _Socket(websocket=websocket, loop=asyncio.get_running_loop())
        with self._lock:
            connections = len(self._sockets) + 1
        hello = {
            "type": "hello",
            "num_connections": connections,
            "debug_info": {
                "host": "applink-fake-127.0.0.1",
                "build_number": 1,
                "approximate_connection_time": 18_060,
            },
            "connection_info": {"app_id": APP_ID},
        }
        await websocket.send_text(json.dumps(hello))
        with self._socket_ready:  # registered only after the hello, so an envelope can never overtake it
            self._sockets.append(socket)
            self._socket_connects += 1
            self._socket_ready.notify_all()
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    text = (message.get("bytes") or b"").decode("utf-8", "replace")
                self._received(text)
        finally:
            with self._lock:
                if socket in self._sockets:
                    self._sockets.remove(socket)

    def _received(self, text: str) -> None:
        at = time.monotonic()
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = None
        with self._lock:
            self._socket_received.append(text)
            if isinstance(parsed, dict) and isinstance(parsed.get("envelope_id"), str):
                payload = parsed.get("payload")
                self._acks.append(
                    SocketAck(
                        envelope_id=parsed["envelope_id"],
                        payload=payload if isinstance(payload, dict) else None,
                        at=at,
                        raw=text,
                    )
                )

    def _send_on(self, socket: _Socket, message: dict[str, Any], timeout: float) -> bool:
        """Send on the server's loop; False (and the connection forgotten) when it turned out to be closing."""
        sent = asyncio.run_coroutine_threadsafe(socket.websocket.send_text(json.dumps(message)), socket.loop)
        try:
            sent.result(timeout=timeout)
        except TimeoutError:  # (an OSError too: not a closed connection)
            sent.cancel()
            raise
        except (WebSocketDisconnect, RuntimeError, OSError):  # closed under us: Starlette's and uvicorn's errors
            with self._lock:
                if socket in self._sockets:
                    self._sockets.remove(socket)
            return False
        return True

    # the answers, computed under the lock

    def _next_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        return queue.popleft() if queue else None

    def _answer(self, call: SlackCall) -> dict[str, Any]:
        self._check_token(call)
        failure = self._next_failure(call.method)
        if failure is not None:
            headers = {"retry-after": str(failure.retry_after)} if failure.retry_after is not None else {}
            raise _Answer(failure.status, {"ok": False, "error": failure.error}, headers)
        handlers = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.open": self._open,
            "users.info": self._user_info,
            "views.publish": self._publish_view,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "apps.connections.open": self._connections_open,
        }
        handler = handlers.get(call.method)
        if handler is None:
            raise _fail("unknown_method", status=404)
        self._check_rate(call.method, call.at)
        return handler(call.body)

    def _check_token(self, call: SlackCall) -> None:
        header = call.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else call.body.get("token")
        if not token:
            raise _fail("not_authed")
        app_level = str(token).startswith("xapp-")
        if call.method == "apps.connections.open":
            if not app_level:
                raise _fail("not_allowed_token_type")
            if self.app_token is not None and token != self.app_token:
                raise _fail("invalid_auth")
        elif app_level:
            raise _fail("not_allowed_token_type")
        elif self.token is not None and token != self.token:
            raise _fail("invalid_auth")

    def _check_rate(self, method: str, now: float) -> None:
        limit = self.rate_limits.get(method)
        if limit is None:
            return
        window = self._windows.setdefault(method, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            self._rate_limited += 1
            retry_after = max(1, math.ceil(window[0] + 1.0 - now))
            raise _Answer(429, {"ok": False, "error": "ratelimited"}, {"retry-after": str(retry_after)})
        window.append(now)

    def _auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        del body
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_DOMAIN,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        micros = next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):010d}"

    def _post_message(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = body.get("channel")
        if not isinstance(channel, str) or not channel:
            raise _fail("channel_not_found")
        text, blocks = _message_content(body)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": text,
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        self._messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, ts = body.get("channel"), body.get("ts")
        if not isinstance(channel, str) or not channel:
            raise _fail("channel_not_found")
        existing = self._messages.get((channel, ts)) if isinstance(ts, str) else None
        if existing is None:
            raise _fail("message_not_found")
        text, blocks = _message_content(body)
        existing["text"] = text
        existing["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        if blocks is not None:
            existing["blocks"] = blocks
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": dict(existing)}

    def _post_ephemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        """Ephemeral messages are not stored: Slack keeps them only in the recipient's client."""
        channel, user = body.get("channel"), body.get("user")
        if not isinstance(channel, str) or not channel:
            raise _fail("channel_not_found")
        if not isinstance(user, str) or not user.startswith(("U", "W")):
            raise _fail("user_not_found")
        _message_content(body)
        return {"ok": True, "message_ts": self._next_ts()}

    def _open(self, body: dict[str, Any]) -> dict[str, Any]:
        users = [u.strip() for u in str(body.get("users") or "").split(",") if u.strip()]
        if not users:
            raise _fail("users_list_not_supplied")
        if len(users) > 1:
            raise _fail("not_implemented_in_fake")  # group DMs (mpim) are not needed yet
        user = users[0]
        if not user.startswith(("U", "W")):
            raise _fail("user_not_found")
        already = user in self._dm_channels
        if not already:
            self._dm_channels[user] = f"D{len(self._dm_channels) + 1:08d}"
        channel = self._dm_channels[user]
        return {"ok": True, "no_op": already, "already_open": already, "channel": {"id": channel}}

    def _user_info(self, body: dict[str, Any]) -> dict[str, Any]:
        user_id = body.get("user")
        if not isinstance(user_id, str) or not user_id.startswith(("U", "W")):
            raise _fail("user_not_found")
        configured = self._users.get(user_id, {})
        name = configured.get("name") or user_id.lower()
        real_name = configured.get("real_name") or configured.get("name") or user_id
        display_name = configured.get("display_name")
        if display_name is None:  # set_user(display_name="") is a profile without one, as many real ones are
            display_name = configured.get("name") or ""
        tz = configured.get("tz") or DEFAULT_TZ
        tz_offset, tz_label = _TZ_OFFSETS.get(tz, (0, tz))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": display_name,
                "display_name_normalized": display_name,
                "team": TEAM_ID,
            },
            "is_admin": False,
            "is_owner": False,
            "is_bot": bool(configured.get("is_bot", False)),
            "is_app_user": False,
            "updated": 1_700_000_000,
        }
        if _truthy(body.get("include_locale")):
            user["locale"] = configured.get("locale") or DEFAULT_LOCALE
        return {"ok": True, "user": user}

    def _publish_view(self, body: dict[str, Any]) -> dict[str, Any]:
        user_id = body.get("user_id")
        if not isinstance(user_id, str) or not user_id.startswith(("U", "W")):
            raise _invalid("[ERROR] missing required field: user_id")
        view = _json_argument(body.get("view"))
        if not isinstance(view, dict):
            raise _invalid("[ERROR] missing required field: view")
        if view.get("type") != "home":
            raise _invalid("[ERROR] must be 'home' for views.publish [json-pointer:/view/type]")
        problems = _block_problems(view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks")
        if problems:
            raise _invalid(*problems)
        previous = self._home_views.get(user_id)
        given_hash = body.get("hash")
        if given_hash and previous is not None and given_hash != previous["hash"]:
            raise _fail("hash_conflict")
        view_id = self._view_ids.setdefault(user_id, self._next_id("V"))
        published = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": "home",
            "blocks": view["blocks"],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{_digest(view)}",
            "title": view.get("title", {"type": "plain_text", "text": "View Title", "emoji": True}),
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self._home_views[user_id] = published
        return {"ok": True, "view": published}

    def _upload_url(self, body: dict[str, Any]) -> dict[str, Any]:
        filename = body.get("filename")
        if not isinstance(filename, str) or not filename:
            raise _invalid("[ERROR] missing required field: filename")
        try:
            length = int(body.get("length"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            length = -1
        if length < 1:
            raise _invalid("[ERROR] length must be a positive number of bytes")
        file_id = self._next_id("F")
        self._uploads[file_id] = _Upload(
            file_id=file_id,
            filename=filename,
            length=length,
            alt_txt=body.get("alt_txt"),
            snippet_type=body.get("snippet_type"),
        )
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        entries = _json_argument(body.get("files"))
        if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
            raise _invalid("[ERROR] missing required field: files")
        uploads: list[tuple[_Upload, str]] = []
        for entry in entries:
            upload = self._uploads.get(str(entry.get("id")))
            if upload is None or upload.data is None:
                raise _fail("file_not_found")
            uploads.append((upload, str(entry.get("title") or upload.filename)))
        channel_id = body.get("channel_id") or None
        channels = [c for c in str(body.get("channels") or "").split(",") if c]
        if channel_id and not channels:
            channels = [str(channel_id)]
        comment = body.get("initial_comment") or None
        thread_ts = body.get("thread_ts") or None
        now = int(time.time())
        answered: list[dict[str, Any]] = []
        for upload, title in uploads:
            del self._uploads[upload.file_id]
            data = upload.data or b""
            self._files.append(
                {
                    "id": upload.file_id,
                    "filename": upload.filename,
                    "title": title,
                    "bytes": data,
                    "length": upload.length,
                    "channel": channels[0] if channels else None,
                    "channels": list(channels),
                    "initial_comment": comment,
                    "thread_ts": thread_ts,
                    "alt_txt": upload.alt_txt,
                    "snippet_type": upload.snippet_type,
                }
            )
            answered.append(_file_object(upload, title, len(data), now))
        return {"ok": True, "files": answered}

    def _connections_open(self, body: dict[str, Any]) -> dict[str, Any]:
        del body
        return {"ok": True, "url": self.socket_url}


def _plain_failure(failure: _Failure) -> tuple[int, str, dict[str, str]]:
    status = failure.status if failure.status != 200 else 400
    text = "rate_limited" if status == 429 else failure.error
    headers = {"retry-after": str(failure.retry_after)} if failure.retry_after is not None else {}
    return status, text, headers


def _digest(view: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(view, sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:8]


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def _json_argument(value: Any) -> Any:
    """An argument sent as JSON text (in a query string or form) or already decoded (in a JSON body)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _file_object(upload: _Upload, title: str, size: int, now: int) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
    filetype = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else "binary"
    url = f"https://files.slack.com/files-pri/{TEAM_ID}-{upload.file_id}/{upload.filename}"
    return {
        "id": upload.file_id,
        "created": now,
        "timestamp": now,
        "name": upload.filename,
        "title": title,
        "mimetype": mimetype,
        "filetype": filetype,
        "pretty_type": filetype.upper(),
        "user": BOT_USER_ID,
        "user_team": TEAM_ID,
        "editable": False,
        "size": size,
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": False,
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": url,
        "url_private_download": f"{url}?download=1",
        "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{upload.file_id}/{upload.filename}",
        "comments_count": 0,
        "is_starred": False,
        "shares": {},  # Slack shares the file asynchronously, after this answer
        "channels": [],
        "groups": [],
        "ims": [],
        "has_more_shares": False,
        "has_rich_preview": False,
        "file_access": "visible",
        "alt_txt": upload.alt_txt,
    }


def _uploaded_bytes(content_type: str, raw: bytes) -> bytes:
    """The file's bytes from an upload body: the body itself, or the file part of a multipart/form-data body."""
    if not content_type.lower().startswith("multipart/form-data"):
        return raw
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    chosen = next((p for p in parts if p.get_filename()), None) or next(iter(parts), None)
    if chosen is None:
        return b""
    payload = chosen.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


async def _arguments(request: Request) -> dict[str, Any]:
    """The query string, then the form or JSON body, merged; JSON-encoded form values (blocks) decoded."""
    arguments: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError as e:
            raise _fail("invalid_json") from e
        if isinstance(parsed, dict):
            arguments.update(parsed)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        for name in _JSON_ARGUMENTS:
            if isinstance(form.get(name), str):
                with contextlib.suppress(ValueError):  # left as sent when unreadable; the method's checks reject it
                    form[name] = json.loads(form[name])
        arguments.update(form)
    return arguments


def _message_content(body: dict[str, Any]) -> tuple[str, list[dict[str, Any]] | None]:
    text = body.get("text")
    blocks = body.get("blocks")
    if blocks is not None:
        problems = _block_problems(blocks)
        if problems:
            raise _fail("invalid_blocks", errors=problems, response_metadata={"messages": problems})
    if not text and not blocks:
        raise _fail("no_text")
    if text is not None and not isinstance(text, str):
        raise _fail("invalid_arguments")
    return text or "", blocks


def _text_of(value: Any) -> str | None:
    text = value.get("text") if isinstance(value, dict) else None
    return text if isinstance(text, str) else None


def _block_problems(blocks: Any, *, limit: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks") -> list[str]:
    """Slack's documented limits for the block types the bot sends (not a full Block Kit validator)."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, block in enumerate(blocks):
        where = f"[json-pointer:{pointer}/{index}"
        if not isinstance(block, dict):
            problems.append(f"[ERROR] must be an object {where}]")
            continue
        kind = block.get("type")
        if kind == "section":
            problems.extend(_section_problems(block, where))
        elif kind == "header":
            text = _text_of(block.get("text"))
            if not text or not text.strip() or len(text) > 150:
                problems.append(f"[ERROR] must be 1 to 150 characters {where}/text/text]")
        elif kind == "divider":
            pass
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                problems.append(f"[ERROR] must have 1 to 10 elements {where}/elements]")
            else:
                for e_index, element in enumerate(elements):
                    text = _text_of(element)
                    if not text or len(text) > 3000:
                        problems.append(f"[ERROR] invalid text {where}/elements/{e_index}/text]")
        elif kind == "actions":
            problems.extend(_actions_problems(block, where))
        else:
            problems.append(f"[ERROR] unsupported block type in the fake {where}/type]")
    return problems


def _section_problems(block: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    fields = block.get("fields")
    if "text" in block or fields is None:
        text = _text_of(block.get("text"))
        if text is None or not text.strip():
            problems.append(f"[ERROR] must be more than 0 characters {where}/text/text]")
        elif len(text) > 3000:
            problems.append(f"[ERROR] must be less than 3001 characters {where}/text/text]")
    if fields is not None:
        if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
            problems.append(f"[ERROR] must have 1 to 10 items {where}/fields]")
        else:
            for f_index, item in enumerate(fields):
                text = _text_of(item)
                if not text or len(text) > 2000:
                    problems.append(f"[ERROR] must be 1 to 2000 characters {where}/fields/{f_index}/text]")
    accessory = block.get("accessory")
    if accessory is not None:
        problems.extend(_button_problems(accessory, f"{where}/accessory"))
    return problems


def _button_problems(element: Any, at: str) -> list[str]:
    if not isinstance(element, dict) or element.get("type") != "button":
        return [f"[ERROR] must be a button {at}]"]
    problems: list[str] = []
    label = _text_of(element.get("text"))
    if not label or len(label) > 75:
        problems.append(f"[ERROR] must be 1 to 75 characters {at}/text/text]")
    action_id = element.get("action_id")
    if isinstance(action_id, str) and len(action_id) > 255:
        problems.append(f"[ERROR] must be less than 256 characters {at}/action_id]")
    value = element.get("value")
    if value is not None and (not isinstance(value, str) or len(value) > 2000):
        problems.append(f"[ERROR] must be less than 2001 characters {at}/value]")
    return problems


def _actions_problems(block: dict[str, Any], where: str) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        return [f"[ERROR] must have 1 to 25 elements {where}/elements]"]
    problems: list[str] = []
    seen: set[str] = set()
    for index, element in enumerate(elements):
        at = f"{where}/elements/{index}"
        problems.extend(_button_problems(element, at))
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if isinstance(action_id, str):
            if action_id in seen:
                problems.append(f"[ERROR] action_id already exists {at}/action_id]")
            seen.add(action_id)
    return problems
