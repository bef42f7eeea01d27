"""A local Slack Web API server for tests and benchmarks.

    with FakeSlackServer(token="xoxb-1") as server:
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

Methods: `auth.test`, `chat.postMessage`, `chat.update`, `conversations.open`; anything else answers
`unknown_method` (HTTP 404). Message checks follow Slack's documented limits: a post needs a channel and `text` or
`blocks`; blocks are checked for what Slack rejects as `invalid_blocks` (more than 50 blocks, empty or over-3,000
character section texts, more than 25 elements in an actions block, button texts over 75 characters, repeated
action_ids within a block). Lengths are counted in Python characters (code points).

What a call gets, in this order:
  1. `invalid_auth` (or `not_authed` without any token) when the server was given a `token` and the call's differs;
  2. the next scripted failure for that method (`fail_next`, first in, first out);
  3. HTTP 429 `ratelimited` with a `Retry-After` header when `rate_limit_per_second=N` is set and N
     chat.postMessage calls were already accepted within the last second (the answered 429s are counted in
     `rate_limited` and do not fill the window);
  4. the method's normal answer.

Timing: every `SlackCall.at` is `time.monotonic()` in seconds, taken in this process when the handler starts.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.servers.loopback import LoopbackServer

__all__ = ["WEBHOOK", "FakeSlackServer", "SlackCall"]

WEBHOOK = "webhook"  # the `method` name under which incoming-webhook posts are recorded and scripted
WEBHOOK_PATH = "/webhook/T000/B000/XXXX"

TEAM_ID = "T000"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"

_FIRST_TS_MICROS = 1_700_000_000_000_100  # the first ts handed out: "1700000000.000100"
_TS_STEP_MICROS = 100
_JSON_ARGUMENTS = ("blocks", "attachments", "metadata")  # form-encoded as JSON strings by the SDK


@dataclass(kw_only=True)
class SlackCall:
    """One request: `method` is the API method ("chat.postMessage") or WEBHOOK; `body` the merged arguments."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 0  # the HTTP status answered
    response: dict[str, Any] | str = field(default_factory=dict)  # the JSON answered (plain text for webhooks)

    @property
    def ok(self) -> bool:
        if isinstance(self.response, str):
            return self.status == 200 and self.response == "ok"
        return self.status == 200 and self.response.get("ok") is True


@dataclass(frozen=True, kw_only=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None


class _Answer(Exception):
    """An error answer, raised inside a handler to end it; never leaves the server."""

    def __init__(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(payload.get("error", ""))
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _fail(error: str, status: int = 200, **extra: Any) -> _Answer:
    return _Answer(status, {"ok": False, "error": error, **extra})


class FakeSlackServer:
    def __init__(self, *, token: str | None = None, rate_limit_per_second: int | None = None) -> None:
        """`token`, when given, is the only bot token accepted; `rate_limit_per_second` caps chat.postMessage."""
        if rate_limit_per_second is not None and rate_limit_per_second < 1:
            raise ValueError("rate_limit_per_second must be at least 1")
        self.token = token
        self.rate_limit_per_second = rate_limit_per_second
        self._lock = threading.Lock()
        self._calls: list[SlackCall] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._accepted_posts: deque[float] = deque()
        self._rate_limited = 0
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._dm_channels: dict[str, str] = {}
        self._ts = itertools.count(_FIRST_TS_MICROS, _TS_STEP_MICROS)
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
    def calls(self) -> list[SlackCall]:
        """Every call so far, webhook posts included, in arrival order (a new list)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[SlackCall]:
        """Every call to one method (or WEBHOOK), answered well or not."""
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
    def webhook_posts(self) -> list[dict[str, Any]]:
        """The JSON bodies of the incoming-webhook posts that were accepted."""
        return [c.body for c in self.calls_to(WEBHOOK) if c.ok]

    @property
    def rate_limited(self) -> int:
        """How many chat.postMessage calls the global rate limit answered with 429 (scripted 429s not included)."""
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

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` (or WEBHOOK) fail.

        `status=429` answers `ratelimited` with `Retry-After: retry_after` (default 1). `error="channel_not_found"`
        alone answers HTTP 200 `{"ok": false, "error": ...}` as Slack does; with a `status` (e.g. 500) that status
        carries it. With neither, the failure is a 429. Webhook failures answer the error code as plain text.
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
        """Forget recorded calls, scripted failures, the rate window, messages and opened DMs."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._accepted_posts.clear()
            self._rate_limited = 0
            self._messages.clear()
            self._dm_channels.clear()

    def start(self) -> FakeSlackServer:
        if self._loopback is not None:
            raise RuntimeError("already started")
        app = Starlette(
            routes=[
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/webhook/{rest:path}", self._webhook, methods=["POST"]),
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
            status, text, headers = 200, "ok", {}
            failure = self._next_failure(WEBHOOK)
            if request.url.path != WEBHOOK_PATH:
                status, text = 404, "no_service"
            elif failure is not None:
                status = failure.status if failure.status != 200 else 400
                text = "rate_limited" if status == 429 else failure.error
                if failure.retry_after is not None:
                    headers["retry-after"] = str(failure.retry_after)
            elif not isinstance(body, dict):
                status, text = 400, "invalid_payload"
            elif not body.get("text") and not body.get("blocks"):
                status, text = 400, "no_text"
            call.status, call.response = status, text
            return PlainTextResponse(text, status_code=status, headers=headers)

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
        if call.method == "auth.test":
            return self._auth_test()
        if call.method == "chat.postMessage":
            self._check_rate(call.at)
            return self._post_message(call.body)
        if call.method == "chat.update":
            return self._update(call.body)
        if call.method == "conversations.open":
            return self._open(call.body)
        raise _fail("unknown_method", status=404)

    def _check_token(self, call: SlackCall) -> None:
        header = call.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else call.body.get("token")
        if not token:
            raise _fail("not_authed")
        if self.token is not None and token != self.token:
            raise _fail("invalid_auth")

    def _check_rate(self, now: float) -> None:
        if self.rate_limit_per_second is None:
            return
        window = self._accepted_posts
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.rate_limit_per_second:
            self._rate_limited += 1
            retry_after = max(1, math.ceil(window[0] + 1.0 - now))
            raise _Answer(429, {"ok": False, "error": "ratelimited"}, {"retry-after": str(retry_after)})
        window.append(now)

    def _auth_test(self) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://maeum-test.slack.com/",
            "team": "maeum-test",
            "user": "maeum",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _next_ts(self) -> str:
        micros = next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

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


def _block_problems(blocks: Any) -> list[str]:
    """Slack's documented limits for the block types the bot sends (not a full Block Kit validator)."""
    if not isinstance(blocks, list):
        return ["[ERROR] blocks must be an array"]
    problems: list[str] = []
    if len(blocks) > 50:
        problems.append("[ERROR] no more than 50 items allowed [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{index}"
        if not isinstance(block, dict):
            problems.append(f"[ERROR] must be an object {where}]")
            continue
        kind = block.get("type")
        if kind == "section":
            text = block.get("text", {}).get("text") if isinstance(block.get("text"), dict) else None
            if not isinstance(text, str) or not text.strip():
                problems.append(f"[ERROR] must be more than 0 characters {where}/text/text]")
            elif len(text) > 3000:
                problems.append(f"[ERROR] must be less than 3001 characters {where}/text/text]")
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                problems.append(f"[ERROR] must have 1 to 10 elements {where}/elements]")
            else:
                for e_index, element in enumerate(elements):
                    text = element.get("text") if isinstance(element, dict) else None
                    if not isinstance(text, str) or not text or len(text) > 3000:
                        problems.append(f"[ERROR] invalid text {where}/elements/{e_index}/text]")
        elif kind == "actions":
            problems.extend(_actions_problems(block, where))
        else:
            problems.append(f"[ERROR] unsupported block type in the fake {where}/type]")
    return problems


def _actions_problems(block: dict[str, Any], where: str) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        return [f"[ERROR] must have 1 to 25 elements {where}/elements]"]
    problems: list[str] = []
    seen: set[str] = set()
    for index, element in enumerate(elements):
        at = f"{where}/elements/{index}"
        if not isinstance(element, dict) or element.get("type") != "button":
            problems.append(f"[ERROR] must be a button {at}]")
            continue
        label = element.get("text", {}).get("text") if isinstance(element.get("text"), dict) else None
        if not isinstance(label, str) or not label or len(label) > 75:
            problems.append(f"[ERROR] must be 1 to 75 characters {at}/text/text]")
        action_id = element.get("action_id")
        if isinstance(action_id, str):
            if len(action_id) > 255:
                problems.append(f"[ERROR] must be less than 256 characters {at}/action_id]")
            if action_id in seen:
                problems.append(f"[ERROR] action_id already exists {at}/action_id]")
            seen.add(action_id)
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > 2000):
            problems.append(f"[ERROR] must be less than 2001 characters {at}/value]")
    return problems
