"""A local Discord REST API (v10) and gateway for tests and benchmarks.

    with FakeDiscordServer(token="bot-token") as server, pointed_at(server):
        client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.01)
        task = asyncio.create_task(client.start("bot-token"))
        await server.wait_gateway_ready()
        server.dispatch("INTERACTION_CREATE", server.slash_command("hello", {"topic": "잠"}))
        ...
        server.fail_next("send_message", status=429, retry_after=0.2)

It speaks Discord's wire format closely enough for the unmodified discord.py 2.x: `pointed_at(server)` points
`discord.http.Route.BASE` (every REST and webhook call) and `DiscordWebSocket.DEFAULT_GATEWAY` at this server and
restores both afterwards. Starlette runs under uvicorn in a background thread on 127.0.0.1 (`LoopbackServer`).

REST, under `server.api_base` (`http://127.0.0.1:PORT/api/v10`). Every JSON answer has `Content-Type:
application/json` exactly (discord.py parses JSON only then); errors are `{"message": ..., "code": N}` (validation
errors add Discord's nested `errors` object). Routes carry the names of discord.py's `HTTPClient` / webhook adapter
methods, which `fail_next`, `rate_limits` and `calls_to` accept as well as `"METHOD /template"` (placeholder names
are free: `{id}` matches `{channel_id}`) or a concrete `"METHOD /path"`:

  get_current_user            GET    /users/@me                      the bot user ("maeum", discriminator "0")
  get_user                    GET    /users/{user_id}
  start_private_message       POST   /users/@me/channels             {"recipient_id"} -> DM channel (stable per user)
  application_info            GET    /oauth2/applications/@me        what `Client.login()` reads after /users/@me
  get_gateway, get_bot_gateway GET   /gateway, /gateway/bot          the gateway URL (+ shards, session_start_limit)
  get_global_commands, bulk_upsert_global_commands   GET/PUT /applications/{application_id}/commands
  get_guild_commands, bulk_upsert_guild_commands     GET/PUT /applications/{application_id}/guilds/{guild_id}/commands
  create_interaction_response POST   /interactions/{interaction_id}/{interaction_token}/callback   (no auth)
  execute_webhook             POST   /webhooks/{webhook_id}/{webhook_token}                         (no auth)
  get_webhook_message, edit_webhook_message, delete_webhook_message
                              GET/PATCH/DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id|@original}
  get_channel                 GET    /channels/{channel_id}
  logs_from, send_message     GET/POST /channels/{channel_id}/messages
  get_message, edit_message, delete_message   GET/PATCH/DELETE /channels/{channel_id}/messages/{message_id}
  send_typing                 POST   /channels/{channel_id}/typing    -> 204
Attachments are served, unauthenticated, at the `url` of each attachment object (`/attachments/...` on this port).

What a REST call gets, in this order: 401 `{"message": "401: Unauthorized", "code": 0}` without `Authorization: Bot
<token>` (webhook and interaction-callback routes need none, as in Discord); the next scripted failure for the route
(`fail_next`, first in, first out); 429 when a configured `rate_limits` window is full; the route's answer.
Rate-limit headers (`X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`) come with every answer of a known
route. Routes without a configured limit report a nominal 50 per second whose `Remaining` never reaches 0 (discord.py
sleeps pre-emptively when it does); configured ones count honestly, per major parameter (channel, guild, webhook or
interaction), so discord.py's pre-emptive waits happen as against Discord. A 429 carries `Retry-After`,
`X-RateLimit-Scope`, `Via: 1.1 google` (without `Via`, discord.py takes a 429 for a Cloudflare ban —
`fail_next(..., cloudflare=True)` scripts exactly that: text/html, no `Via`) and the body `{"message": "You are
being rate limited.", "retry_after": s, "global": bool, "code": 0}`. 401, 403 and 429 (unless scope "shared")
answers are counted in `invalid_requests`.

Messages (`send_message`, interaction responses, follow-ups, edits) are checked against Discord's limits, answering
400 code 50035 "Invalid Form Body" with an `errors` object: content over 2,000 characters (code points), over 10
embeds, embed title over 256, description over 4,096, over 25 fields, field name over 256 or value over 1,024,
footer over 2,048, author name over 256, over 6,000 embed characters in a message, over 5 action rows, over 5
buttons in a row, a select menu sharing its row, custom_id over 100, button label over 80, repeated custom_ids,
over 10 files, nonce over 25 characters. A message with no content, embeds, components, files, stickers or poll
answers 400 code 50006 "Cannot send an empty message" — Discord's own code for it. Files over 10 MiB answer 413
code 40005. Messages with the IS_COMPONENTS_V2 flag skip the action-row checks (their layout is not checked).
`send_message` honours `nonce` + `enforce_nonce: true`: the same nonce from the bot in the same channel within five
minutes answers the earlier message and creates nothing (`server.nonce_duplicates`). Sending to an unknown channel
answers 404 code 10003; to the DM of a user in `server.block_dms(user)` 403 code 50007.

Interactions. An interaction the server knows — dispatched through the gateway, built by `slash_command`,
`button_press` or `ping_interaction`, or `register_interaction(payload)` for ones delivered over HTTP — accepts one
callback; another answers 400 code 40060 "Interaction has already been acknowledged.", an unknown one 404 code
10062 "Unknown interaction" (also after `ack_deadline` seconds, when set: Discord's is 3). With `with_response`
(discord.py always sends `?with_response=1`) the callback answers 200 with the Interaction Callback Response
(`{"interaction": {...}, "resource": {...}}`), else 204. Type 4 creates the original message, type 5 a loading one
(empty, flags LOADING 128, plus EPHEMERAL 64 when asked), type 6/7 take the component's message as the original (7
edits it). The follow-up webhook (`/webhooks/{application_id}/{token}`) answers 404 code 10015 "Unknown Webhook"
before the callback; the first follow-up while the type-5 loading message is still loading edits it instead of
creating a message (its ephemeral flag kept), as Discord documents. `interaction_messages(id)` gives the original and
the follow-ups, each with its versions (every edit), so streamed edits can be checked.

Gateway at `server.gateway_url` (`ws://127.0.0.1:PORT/gateway`): `?v=10&encoding=json` and optionally
`compress=zlib-stream` (one `zlib.compressobj()` per connection, each frame `compress + flush(Z_SYNC_FLUSH)`, binary)
or `zstd-stream` (when the `zstandard` package is installed); without `compress` frames are text. HELLO (op 10) ->
IDENTIFY (op 2; bad token closes 4004, a bad shard 4010, unapproved privileged intents 4014) -> READY (guild stubs,
then one GUILD_CREATE per configured guild) and dispatches with `s` counting per session; heartbeats (op 1) get
HEARTBEAT_ACK (op 11); RESUME (op 6) replays what the session missed and sends RESUMED (an unknown or invalidated
session gets op 9 `false`); REQUEST_GUILD_MEMBERS (op 8) gets one GUILD_MEMBERS_CHUNK. A client closing with 1000 or
1001 ends its session (as Discord does); other closes leave it resumable. Events the session's intents do not cover
are not sent (`gateway_dropped`); guild messages lose their content without MESSAGE_CONTENT unless they mention the
bot. Tests drive it with `dispatch(event, payload)`, `gateway_close(code)`, `gateway_reconnect()` (op 7),
`gateway_invalidate(resumable)` (op 9), and wait with `await wait_gateway_ready()` & co. (they poll, leaving the
test's event loop free for the client).

Timing: every `.at` is `time.monotonic()` in this process, taken when a request or frame arrived or was sent.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import datetime
import hashlib
import itertools
import json
import math
import mimetypes
import re
import secrets
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.servers.loopback import LoopbackServer

__all__ = [
    "APPLICATION_ID",
    "BOT_NAME",
    "BOT_USER_ID",
    "DEFAULT_USER_ID",
    "DiscordCall",
    "FakeDiscordServer",
    "GatewayConnection",
    "GatewayFrame",
    "InteractionCallback",
    "MessageVersion",
    "StoredAttachment",
    "StoredMessage",
    "UploadedFile",
    "pointed_at",
]

_T = TypeVar("_T")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
CDN_PREFIX = "/attachments"

APPLICATION_ID = "1180000000000000001"
BOT_USER_ID = APPLICATION_ID  # a bot user's id is its application's, for every application made since 2017
OWNER_ID = "1180000000000000002"
DEFAULT_USER_ID = "1180000000000000100"
BOT_NAME = "maeum"

DISCORD_EPOCH_MS = 1_420_070_400_000
HEARTBEAT_INTERVAL_MS = 41_250
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
NONCE_WINDOW_SECONDS = 300.0

# message flags
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
_SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
_INTERACTION_FLAGS = _SENDABLE_FLAGS | EPHEMERAL

# gateway intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
GUILD_MESSAGE_TYPING = 1 << 11
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
DIRECT_MESSAGE_TYPING = 1 << 14
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

# application flags: the "limited" privileged-intent toggles of an unverified bot, and the command badge
_APP_FLAG_PRESENCE_LIMITED = 1 << 13
_APP_FLAG_GUILD_MEMBERS_LIMITED = 1 << 15
_APP_FLAG_MESSAGE_CONTENT_LIMITED = 1 << 19
_APP_FLAG_COMMAND_BADGE = 1 << 23

# interaction types and callback types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL, PREMIUM_REQUIRED, LAUNCH_ACTIVITY = 8, 9, 10, 12
_CALLBACK_TYPES_FOR = {
    PING: {PONG},
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL, PREMIUM_REQUIRED, LAUNCH_ACTIVITY},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
        PREMIUM_REQUIRED,
        LAUNCH_ACTIVITY,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
}

# gateway opcodes
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_PRESENCE, OP_VOICE_STATE = 0, 1, 2, 3, 4
OP_RESUME, OP_RECONNECT, OP_REQUEST_MEMBERS, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
_CLIENT_OPS = {OP_HEARTBEAT, OP_IDENTIFY, OP_PRESENCE, OP_VOICE_STATE, OP_RESUME, OP_REQUEST_MEMBERS, 31, 36, 37}
_SESSION_ENDING_CLOSE_CODES = {4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014}

_LOCALES = frozenset(
    {
        *("id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl"),
        *("pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW"),
        "ko",
    }
)
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_SNOWFLAKE = re.compile(r"^\d{1,20}$")

_ERROR_MESSAGES = {
    0: "General error",
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10013: "Unknown User",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    40005: "Request entity too large",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50005: "Cannot edit a message authored by another user",
    50006: "Cannot send an empty message",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50035: "Invalid Form Body",
    50109: "The request body contains invalid JSON.",
}
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_CLOUDFLARE_BAN_HTML = (
    "<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head>"
    "<body><h1>Error 1015</h1><p>You are being rate limited.</p></body></html>"
)


# ---------------------------------------------------------------------------------------------------------------
# what the server records


@dataclass(frozen=True, kw_only=True)
class UploadedFile:
    """One `files[n]` part of a multipart request."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(kw_only=True)
class DiscordCall:
    """One REST request. `route` is the template ("POST /channels/{channel_id}/messages", None when no route
    matched), `name` discord.py's name for it ("send_message"); `json` the JSON body, or the `payload_json` of a
    multipart body, whose files are in `files`; `response` the JSON answered (None for 204 or a non-JSON answer)."""

    method: str
    path: str
    route: str | None
    name: str | None
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    at: float
    status: int = 0
    response: Any = None


@dataclass(kw_only=True)
class InteractionCallback:
    """One POST to /interactions/{id}/{token}/callback, accepted (status 200/204) or not."""

    interaction_id: str
    token: str
    type: int | None
    data: dict[str, Any] | None
    query: dict[str, str]
    files: list[UploadedFile]
    at: float
    status: int = 0
    via_http_response: bool = False  # given by `record_http_response`, not by the callback route

    @property
    def accepted(self) -> bool:
        return self.status in (200, 204)


@dataclass(frozen=True, kw_only=True)
class StoredAttachment:
    id: str
    filename: str
    size: int
    content_type: str | None
    data: bytes
    description: str | None = None
    url: str = ""


@dataclass(kw_only=True)
class MessageVersion:
    """A message as it was created or after one edit."""

    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    attachments: list[StoredAttachment]
    flags: int
    at: float
    edited_timestamp: str | None = None


@dataclass(kw_only=True)
class StoredMessage:
    """A message the server holds. `kind`: "channel" (POST /channels/…/messages), "original" (an interaction's
    response), "followup" (an interaction webhook's), "incoming" (a user's, from `dm_message`/`guild_message`),
    "component" (a bot message made up by `button_press`). `versions[0]` is the message as created, each edit
    appends one; the properties read the latest."""

    id: str
    channel_id: str
    guild_id: str | None
    author_id: str
    kind: Literal["channel", "original", "followup", "incoming", "component"]
    type: int
    interaction_id: str | None
    webhook_id: str | None
    application_id: str | None
    nonce: str | int | None
    tts: bool
    timestamp: str
    created_at: float
    versions: list[MessageVersion]
    message_reference: dict[str, Any] | None = None
    deleted: bool = False
    deleted_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # interaction_metadata, interaction (payload fields)

    @property
    def content(self) -> str:
        return self.versions[-1].content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.versions[-1].embeds

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.versions[-1].components

    @property
    def attachments(self) -> list[StoredAttachment]:
        return self.versions[-1].attachments

    @property
    def flags(self) -> int:
        return self.versions[-1].flags

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def contents(self) -> list[str]:
        """The content of every version, oldest first (a streamed answer's growth)."""
        return [v.content for v in self.versions]

    @property
    def edits(self) -> int:
        return len(self.versions) - 1


@dataclass(frozen=True, kw_only=True)
class GatewayFrame:
    """A gateway frame, received from a client or sent to one. `connection` numbers the connections from 1."""

    direction: Literal["received", "sent"]
    op: int | None
    t: str | None
    s: int | None
    d: Any
    raw: str
    at: float
    connection: int
    session_id: str | None
    binary: bool = False  # sent compressed (binary frame)
    size: int = 0  # bytes on the wire


@dataclass(kw_only=True)
class GatewayConnection:
    index: int
    query: dict[str, str]
    compress: str | None
    opened_at: float
    session_id: str | None = None
    closed_at: float | None = None
    close_code: int | None = None
    closed_by: Literal["client", "server"] | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(kw_only=True)
class GatewaySession:
    session_id: str
    shard: tuple[int, int]
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    valid: bool = True
    resumes: int = 0
    connection: int | None = None  # the index of the connection it is attached to


@dataclass(frozen=True, kw_only=True)
class CommandSync:
    guild_id: str | None
    commands: list[dict[str, Any]]
    at: float


# ---------------------------------------------------------------------------------------------------------------
# internals


class _Problem(Exception):
    """An error answer, raised inside a handler to end it; never leaves the server."""

    def __init__(
        self,
        status: int,
        code: int = 0,
        message: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        html: str | None = None,
        raw_body: dict[str, Any] | None = None,
    ) -> None:
        if message is None:
            message = _ERROR_MESSAGES.get(code) if code else f"{status}: {_STATUS_TEXT.get(status, 'Error')}"
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message or ""
        self.errors = errors
        self.headers = headers or {}
        self.html = html
        self.raw_body = raw_body

    def body(self) -> dict[str, Any]:
        if self.raw_body is not None:
            return self.raw_body
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def _invalid_form(errors: dict[str, Any]) -> _Problem:
    return _Problem(400, 50035, errors=errors)


@dataclass(kw_only=True)
class _Reply:
    status: int = 200
    payload: Any = None  # None: no body (204)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _RouteSpec:
    method: str
    template: str
    name: str
    handler: str
    auth: bool
    pattern: re.Pattern[str]

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def normalized(self) -> str:
        return f"{self.method} {_normalize_template(self.template)}"


def _normalize_template(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", template)


def _route(method: str, template: str, name: str, *, auth: bool = True) -> _RouteSpec:
    regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    return _RouteSpec(
        method=method, template=template, name=name, handler=f"_h_{name}", auth=auth, pattern=re.compile(regex)
    )


_ROUTES: tuple[_RouteSpec, ...] = (
    _route("GET", "/users/@me", "get_current_user"),
    _route("POST", "/users/@me/channels", "start_private_message"),
    _route("GET", "/users/{user_id}", "get_user"),
    _route("GET", "/oauth2/applications/@me", "application_info"),
    _route("GET", "/gateway", "get_gateway", auth=False),
    _route("GET", "/gateway/bot", "get_bot_gateway"),
    _route("GET", "/applications/{application_id}/commands", "get_global_commands"),
    _route("PUT", "/applications/{application_id}/commands", "bulk_upsert_global_commands"),
    _route("GET", "/applications/{application_id}/guilds/{guild_id}/commands", "get_guild_commands"),
    _route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "bulk_upsert_guild_commands"),
    _route(
        "POST", "/interactions/{interaction_id}/{interaction_token}/callback", "create_interaction_response", auth=False
    ),
    _route("POST", "/webhooks/{webhook_id}/{webhook_token}", "execute_webhook", auth=False),
    _route("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "get_webhook_message", auth=False),
    _route("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "edit_webhook_message", auth=False),
    _route(
        "DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "delete_webhook_message", auth=False
    ),
    _route("GET", "/channels/{channel_id}", "get_channel"),
    _route("GET", "/channels/{channel_id}/messages", "logs_from"),
    _route("POST", "/channels/{channel_id}/messages", "send_message"),
    _route("GET", "/channels/{channel_id}/messages/{message_id}", "get_message"),
    _route("PATCH", "/channels/{channel_id}/messages/{message_id}", "edit_message"),
    _route("DELETE", "/channels/{channel_id}/messages/{message_id}", "delete_message"),
    _route("POST", "/channels/{channel_id}/typing", "send_typing"),
)
_ROUTES_BY_NAME = {spec.name: spec for spec in _ROUTES}
_ROUTES_BY_NORMALIZED = {spec.normalized: spec for spec in _ROUTES}


@dataclass(frozen=True, kw_only=True)
class _Target:
    """What a `fail_next` or `rate_limits` key designates: a route, and maybe one concrete path."""

    route: _RouteSpec
    path: str | None = None

    def matches(self, spec: _RouteSpec, path: str) -> bool:
        return spec is self.route and (self.path is None or self.path == path)


def _target(key: str) -> _Target:
    key = key.strip()
    if key in _ROUTES_BY_NAME:
        return _Target(route=_ROUTES_BY_NAME[key])
    method, _, path = key.partition(" ")
    method, path = method.upper(), path.strip()
    if path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :]
    path = path.split("?", 1)[0]
    if "{" in path:
        spec = _ROUTES_BY_NORMALIZED.get(f"{method} {_normalize_template(path)}")
        if spec is not None:
            return _Target(route=spec)
    else:
        spec = next((s for s in _ROUTES if s.method == method and s.pattern.match(path)), None)
        if spec is not None:
            return _Target(route=spec, path=path)
    raise ValueError(f"no route {key!r}: give a route name ({', '.join(sorted(_ROUTES_BY_NAME))}) or 'METHOD /path'")


@dataclass(frozen=True, kw_only=True)
class _Failure:
    target: _Target
    status: int
    code: int
    message: str | None
    retry_after: float | None
    global_: bool
    scope: str
    cloudflare: bool
    errors: dict[str, Any] | None


@dataclass(kw_only=True)
class _Ctx:
    spec: _RouteSpec
    params: dict[str, str]
    body: Any
    files: list[UploadedFile]
    query: dict[str, str]
    call: DiscordCall
    at: float


@dataclass(kw_only=True)
class _Window:
    start: float
    count: int = 0


@dataclass(kw_only=True)
class _Channel:
    id: str
    type: int  # 0 guild text, 1 DM
    guild_id: str | None = None
    name: str | None = None
    position: int = 0
    recipient_id: str | None = None
    last_message_id: str | None = None


@dataclass(kw_only=True)
class _Guild:
    id: str
    name: str
    preferred_locale: str
    owner_id: str
    channel_ids: list[str]
    joined_at: str


@dataclass(kw_only=True)
class _Interaction:
    id: str
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: str | None
    guild_id: str | None
    user_id: str | None
    registered_at: float
    via: str
    component_message_id: str | None = None
    response_type: int | None = None
    responded_at: float | None = None
    original_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None


@dataclass(eq=False, kw_only=True)
class _Conn:
    info: GatewayConnection
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop
    compressor: Callable[[bytes], bytes] | None
    send_lock: asyncio.Lock
    session: _Session | None = None
    closed: bool = False


@dataclass(eq=False, kw_only=True)
class _Session:
    info: GatewaySession
    events: list[dict[str, Any]] = field(default_factory=list)  # every dispatch frame, for RESUME
    conn: _Conn | None = None
    ready: bool = False


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "yes")


def _as_id(value: int | str) -> str:
    text = str(value)
    if not _SNOWFLAKE.match(text):
        raise ValueError(f"not a snowflake: {value!r}")
    return text


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _add_error(errors: dict[str, Any], path: Sequence[str | int], code: str, message: str) -> None:
    node = errors
    for key in path:
        node = node.setdefault(str(key), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _too_long(errors: dict[str, Any], path: Sequence[str | int], value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        _add_error(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _parse_multipart(content_type: str, raw: bytes) -> tuple[Any, list[UploadedFile]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise _Problem(400, 50035, errors={"_errors": [{"code": "MULTIPART_INVALID", "message": "No boundary"}]})
    delimiter = b"--" + match.group(1).encode()
    payload: Any = None
    files: list[UploadedFile] = []
    for part in raw.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        params = _disposition_params(headers.get("content-disposition", ""))
        name = params.get("name", "")
        if name == "payload_json":
            try:
                payload = json.loads(data)
            except ValueError as e:
                raise _Problem(400, 50109) from e
        elif "filename" in params or name.startswith("files["):
            files.append(
                UploadedFile(
                    field=name,
                    filename=params.get("filename", name),
                    content_type=headers.get("content-type"),
                    data=data,
                )
            )
    return payload, files


def _disposition_params(header: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, quoted, plain in re.findall(r'([\w*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))', header):
        value = quoted.replace('\\"', '"') if quoted or not plain else plain.strip()
        if key.endswith("*"):
            _, _, encoded = value.partition("''")
            params[key[:-1]] = unquote(encoded)
        else:
            params.setdefault(key, value)
    return params


def _parse_body(content_type: str, raw: bytes) -> tuple[Any, list[UploadedFile]]:
    if not raw:
        return None, []
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        return _parse_multipart(content_type, raw)
    if kind == "application/json":
        try:
            return json.loads(raw), []
        except ValueError as e:
            raise _Problem(400, 50109) from e
    return None, []


# ---------------------------------------------------------------------------------------------------------------
# validation


def _embed_problems(embeds: Any, errors: dict[str, Any]) -> None:
    if not isinstance(embeds, list):
        _add_error(errors, ["embeds"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > 10:
        _add_error(errors, ["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        where: list[str | int] = ["embeds", index]
        if not isinstance(embed, dict):
            _add_error(errors, where, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        for key, limit in (("title", 256), ("description", 4096)):
            value = embed.get(key)
            _too_long(errors, [*where, key], value, limit)
            total += len(value) if isinstance(value, str) else 0
        footer = embed.get("footer")
        if isinstance(footer, dict):
            _too_long(errors, [*where, "footer", "text"], footer.get("text"), 2048)
            total += len(footer.get("text") or "")
        author = embed.get("author")
        if isinstance(author, dict):
            _too_long(errors, [*where, "author", "name"], author.get("name"), 256)
            total += len(author.get("name") or "")
        fields = embed.get("fields")
        if fields is None:
            continue
        if not isinstance(fields, list):
            _add_error(errors, [*where, "fields"], "BASE_TYPE_ARRAY", "Must be an array.")
            continue
        if len(fields) > 25:
            _add_error(errors, [*where, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for f_index, raw_field in enumerate(fields):
            at: list[str | int] = [*where, "fields", f_index]
            item = raw_field if isinstance(raw_field, dict) else {}
            for key, limit in (("name", 256), ("value", 1024)):
                value = item.get(key)
                if not isinstance(value, str) or not value:
                    _add_error(errors, [*at, key], "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    _too_long(errors, [*at, key], value, limit)
                    total += len(value)
    if total > 6000:
        _add_error(errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _component_problems(components: Any, errors: dict[str, Any]) -> None:
    if not isinstance(components, list):
        _add_error(errors, ["components"], "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(components) > 5:
        _add_error(errors, ["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for r_index, row in enumerate(components):
        where: list[str | int] = ["components", r_index]
        if not isinstance(row, dict) or row.get("type") != 1:
            _add_error(errors, [*where, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1}.")
            continue
        children = row.get("components")
        if not isinstance(children, list) or not children:
            _add_error(errors, [*where, "components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
            continue
        if len(children) > 5:
            _add_error(errors, [*where, "components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        selects = [c for c in children if isinstance(c, dict) and c.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(children) > 1:
            _add_error(
                errors,
                [*where, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for c_index, child in enumerate(children):
            at: list[str | int] = [*where, "components", c_index]
            if not isinstance(child, dict):
                _add_error(errors, at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            custom_id = child.get("custom_id")
            if child.get("type") == 2:
                style = child.get("style")
                _too_long(errors, [*at, "label"], child.get("label"), 80)
                if style == 5:
                    if not child.get("url"):
                        _add_error(errors, [*at, "url"], "BASE_TYPE_REQUIRED", "This field is required")
                elif style != 6 and not custom_id:
                    _add_error(errors, [*at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
            elif child.get("type") in (3, 5, 6, 7, 8):
                if not custom_id:
                    _add_error(errors, [*at, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
                options = child.get("options")
                if isinstance(options, list) and len(options) > 25:
                    _add_error(errors, [*at, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            if isinstance(custom_id, str):
                _too_long(errors, [*at, "custom_id"], custom_id, 100)
                if custom_id in seen:
                    _add_error(
                        errors,
                        [*at, "custom_id"],
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(custom_id)


def _message_problems(body: Mapping[str, Any], files: Sequence[UploadedFile]) -> dict[str, Any]:
    """The 50035 errors of a message body (create or edit: only the fields present are checked)."""
    errors: dict[str, Any] = {}
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        _add_error(errors, ["content"], "BASE_TYPE_STRING", "Could not interpret value as string.")
    _too_long(errors, ["content"], content, 2000)
    if body.get("embeds") is not None:
        _embed_problems(body["embeds"], errors)
    flags = _int(body.get("flags"))
    if body.get("components") is not None and not flags & IS_COMPONENTS_V2:
        _component_problems(body["components"], errors)
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        _too_long(errors, ["nonce"], nonce, 25)
    if len(files) > 10:
        _add_error(errors, ["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    return errors


def _is_empty(content: str, embeds: list[Any], components: list[Any], attachments: list[Any]) -> bool:
    return not content.strip() and not embeds and not components and not attachments


def _command_problems(commands: Any) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not isinstance(commands, list):
        _add_error(errors, [], "BASE_TYPE_ARRAY", "Must be an array.")
        return errors
    if sum(1 for c in commands if isinstance(c, dict) and c.get("type", 1) == 1) > 100:
        _add_error(errors, [], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        if not isinstance(command, dict):
            _add_error(errors, [index], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        kind = command.get("type", 1)
        name = command.get("name")
        chat_input = kind == 1
        if not isinstance(name, str) or not _valid_command_name(name, chat_input=chat_input):
            _add_error(errors, [index, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        elif (kind, name) in seen:
            _add_error(
                errors,
                [index, "name"],
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        else:
            seen.add((kind, name))
        description = command.get("description", "")
        if chat_input and (not isinstance(description, str) or not 1 <= len(description) <= 100):
            _add_error(errors, [index, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if not chat_input and description:
            _add_error(
                errors, [index, "description"], "APPLICATION_COMMAND_INVALID_DESCRIPTION", "Description must be empty"
            )
        _localization_problems(command, [index], errors, chat_input=chat_input)
        _option_problems(command.get("options"), [index, "options"], errors)
    return errors


def _valid_command_name(name: str, *, chat_input: bool) -> bool:
    if not chat_input:
        return 1 <= len(name) <= 32
    return bool(_COMMAND_NAME.match(name)) and name == name.lower()


def _localization_problems(
    item: Mapping[str, Any], where: list[str | int], errors: dict[str, Any], *, chat_input: bool
) -> None:
    for key in ("name_localizations", "description_localizations"):
        localized = item.get(key)
        if localized is None:
            continue
        if not isinstance(localized, dict):
            _add_error(errors, [*where, key], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        for locale, text in localized.items():
            if locale not in _LOCALES:
                _add_error(
                    errors, [*where, key, locale], "BASE_TYPE_CHOICES", f"Value must be one of {sorted(_LOCALES)}."
                )
            elif key == "name_localizations" and (
                not isinstance(text, str) or not _valid_command_name(text, chat_input=chat_input)
            ):
                _add_error(errors, [*where, key, locale], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            elif key == "description_localizations" and (not isinstance(text, str) or not 1 <= len(text) <= 100):
                _add_error(
                    errors, [*where, key, locale], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )


def _option_problems(options: Any, where: list[str | int], errors: dict[str, Any]) -> None:
    if options is None:
        return
    if not isinstance(options, list):
        _add_error(errors, where, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(options) > 25:
        _add_error(errors, where, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, option in enumerate(options):
        at = [*where, index]
        if not isinstance(option, dict):
            continue
        name = option.get("name")
        if not isinstance(name, str) or not _valid_command_name(name, chat_input=True):
            _add_error(errors, [*at, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        description = option.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 100:
            _add_error(errors, [*at, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        choices = option.get("choices")
        if isinstance(choices, list) and len(choices) > 25:
            _add_error(errors, [*at, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        _localization_problems(option, at, errors, chat_input=True)
        _option_problems(option.get("options"), [*at, "options"], errors)


def _required_intent(event: str, payload: Mapping[str, Any]) -> int | None:
    in_guild = payload.get("guild_id") is not None
    if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"):
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event == "TYPING_START":
        return GUILD_MESSAGE_TYPING if in_guild else DIRECT_MESSAGE_TYPING
    if event.startswith("MESSAGE_REACTION_"):
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    if event in ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"):
        return GUILD_MEMBERS
    if event == "PRESENCE_UPDATE":
        return GUILD_PRESENCES
    if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")):
        return GUILDS
    return None


def _compressor_for(kind: str | None) -> Callable[[bytes], bytes] | None:
    if kind is None:
        return None
    if kind == "zlib-stream":
        context = zlib.compressobj()
        return lambda data: context.compress(data) + context.flush(zlib.Z_SYNC_FLUSH)
    if kind == "zstd-stream":
        import zstandard  # only asked for by a discord.py that found zstandard (or Python 3.14's compression.zstd)

        zstd_context = zstandard.ZstdCompressor().compressobj()
        return lambda data: zstd_context.compress(data) + zstd_context.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------------------------
# the server


class FakeDiscordServer:
    def __init__(
        self,
        token: str = "bot-token",
        application_id: int | str = APPLICATION_ID,
        bot_user_id: int | str | None = None,
        public_key: str | None = None,
        *,
        bot_name: str = BOT_NAME,
        shards: int = 1,
        heartbeat_interval: int = HEARTBEAT_INTERVAL_MS,
        rate_limits: Mapping[str, tuple[int, float]] | None = None,
        privileged_intents: int = PRIVILEGED_INTENTS,
        ack_deadline: float | None = None,
    ) -> None:
        """`token` is the only bot token accepted (REST `Authorization: Bot <token>`, gateway IDENTIFY/RESUME).
        `bot_user_id` defaults to `application_id`, as for every application made since 2017. `public_key` is the
        hex Ed25519 key application info answers as `verify_key`; without it a key pair is made and
        `sign_interaction` can sign HTTP interactions. `rate_limits` caps routes per major parameter:
        `{"POST /channels/{id}/messages": (5, 5.0)}` (a route name works too). `privileged_intents` are the ones
        the application may ask for (others close the gateway with 4014). `ack_deadline` makes an interaction
        unknown (10062) that many seconds after it was registered or dispatched (Discord's is 3 s)."""
        if shards < 1:
            raise ValueError("shards must be at least 1")
        self.token = token
        self.application_id = _as_id(application_id)
        self.bot_user_id = _as_id(bot_user_id) if bot_user_id is not None else self.application_id
        self.bot_name = bot_name
        self.shards = shards
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents
        self.ack_deadline = ack_deadline
        self.ack_heartbeats = True  # set False to let heartbeats go unanswered (a zombie connection)
        self._signing_key: Any = None
        if public_key is None:
            from nacl.signing import SigningKey

            self._signing_key = SigningKey.generate()
            public_key = self._signing_key.verify_key.encode().hex()
        self.public_key = public_key
        self.rate_limits: dict[_RouteSpec, tuple[int, float]] = {}
        for key, (limit, per) in (rate_limits or {}).items():
            if limit < 1 or per <= 0:
                raise ValueError("a rate limit needs at least 1 request per a positive number of seconds")
            self.rate_limits[_target(key).route] = (limit, per)

        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._last_snowflake = 0
        self._calls: list[DiscordCall] = []
        self._failures: list[_Failure] = []
        self._windows: dict[tuple[str, str], _Window] = {}
        self._invalid_requests = 0
        self._rate_limited = 0
        self._users: dict[str, dict[str, Any]] = {}
        self._guilds: dict[str, _Guild] = {}
        self._channels: dict[str, _Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._blocked_dms: set[str] = set()
        self._messages: dict[str, StoredMessage] = {}
        self._nonces: dict[tuple[str, str], tuple[str, float]] = {}
        self._nonce_duplicates = 0
        self._created_messages = 0
        self._typing: list[tuple[str, float]] = []
        self._interactions: dict[str, _Interaction] = {}
        self._callbacks: list[InteractionCallback] = []
        self._commands: dict[str | None, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[str | None, int, str], str] = {}
        self._syncs: list[CommandSync] = []
        self._cdn: dict[str, StoredAttachment] = {}
        # gateway
        self._conns: list[_Conn] = []
        self._sessions: dict[str, _Session] = {}
        self._session_order: list[str] = []
        self._frames: list[GatewayFrame] = []
        self._dropped: list[tuple[str, dict[str, Any]]] = []
        self._ready_count = 0
        self._resumed_count = 0
        self._server_loop: asyncio.AbstractEventLoop | None = None
        self._loopback: LoopbackServer | None = None
        self.port = 0

    # --- addresses -------------------------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        """What `discord.http.Route.BASE` should be."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # --- running ---------------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeDiscordServer:
        if self._loopback is not None:
            raise RuntimeError("already started")
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        app = Starlette(
            routes=[
                Route(API_PREFIX + "/{path:path}", self._rest, methods=methods),
                Route(CDN_PREFIX + "/{channel_id}/{attachment_id}/{filename}", self._cdn_file, methods=["GET"]),
                WebSocketRoute(GATEWAY_PATH, self._gateway),
            ]
        )
        self._loopback = LoopbackServer(app, name="fake-discord")
        self.port = self._loopback.start(port)
        return self

    def stop(self) -> None:
        if self._loopback is not None:
            self._loopback.stop()
        self._loopback = None

    def __enter__(self) -> FakeDiscordServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- configuration ---------------------------------------------------------------------------------------

    def add_user(
        self, user_id: int | str, *, username: str | None = None, global_name: str | None = None, bot: bool = False
    ) -> str:
        """Name a user (any other id gets a made-up `user<last 4 digits>`)."""
        uid = _as_id(user_id)
        with self._lock:
            self._users[uid] = {"username": username, "global_name": global_name, "bot": bot}
        return uid

    def add_guild(
        self,
        guild_id: int | str,
        *,
        name: str = "maeum-test",
        channels: Mapping[int | str, str] | None = None,
        preferred_locale: str = "ko",
        owner_id: int | str = OWNER_ID,
    ) -> str:
        """A guild the bot is in, with text channels `{channel_id: name}`: READY lists it unavailable and a
        GUILD_CREATE follows (configure guilds before the client connects)."""
        gid = _as_id(guild_id)
        with self._lock:
            guild = _Guild(
                id=gid,
                name=name,
                preferred_locale=preferred_locale,
                owner_id=_as_id(owner_id),
                channel_ids=[],
                joined_at=_now_iso(),
            )
            self._guilds[gid] = guild
        for channel_id, channel_name in (channels or {}).items():
            self.add_text_channel(channel_id, guild_id=gid, name=channel_name)
        return gid

    def add_text_channel(self, channel_id: int | str, *, guild_id: int | str, name: str = "general") -> str:
        cid, gid = _as_id(channel_id), _as_id(guild_id)
        with self._lock:
            guild = self._guilds.get(gid)
            if guild is None:
                raise ValueError(f"add the guild {gid} first")
            self._channels[cid] = _Channel(id=cid, type=0, guild_id=gid, name=name, position=len(guild.channel_ids))
            if cid not in guild.channel_ids:
                guild.channel_ids.append(cid)
        return cid

    def dm_channel(self, user_id: int | str) -> str:
        """The DM channel id between the bot and the user (made on first use, stable afterwards)."""
        uid = _as_id(user_id)
        with self._lock:
            existing = self._dm_by_user.get(uid)
            if existing is None:
                existing = self._snowflake()
                self._dm_by_user[uid] = existing
                self._channels[existing] = _Channel(id=existing, type=1, recipient_id=uid)
            return existing

    def block_dms(self, user_id: int | str, blocked: bool = True) -> None:
        """Sending into this user's DM answers 403 code 50007 (DMs closed, or the bot blocked)."""
        uid = _as_id(user_id)
        with self._lock:
            if blocked:
                self._blocked_dms.add(uid)
            else:
                self._blocked_dms.discard(uid)

    def fail_next(
        self,
        route: str,
        *,
        status: int | None = None,
        code: int | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        global_: bool = False,
        scope: Literal["user", "global", "shared"] | None = None,
        cloudflare: bool = False,
        errors: dict[str, Any] | None = None,
        count: int = 1,
    ) -> None:
        """Make the next `count` calls to `route` fail: a route name ("send_message"), a template
        ("POST /channels/{id}/messages") or a concrete "METHOD /path" (only that path).

        Without a status the failure is a 429 (`retry_after` seconds, default 1.0; `global_` for a global limit;
        `scope` defaults to "global" or "user"); `cloudflare=True` answers Cloudflare's text/html 429 without a
        `Via` header, which discord.py raises at once. Other statuses answer `{"message", "code"}`: `code` defaults
        to 50013 for 403, 0 otherwise, and `message` to Discord's text for the code."""
        if count < 1:
            raise ValueError("count must be at least 1")
        target = _target(route)
        if status is None:
            status = 429
        if status == 429 and retry_after is None:
            retry_after = 1.0
        if code is None:
            code = 50013 if status == 403 else 0
        failure = _Failure(
            target=target,
            status=status,
            code=code,
            message=message,
            retry_after=retry_after,
            global_=global_,
            scope=scope or ("global" if global_ else "user"),
            cloudflare=cloudflare,
            errors=errors,
        )
        with self._lock:
            self._failures.extend([failure] * count)

    def reset(self) -> None:
        """Forget calls, scripted failures, rate windows, counters, messages, interactions, callbacks, command
        syncs and recorded frames. Users, guilds, channels and gateway sessions stay."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._windows.clear()
            self._invalid_requests = self._rate_limited = 0
            self._messages.clear()
            self._nonces.clear()
            self._nonce_duplicates = self._created_messages = 0
            self._typing.clear()
            self._interactions.clear()
            self._callbacks.clear()
            self._commands.clear()
            self._syncs.clear()
            self._cdn.clear()
            self._frames.clear()
            self._dropped.clear()

    # --- reading results -------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[DiscordCall]:
        """Every REST call, in arrival order (copies)."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def calls_to(self, route: str) -> list[DiscordCall]:
        """The calls to one route (a name, a template or a concrete "METHOD /path"), answered well or not."""
        target = _target(route)
        return [
            c
            for c in self.calls
            if c.route is not None
            and _ROUTES_BY_NAME[c.name or ""] is target.route
            and (target.path is None or c.path == target.path)
        ]

    @property
    def invalid_requests(self) -> int:
        """401, 403 and 429 answers (429s of scope "shared" excepted), which Discord counts towards its ban."""
        with self._lock:
            return self._invalid_requests

    @property
    def rate_limited(self) -> int:
        """429s answered because a configured `rate_limits` window was full (scripted ones not included)."""
        with self._lock:
            return self._rate_limited

    @property
    def interaction_callbacks(self) -> list[InteractionCallback]:
        with self._lock:
            return copy.deepcopy(self._callbacks)

    @property
    def synced_commands(self) -> list[dict[str, Any]]:
        """The global commands as the last accepted bulk overwrite sent them."""
        with self._lock:
            last = next((s for s in reversed(self._syncs) if s.guild_id is None), None)
            return copy.deepcopy(last.commands) if last else []

    def guild_synced_commands(self, guild_id: int | str) -> list[dict[str, Any]]:
        gid = str(guild_id)
        with self._lock:
            last = next((s for s in reversed(self._syncs) if s.guild_id == gid), None)
            return copy.deepcopy(last.commands) if last else []

    @property
    def command_syncs(self) -> list[CommandSync]:
        with self._lock:
            return copy.deepcopy(self._syncs)

    def message(self, message_id: int | str) -> StoredMessage | None:
        with self._lock:
            found = self._messages.get(str(message_id))
            return copy.deepcopy(found) if found else None

    def channel_messages(self, channel_id: int | str, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Every message in the channel, oldest first: the bot's, interaction responses and follow-ups (ephemeral
        ones included, flagged), and users' messages made by `dm_message`/`guild_message`."""
        cid = str(channel_id)
        with self._lock:
            found = [m for m in self._messages.values() if m.channel_id == cid and (include_deleted or not m.deleted)]
            return copy.deepcopy(sorted(found, key=lambda m: int(m.id)))

    def interaction_messages(self, interaction_id: int | str) -> list[StoredMessage]:
        """The interaction's original response message (when it has one) then its follow-ups, in order."""
        with self._lock:
            interaction = self._interactions.get(str(interaction_id))
            if interaction is None:
                return []
            ids = ([interaction.original_id] if interaction.original_id else []) + interaction.followup_ids
            return copy.deepcopy([self._messages[i] for i in ids if i in self._messages])

    def original_message(self, interaction_id: int | str) -> StoredMessage | None:
        with self._lock:
            interaction = self._interactions.get(str(interaction_id))
            if interaction is None or interaction.original_id is None:
                return None
            return copy.deepcopy(self._messages.get(interaction.original_id))

    def interaction_response_type(self, interaction_id: int | str) -> int | None:
        with self._lock:
            interaction = self._interactions.get(str(interaction_id))
            return interaction.response_type if interaction else None

    def autocomplete_choices(self, interaction_id: int | str) -> list[dict[str, Any]] | None:
        with self._lock:
            interaction = self._interactions.get(str(interaction_id))
            return copy.deepcopy(interaction.autocomplete_choices) if interaction else None

    def modal(self, interaction_id: int | str) -> dict[str, Any] | None:
        with self._lock:
            interaction = self._interactions.get(str(interaction_id))
            return copy.deepcopy(interaction.modal) if interaction else None

    @property
    def created_messages(self) -> int:
        """How many messages POST /channels/{id}/messages created (nonce repeats excluded)."""
        with self._lock:
            return self._created_messages

    @property
    def nonce_duplicates(self) -> int:
        """How many sends were answered with an earlier message because of `enforce_nonce`."""
        with self._lock:
            return self._nonce_duplicates

    @property
    def typing(self) -> list[tuple[str, float]]:
        """(channel_id, at) for every accepted typing indicator."""
        with self._lock:
            return list(self._typing)

    # --- gateway: reading ------------------------------------------------------------------------------------

    @property
    def gateway_received(self) -> list[GatewayFrame]:
        """Every frame clients sent (heartbeats, IDENTIFY with its token, RESUME, …), in order."""
        with self._lock:
            return [f for f in self._frames if f.direction == "received"]

    @property
    def gateway_sent(self) -> list[GatewayFrame]:
        """Every frame sent to clients (HELLO, dispatches, acks, replays), in order."""
        with self._lock:
            return [f for f in self._frames if f.direction == "sent"]

    @property
    def gateway_connections(self) -> list[GatewayConnection]:
        with self._lock:
            return [copy.deepcopy(c.info) for c in self._conns]

    @property
    def gateway_sessions(self) -> list[GatewaySession]:
        with self._lock:
            return [copy.deepcopy(self._sessions[s].info) for s in self._session_order]

    @property
    def gateway_dropped(self) -> list[tuple[str, dict[str, Any]]]:
        """(event, payload) dispatches not sent because the session's intents do not cover them."""
        with self._lock:
            return copy.deepcopy(self._dropped)

    @property
    def identify_payloads(self) -> list[dict[str, Any]]:
        return [f.d for f in self.gateway_received if f.op == OP_IDENTIFY]

    @property
    def gateway_ready_count(self) -> int:
        with self._lock:
            return self._ready_count

    @property
    def gateway_resumed_count(self) -> int:
        with self._lock:
            return self._resumed_count

    @property
    def gateway_open_connections(self) -> int:
        with self._lock:
            return sum(1 for c in self._conns if not c.closed)

    # --- waiting (polling, so that the caller's event loop keeps running the client) --------------------------

    async def wait_for(
        self, predicate: Callable[[], _T | None], *, within: float = 5.0, what: str = "the condition"
    ) -> _T:
        """Poll `predicate` until it returns something truthy, and return that."""
        deadline = time.monotonic() + within
        while not (result := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not happen within {within} s")
            await asyncio.sleep(0.005)
        return result

    async def wait_gateway_ready(self, *, count: int = 1, within: float = 5.0) -> None:
        """Until READY was sent `count` times in all (after IDENTIFY)."""
        await self.wait_for(lambda: self.gateway_ready_count >= count, within=within, what=f"{count} READY")

    async def wait_gateway_resumed(self, *, count: int = 1, within: float = 5.0) -> None:
        await self.wait_for(lambda: self.gateway_resumed_count >= count, within=within, what=f"{count} RESUMED")

    async def wait_gateway_disconnected(self, *, within: float = 5.0) -> None:
        """Until no gateway connection is open (every close seen)."""
        await self.wait_for(lambda: self.gateway_open_connections == 0, within=within, what="all gateways closed")

    async def wait_for_calls(self, route: str, *, count: int = 1, within: float = 5.0) -> list[DiscordCall]:
        """Until `count` calls to `route` were answered; returns them."""

        def answered() -> list[DiscordCall] | None:
            calls = [c for c in self.calls_to(route) if c.status]
            return calls if len(calls) >= count else None

        return await self.wait_for(answered, within=within, what=f"{count} call(s) to {route}")

    async def wait_interaction_callback(self, interaction_id: int | str, *, within: float = 5.0) -> InteractionCallback:
        iid = str(interaction_id)

        def accepted() -> InteractionCallback | None:
            return next((c for c in self.interaction_callbacks if c.interaction_id == iid and c.accepted), None)

        return await self.wait_for(accepted, within=within, what=f"a callback for interaction {iid}")

    # --- HTTP interactions -----------------------------------------------------------------------------------

    def register_interaction(self, payload: Mapping[str, Any], *, via: str = "http") -> str:
        """Make an interaction payload (delivered over HTTP, or built by hand) known to the callback route."""
        with self._lock:
            return self._register(dict(payload), via=via)

    def sign_interaction(self, body: bytes, *, timestamp: str | None = None) -> dict[str, str]:
        """The `X-Signature-Ed25519` and `X-Signature-Timestamp` headers Discord puts on an HTTP interaction."""
        if self._signing_key is None:
            raise RuntimeError("the server was given a public_key and cannot sign")
        stamp = timestamp if timestamp is not None else str(int(time.time()))
        signature = self._signing_key.sign(stamp.encode() + body).signature.hex()
        return {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp}

    def record_http_response(self, interaction_id: int | str, response: Mapping[str, Any]) -> int:
        """Apply an initial response the bot gave in its HTTP answer to an HTTP interaction (instead of the
        callback route), so that follow-ups and @original work as on Discord. Returns the status the callback route
        would have answered (204 when accepted)."""
        iid = str(interaction_id)
        now = time.monotonic()
        with self._lock:
            interaction = self._interactions.get(iid)
            token = interaction.token if interaction else ""
            record = InteractionCallback(
                interaction_id=iid,
                token=token,
                type=response.get("type"),
                data=copy.deepcopy(response.get("data")),
                query={},
                files=[],
                at=now,
                via_http_response=True,
            )
            self._callbacks.append(record)
            try:
                reply = self._callback(iid, token, dict(response), [], {}, now)
            except _Problem as problem:
                record.status = problem.status
                return problem.status
            record.status = reply.status
            return reply.status

    # --- builders --------------------------------------------------------------------------------------------

    def slash_command(
        self,
        name: str,
        options: Mapping[str, str | int | float | bool] | Sequence[Mapping[str, Any]] | None = None,
        *,
        user_id: int | str = DEFAULT_USER_ID,
        guild_id: int | str | None = None,
        channel_id: int | str | None = None,
        locale: str = "ko",
        guild_locale: str | None = None,
        command_id: int | str | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for `/name` (registered, so its callback is accepted). `options` maps
        option names to values (str -> type 3, int 4, bool 5, float 10) or is a list of raw option objects. In a
        DM unless `guild_id` is given; the command id is the synced command's when there is one."""
        if options is None:
            raw_options: list[dict[str, Any]] = []
        elif isinstance(options, Mapping):
            raw_options = [{"name": k, "type": _option_type(v), "value": v} for k, v in options.items()]
        else:
            raw_options = [dict(o) for o in options]
        with self._lock:
            gid = str(guild_id) if guild_id is not None else None
            data: dict[str, Any] = {"id": "", "name": name, "type": 1}
            synced = self._find_command(name, gid)
            if synced is not None:
                data["id"] = synced["id"]
                if synced.get("guild_id"):
                    data["guild_id"] = synced["guild_id"]
            data["id"] = str(command_id) if command_id is not None else data["id"] or self._snowflake()
            if raw_options:
                data["options"] = raw_options
            payload = self._interaction_base(
                APPLICATION_COMMAND, user_id, gid, channel_id, locale=locale, guild_locale=guild_locale
            )
            payload["data"] = data
            self._register(payload, via="builder")
            return copy.deepcopy(payload)

    def button_press(
        self,
        custom_id: str,
        *,
        message_id: int | str | None = None,
        user_id: int | str = DEFAULT_USER_ID,
        guild_id: int | str | None = None,
        channel_id: int | str | None = None,
        locale: str = "ko",
        component_type: int = 2,
        values: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for a press of the button `custom_id` (component_type 3 with `values`
        for a select menu). `message_id` names the message it is on (one the server holds — its channel is used);
        without it a bot message with that button is made up in the channel."""
        with self._lock:
            message = self._messages.get(str(message_id)) if message_id is not None else None
            if message_id is not None and (message is None or message.author_id != self.bot_user_id):
                raise ValueError(f"no message {message_id} of the bot's (components live on the app's messages)")
            if message is not None:
                channel_id = message.channel_id
                guild_id = message.guild_id if guild_id is None else guild_id
            gid = str(guild_id) if guild_id is not None else None
            payload = self._interaction_base(MESSAGE_COMPONENT, user_id, gid, channel_id, locale=locale)
            if message is None:
                row = {"type": 1, "components": [{"type": 2, "style": 1, "label": custom_id, "custom_id": custom_id}]}
                message = self._new_message(
                    channel_id=payload["channel_id"],
                    guild_id=gid,
                    author_id=self.bot_user_id,
                    kind="component",
                    content="",
                    components=[row],
                )
            data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
            if values is not None:
                data["values"] = list(values)
            payload["data"] = data
            payload["message"] = self._message_payload(message)
            self._register(payload, via="builder")
            return copy.deepcopy(payload)

    def ping_interaction(self) -> dict[str, Any]:
        """A PING (type 1), as Discord sends to check an HTTP interactions endpoint."""
        with self._lock:
            iid = self._snowflake()
            payload = {
                "id": iid,
                "application_id": self.application_id,
                "type": PING,
                "token": _interaction_token(iid),
                "version": 1,
                "user": self._user_object(OWNER_ID),
            }
            self._register(payload, via="builder")
            return copy.deepcopy(payload)

    def dm_message(
        self,
        user_id: int | str,
        content: str,
        attachments: Sequence[tuple[str, bytes] | tuple[str, bytes, str]] = (),
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload for a user's DM to the bot (`attachments`: (filename, bytes[, content
        type]), served by this server at their `url`). The message is stored in the DM channel."""
        uid = _as_id(user_id)
        channel_id = self.dm_channel(uid)
        with self._lock:
            message = self._incoming(channel_id, None, uid, content, attachments)
            payload = self._message_payload(message)
            payload["channel_type"] = 1
            return payload

    def guild_message(
        self,
        channel_id: int | str,
        user_id: int | str,
        content: str,
        *,
        mention_bot: bool = False,
        attachments: Sequence[tuple[str, bytes] | tuple[str, bytes, str]] = (),
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload for a user's message in a configured guild text channel (with guild_id and
        member). `mention_bot` prefixes the bot's mention and lists it in `mentions`."""
        cid, uid = _as_id(channel_id), _as_id(user_id)
        with self._lock:
            channel = self._channels.get(cid)
            if channel is None or channel.guild_id is None:
                raise ValueError(f"add the text channel {cid} first")
            if mention_bot:
                content = f"<@{self.bot_user_id}> {content}"
            message = self._incoming(cid, channel.guild_id, uid, content, attachments)
            payload = self._message_payload(message)
            if mention_bot:
                payload["mentions"] = [self._user_object(self.bot_user_id)]
            payload["guild_id"] = channel.guild_id
            payload["member"] = self._member_object(uid, channel.guild_id, with_user=False)
            payload["channel_type"] = 0
            return payload

    # --- gateway: driving ------------------------------------------------------------------------------------

    def dispatch(
        self, event: str, payload: Mapping[str, Any], *, shard_id: int | None = None, timeout: float = 5.0
    ) -> int | None:
        """Send a dispatch (op 0) to the session of the shard (`shard_id`, else the guild's shard, else the latest
        session), waiting up to `timeout` for one to be READY; returns its `s`. A session whose connection is down
        keeps it for RESUME. Returns None when the session's intents do not cover the event (not sent, listed in
        `gateway_dropped`). INTERACTION_CREATE payloads are registered for the callback route. Call it from the
        test's thread or event loop, never from the server's."""
        data = copy.deepcopy(dict(payload))
        deadline = time.monotonic() + timeout
        with self._changed:
            if not self._changed.wait_for(lambda: self._pick_session(shard_id, data) is not None, timeout=timeout):
                raise RuntimeError("no gateway session is READY")
            session = self._pick_session(shard_id, data)
            assert session is not None
            loop = self._server_loop
            if event == "INTERACTION_CREATE" and str(data.get("id")) not in self._interactions:
                self._register(data, via="gateway")
            elif event == "INTERACTION_CREATE":
                self._interactions[str(data["id"])].registered_at = time.monotonic()
            required = _required_intent(event, data)
            if required is not None and not session.info.intents & required:
                self._dropped.append((event, data))
                return None
            data = self._content_for(session, event, data)
        assert loop is not None
        self._refuse_server_thread(loop)
        future = asyncio.run_coroutine_threadsafe(self._dispatch_on(session, event, data), loop)
        return future.result(timeout=max(0.1, deadline - time.monotonic()))

    def gateway_close(self, code: int = 4000, reason: str = "", *, timeout: float = 5.0) -> int:
        """Close every open gateway connection from the server's side with `code` (4000 lets discord.py RESUME;
        4004, 4007, 4009, 4010-4014 also end the session, as on Discord). Returns how many were closed."""
        with self._lock:
            conns = [c for c in self._conns if not c.closed]
            for conn in conns:
                if code in _SESSION_ENDING_CLOSE_CODES and conn.session is not None:
                    conn.session.info.valid = False
        for conn in conns:
            self._run(conn, self._close(conn, code, reason), timeout)
        return len(conns)

    def gateway_reconnect(self, *, timeout: float = 5.0) -> None:
        """Send RECONNECT (op 7): discord.py closes and RESUMEs."""
        for conn in self._open_conns():
            self._run(conn, self._send(conn, {"op": OP_RECONNECT, "d": None, "s": None, "t": None}), timeout)

    def gateway_invalidate(self, *, resumable: bool = False, timeout: float = 5.0) -> None:
        """Send INVALID_SESSION (op 9). Not resumable: the sessions end (discord.py IDENTIFYs again, after its
        5-second `before_identify_hook` wait for a non-initial IDENTIFY)."""
        for conn in self._open_conns():
            if not resumable and conn.session is not None:
                with self._lock:
                    conn.session.info.valid = False
            frame = {"op": OP_INVALID_SESSION, "d": resumable, "s": None, "t": None}
            self._run(conn, self._send(conn, frame), timeout)

    # =========================================================================================================
    # REST

    async def _rest(self, request: Request) -> Response:
        at = time.monotonic()
        path = "/" + request.path_params["path"]
        method = request.method
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        query = dict(request.query_params)
        unreadable: _Problem | None = None
        body: Any = None
        files: list[UploadedFile] = []
        try:
            body, files = _parse_body(headers.get("content-type", ""), raw)
        except _Problem as problem:
            unreadable = problem
        spec, params, path_known = self._match(method, path)
        call = DiscordCall(
            method=method,
            path=path,
            route=spec.key if spec else None,
            name=spec.name if spec else None,
            query=query,
            json=copy.deepcopy(body),
            files=files,
            headers=headers,
            at=at,
        )
        with self._lock:
            self._calls.append(call)
            bucket_headers: dict[str, str] = {}
            try:
                if spec is None:
                    raise _Problem(405 if path_known else 404)
                bucket_headers = self._bucket_headers(spec, params, at)
                if unreadable is not None:
                    raise unreadable
                reply = self._answer(
                    _Ctx(spec=spec, params=params, body=body, files=files, query=query, call=call, at=at)
                )
                reply.headers = {**bucket_headers, **reply.headers}
            except _Problem as problem:
                call.status = problem.status
                if problem.status in (401, 403) or (
                    problem.status == 429 and problem.headers.get("X-RateLimit-Scope") != "shared"
                ):
                    self._invalid_requests += 1
                if problem.html is not None:
                    return Response(
                        problem.html, status_code=problem.status, media_type="text/html", headers=problem.headers
                    )
                call.response = problem.body()
                answer_headers = problem.headers if problem.status == 429 else {**bucket_headers, **problem.headers}
                return _json_response(problem.status, call.response, answer_headers)
            call.status = reply.status
            call.response = copy.deepcopy(reply.payload)
            if reply.payload is None:
                return Response(status_code=reply.status, headers=reply.headers)
            return _json_response(reply.status, reply.payload, reply.headers)

    def _match(self, method: str, path: str) -> tuple[_RouteSpec | None, dict[str, str], bool]:
        path_known = False
        for spec in _ROUTES:
            found = spec.pattern.match(path)
            if found is None:
                continue
            path_known = True
            if spec.method == method:
                return spec, {k: unquote(v) for k, v in found.groupdict().items()}, True
        return None, {}, path_known

    def _answer(self, ctx: _Ctx) -> _Reply:
        if ctx.spec.auth:
            header = ctx.call.headers.get("authorization", "")
            if header != f"Bot {self.token}":
                raise _Problem(401, 0, "401: Unauthorized")
        failure = next((f for f in self._failures if f.target.matches(ctx.spec, ctx.call.path)), None)
        if failure is not None:
            self._failures.remove(failure)
            raise self._scripted(failure, ctx)
        self._check_rate(ctx)
        handler: Callable[[_Ctx], _Reply] = getattr(self, ctx.spec.handler)
        return handler(ctx)

    def _scripted(self, failure: _Failure, ctx: _Ctx) -> _Problem:
        if failure.status != 429:
            return _Problem(failure.status, failure.code, failure.message, errors=failure.errors)
        retry_after = failure.retry_after if failure.retry_after is not None else 1.0
        if failure.cloudflare:
            return _Problem(429, html=_CLOUDFLARE_BAN_HTML, headers={"Retry-After": str(math.ceil(retry_after))})
        headers = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": failure.scope,
            "Via": "1.1 google",
        }
        if failure.global_:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update(self._limit_headers(ctx.spec, limit=1, remaining=0, reset_after=retry_after))
        body = {
            "message": failure.message or "You are being rate limited.",
            "retry_after": retry_after,
            "global": failure.global_,
            "code": failure.code,
        }
        return _Problem(429, failure.code, str(body["message"]), headers=headers, raw_body=body)

    # rate limits

    def _major(self, spec: _RouteSpec, params: Mapping[str, str]) -> str:
        for keys in (
            ("channel_id",),
            ("guild_id",),
            ("webhook_id", "webhook_token"),
            ("interaction_id", "interaction_token"),
        ):
            if all(k in params for k in keys):
                return "+".join(params[k] for k in keys)
        return ""

    def _limit_headers(self, spec: _RouteSpec, *, limit: int, remaining: int, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.md5(spec.key.encode(), usedforsecurity=False).hexdigest(),
        }

    def _bucket(self, spec: _RouteSpec, params: Mapping[str, str], now: float, per: float) -> _Window:
        """The route's fixed window for this major parameter, starting anew once `per` seconds have passed."""
        key = (spec.key, self._major(spec, params))
        window = self._windows.get(key)
        if window is None or now >= window.start + per:
            window = self._windows[key] = _Window(start=now)
        return window

    def _bucket_headers(self, spec: _RouteSpec, params: Mapping[str, str], now: float) -> dict[str, str]:
        """The headers as the call finds the bucket: honest for configured limits, nominal (50/s) otherwise."""
        limit, per = self.rate_limits.get(spec, (50, 1.0))
        window = self._bucket(spec, params, now, per)
        remaining = limit - window.count - 1
        if spec not in self.rate_limits:
            remaining = max(1, remaining)  # never exhausted: discord.py would sleep pre-emptively
        reset_after = max(0.0, window.start + per - now)
        return self._limit_headers(spec, limit=limit, remaining=max(0, remaining), reset_after=reset_after)

    def _check_rate(self, ctx: _Ctx) -> None:
        spec, now = ctx.spec, ctx.at
        limit, per = self.rate_limits.get(spec, (50, 1.0))
        window = self._bucket(spec, ctx.params, now, per)
        if spec in self.rate_limits and window.count >= limit:
            self._rate_limited += 1
            retry_after = round(max(0.001, window.start + per - now), 3)
            headers = {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",
                **self._limit_headers(spec, limit=limit, remaining=0, reset_after=retry_after),
            }
            body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False, "code": 0}
            raise _Problem(429, 0, str(body["message"]), headers=headers, raw_body=body)
        window.count += 1

    # identity, gateway, application

    def _h_get_current_user(self, ctx: _Ctx) -> _Reply:
        return _Reply(payload=self._bot_user(full=True))

    def _h_get_user(self, ctx: _Ctx) -> _Reply:
        user_id = ctx.params["user_id"]
        if not _SNOWFLAKE.match(user_id):
            raise _invalid_form(_snowflake_error("user_id", user_id))
        return _Reply(payload=self._user_object(user_id))

    def _h_application_info(self, ctx: _Ctx) -> _Reply:
        return _Reply(payload=self._application_object())

    def _h_get_gateway(self, ctx: _Ctx) -> _Reply:
        return _Reply(payload={"url": self.gateway_url})

    def _h_get_bot_gateway(self, ctx: _Ctx) -> _Reply:
        return _Reply(
            payload={
                "url": self.gateway_url,
                "shards": self.shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    # application commands

    def _check_application(self, ctx: _Ctx) -> None:
        if ctx.params["application_id"] != self.application_id:
            raise _Problem(403, 50001)

    def _h_get_global_commands(self, ctx: _Ctx) -> _Reply:
        self._check_application(ctx)
        return _Reply(payload=self._commands_answer(None, ctx.query))

    def _h_get_guild_commands(self, ctx: _Ctx) -> _Reply:
        self._check_application(ctx)
        return _Reply(payload=self._commands_answer(ctx.params["guild_id"], ctx.query))

    def _commands_answer(self, guild_id: str | None, query: Mapping[str, str]) -> list[dict[str, Any]]:
        commands = copy.deepcopy(self._commands.get(guild_id, []))
        if not _truthy(query.get("with_localizations")):
            for command in commands:  # Discord leaves them out of a GET unless asked
                command.pop("name_localizations", None)
                command.pop("description_localizations", None)
        return commands

    def _h_bulk_upsert_global_commands(self, ctx: _Ctx) -> _Reply:
        self._check_application(ctx)
        return _Reply(payload=self._overwrite_commands(None, ctx))

    def _h_bulk_upsert_guild_commands(self, ctx: _Ctx) -> _Reply:
        self._check_application(ctx)
        guild_id = ctx.params["guild_id"]
        if guild_id not in self._guilds:
            raise _Problem(403, 50001)
        return _Reply(payload=self._overwrite_commands(guild_id, ctx))

    def _overwrite_commands(self, guild_id: str | None, ctx: _Ctx) -> list[dict[str, Any]]:
        errors = _command_problems(ctx.body)
        if errors:
            raise _invalid_form(errors)
        sent: list[dict[str, Any]] = ctx.body
        answered: list[dict[str, Any]] = []
        for command in sent:
            kind = command.get("type", 1)
            key = (guild_id, kind, command["name"])
            command_id = self._command_ids.setdefault(key, self._snowflake())
            item: dict[str, Any] = {
                "id": command_id,
                "application_id": self.application_id,
                "version": self._snowflake(),
                "default_member_permissions": command.get("default_member_permissions"),
                "type": kind,
                "name": command["name"],
                "name_localizations": command.get("name_localizations"),
                "description": command.get("description", ""),
                "description_localizations": command.get("description_localizations"),
                "dm_permission": command.get("dm_permission", True),
                "contexts": command.get("contexts"),
                "integration_types": command.get("integration_types", [0]),
                "nsfw": command.get("nsfw", False),
            }
            if command.get("options"):
                item["options"] = copy.deepcopy(command["options"])
            if guild_id is not None:
                item["guild_id"] = guild_id
            answered.append(item)
        self._commands[guild_id] = answered
        self._syncs.append(CommandSync(guild_id=guild_id, commands=copy.deepcopy(sent), at=ctx.at))
        return copy.deepcopy(answered)

    def _find_command(self, name: str, guild_id: str | None) -> dict[str, Any] | None:
        for scope in ([guild_id] if guild_id else []) + [None]:
            for command in self._commands.get(scope, []):
                if command["name"] == name and command["type"] == 1:
                    return command
        return None

    # interactions

    def _h_create_interaction_response(self, ctx: _Ctx) -> _Reply:
        iid, token = ctx.params["interaction_id"], ctx.params["interaction_token"]
        body = ctx.body if isinstance(ctx.body, dict) else {}
        record = InteractionCallback(
            interaction_id=iid,
            token=token,
            type=body.get("type"),
            data=copy.deepcopy(body.get("data")),
            query=dict(ctx.query),
            files=list(ctx.files),
            at=ctx.at,
        )
        self._callbacks.append(record)
        try:
            reply = self._callback(iid, token, body, ctx.files, ctx.query, ctx.at)
        except _Problem as problem:
            record.status = problem.status
            raise
        record.status = reply.status
        return reply

    def _callback(
        self,
        iid: str,
        token: str,
        body: dict[str, Any],
        files: list[UploadedFile],
        query: Mapping[str, str],
        now: float,
    ) -> _Reply:
        interaction = self._interactions.get(iid)
        if interaction is None or interaction.token != token:
            raise _Problem(404, 10062)
        if self.ack_deadline is not None and now - interaction.registered_at > self.ack_deadline:
            raise _Problem(404, 10062)
        if interaction.response_type is not None:
            raise _Problem(400, 40060)
        kind = body.get("type")
        allowed = _CALLBACK_TYPES_FOR.get(interaction.type, set())
        if not isinstance(kind, int) or kind not in allowed:
            allowed_text = ", ".join(str(t) for t in sorted(allowed))
            raise _invalid_form(
                {
                    "type": {
                        "_errors": [
                            {"code": "BASE_TYPE_CHOICES", "message": f"Value must be one of {{{allowed_text}}}."}
                        ]
                    }
                }
            )
        data = _object(body.get("data"))
        message: StoredMessage | None = None
        if kind == CHANNEL_MESSAGE:
            message = self._interaction_message(interaction, data, files, loading=False)
            interaction.original_id = message.id
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            message = self._interaction_message(interaction, data, [], loading=True)
            interaction.original_id = message.id
        elif kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            target = self._messages.get(interaction.component_message_id or "")
            if target is None:
                raise _Problem(404, 10008)
            if kind == UPDATE_MESSAGE:
                errors = _message_problems(data, files)
                if errors:
                    raise _invalid_form({"data": errors})
                self._edit(target, data, files, now)
            interaction.original_id = target.id
            message = target
        elif kind == AUTOCOMPLETE_RESULT:
            choices = data.get("choices")
            if not isinstance(choices, list) or len(choices) > 25:
                raise _invalid_form(
                    {
                        "data": {
                            "choices": {
                                "_errors": [
                                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}
                                ]
                            }
                        }
                    }
                )
            interaction.autocomplete_choices = copy.deepcopy(choices)
        elif kind == MODAL:
            modal_errors: dict[str, Any] = {}
            for key, limit in (("custom_id", 100), ("title", 45)):
                value = data.get(key)
                if not isinstance(value, str) or not value:
                    _add_error(modal_errors, ["data", key], "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    _too_long(modal_errors, ["data", key], value, limit)
            if modal_errors:
                raise _invalid_form(modal_errors)
            interaction.modal = copy.deepcopy(data)
        interaction.response_type = kind
        interaction.responded_at = now
        if not _truthy(query.get("with_response")):
            return _Reply(status=204)
        return _Reply(payload=self._callback_response(interaction, kind, message))

    def _callback_response(self, interaction: _Interaction, kind: int, message: StoredMessage | None) -> dict[str, Any]:
        summary: dict[str, Any] = {"id": interaction.id, "type": interaction.type}
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            summary["response_message_id"] = message.id
            summary["response_message_loading"] = message.loading
            summary["response_message_ephemeral"] = message.ephemeral
            if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                resource["message"] = self._message_payload(message)
        return {"interaction": summary, "resource": resource}

    def _interaction_message(
        self, interaction: _Interaction, data: dict[str, Any], files: list[UploadedFile], *, loading: bool
    ) -> StoredMessage:
        flags = _int(data.get("flags"))
        if loading:
            flags = LOADING | (flags & EPHEMERAL)
            content = ""
            embeds: list[dict[str, Any]] = []
            components: list[dict[str, Any]] = []
            attachments: list[StoredAttachment] = []
        else:
            errors = _message_problems(data, files)
            if errors:
                raise _invalid_form({"data": errors})
            content = data.get("content") or ""
            embeds = _normalized_embeds(data.get("embeds") or [])
            components = copy.deepcopy(data.get("components") or [])
            attachments = self._attachments(data.get("attachments"), files, [], interaction.channel_id or "")
            if _is_empty(content, embeds, components, attachments):
                raise _Problem(400, 50006)
            flags &= _INTERACTION_FLAGS
        message_type = 20 if interaction.type == APPLICATION_COMMAND else 0
        return self._new_message(
            channel_id=interaction.channel_id or "",
            guild_id=interaction.guild_id,
            author_id=self.bot_user_id,
            kind="original",
            content=content,
            embeds=embeds,
            components=components,
            attachments=attachments,
            flags=flags,
            message_type=message_type,
            interaction=interaction,
            tts=bool(data.get("tts")),
        )

    # interaction webhooks

    def _webhook_interaction(self, ctx: _Ctx) -> _Interaction:
        webhook_id, token = ctx.params["webhook_id"], ctx.params["webhook_token"]
        interaction = next((i for i in self._interactions.values() if i.token == token), None)
        if webhook_id != self.application_id or interaction is None or interaction.response_type is None:
            raise _Problem(404, 10015)
        return interaction

    def _webhook_message(self, interaction: _Interaction, message_id: str) -> StoredMessage:
        if message_id == "@original":
            message = self._messages.get(interaction.original_id or "")
        elif message_id == interaction.original_id or message_id in interaction.followup_ids:
            message = self._messages.get(message_id)
        else:
            message = None
        if message is None or message.deleted:
            raise _Problem(404, 10008)
        return message

    def _h_execute_webhook(self, ctx: _Ctx) -> _Reply:
        interaction = self._webhook_interaction(ctx)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        errors = _message_problems(body, ctx.files)
        if errors:
            raise _invalid_form(errors)
        original = self._messages.get(interaction.original_id or "")
        if (
            interaction.response_type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # "directly after a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint functions as Edit Original
            # Interaction Response": the loading message is edited and keeps its ephemeral state
            edit = {k: v for k, v in body.items() if k != "flags"}
            message = self._edit(original, edit, ctx.files, ctx.at)
        else:
            content = body.get("content") or ""
            embeds = _normalized_embeds(body.get("embeds") or [])
            components = copy.deepcopy(body.get("components") or [])
            attachments = self._attachments(body.get("attachments"), ctx.files, [], interaction.channel_id or "")
            if _is_empty(content, embeds, components, attachments) and not body.get("poll"):
                raise _Problem(400, 50006)
            flags = _int(body.get("flags"))
            message = self._new_message(
                channel_id=interaction.channel_id or "",
                guild_id=interaction.guild_id,
                author_id=self.bot_user_id,
                kind="followup",
                content=content,
                embeds=embeds,
                components=components,
                attachments=attachments,
                flags=flags & _INTERACTION_FLAGS,
                interaction=interaction,
                tts=bool(body.get("tts")),
            )
            interaction.followup_ids.append(message.id)
        if not _truthy(ctx.query.get("wait")):
            return _Reply(status=204)
        return _Reply(payload=self._message_payload(message))

    def _h_get_webhook_message(self, ctx: _Ctx) -> _Reply:
        interaction = self._webhook_interaction(ctx)
        return _Reply(payload=self._message_payload(self._webhook_message(interaction, ctx.params["message_id"])))

    def _h_edit_webhook_message(self, ctx: _Ctx) -> _Reply:
        interaction = self._webhook_interaction(ctx)
        message = self._webhook_message(interaction, ctx.params["message_id"])
        body = ctx.body if isinstance(ctx.body, dict) else {}
        errors = _message_problems(body, ctx.files)
        if errors:
            raise _invalid_form(errors)
        return _Reply(payload=self._message_payload(self._edit(message, body, ctx.files, ctx.at)))

    def _h_delete_webhook_message(self, ctx: _Ctx) -> _Reply:
        interaction = self._webhook_interaction(ctx)
        message = self._webhook_message(interaction, ctx.params["message_id"])
        message.deleted, message.deleted_at = True, ctx.at
        return _Reply(status=204)

    # channels and messages

    def _h_start_private_message(self, ctx: _Ctx) -> _Reply:
        body = ctx.body if isinstance(ctx.body, dict) else {}
        recipient = body.get("recipient_id")
        if recipient is None:
            raise _invalid_form(
                {"recipient_id": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}}
            )
        if not _SNOWFLAKE.match(str(recipient)):
            raise _invalid_form(_snowflake_error("recipient_id", recipient))
        if str(recipient) == self.bot_user_id:
            raise _Problem(400, 50007)
        channel_id = self.dm_channel(str(recipient))
        return _Reply(payload=self._channel_object(self._channels[channel_id]))

    def _channel(self, ctx: _Ctx) -> _Channel:
        channel = self._channels.get(ctx.params["channel_id"])
        if channel is None:
            raise _Problem(404, 10003)
        return channel

    def _h_get_channel(self, ctx: _Ctx) -> _Reply:
        return _Reply(payload=self._channel_object(self._channel(ctx)))

    def _h_send_typing(self, ctx: _Ctx) -> _Reply:
        channel = self._channel(ctx)
        self._check_can_send(channel)
        self._typing.append((channel.id, ctx.at))
        return _Reply(status=204)

    def _check_can_send(self, channel: _Channel) -> None:
        if channel.type == 1 and channel.recipient_id in self._blocked_dms:
            raise _Problem(403, 50007)

    def _h_send_message(self, ctx: _Ctx) -> _Reply:
        channel = self._channel(ctx)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        errors = _message_problems(body, ctx.files)
        if errors:
            raise _invalid_form(errors)
        self._check_can_send(channel)
        for upload in ctx.files:
            if len(upload.data) > ATTACHMENT_SIZE_LIMIT:
                raise _Problem(413, 40005)
        nonce = body.get("nonce")
        nonce_key = (channel.id, str(nonce)) if nonce is not None and body.get("enforce_nonce") is True else None
        if nonce_key is not None:
            earlier = self._nonces.get(nonce_key)
            if earlier is not None and ctx.at - earlier[1] <= NONCE_WINDOW_SECONDS and earlier[0] in self._messages:
                self._nonce_duplicates += 1
                return _Reply(payload=self._message_payload(self._messages[earlier[0]]))
        content = body.get("content") or ""
        embeds = _normalized_embeds(body.get("embeds") or [])
        components = copy.deepcopy(body.get("components") or [])
        attachments = self._attachments(body.get("attachments"), ctx.files, [], channel.id)
        if _is_empty(content, embeds, components, attachments) and not body.get("sticker_ids") and not body.get("poll"):
            raise _Problem(400, 50006)
        reference = self._reference(channel, body.get("message_reference"))
        flags = _int(body.get("flags"))
        message = self._new_message(
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=self.bot_user_id,
            kind="channel",
            content=content,
            embeds=embeds,
            components=components,
            attachments=attachments,
            flags=flags & _SENDABLE_FLAGS,
            nonce=nonce,
            tts=bool(body.get("tts")),
            message_type=19 if reference else 0,
            reference=reference,
        )
        self._created_messages += 1
        if nonce_key is not None:
            self._nonces[nonce_key] = (message.id, ctx.at)
        return _Reply(payload=self._message_payload(message))

    def _reference(self, channel: _Channel, reference: Any) -> dict[str, Any] | None:
        if not isinstance(reference, dict) or reference.get("message_id") is None:
            return None
        target = self._messages.get(str(reference["message_id"]))
        if target is None or target.deleted:
            if reference.get("fail_if_not_exists", True):
                raise _invalid_form(
                    {
                        "message_reference": {
                            "_errors": [{"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}]
                        }
                    }
                )
            return None
        found = {"type": 0, "channel_id": target.channel_id, "message_id": target.id}
        if channel.guild_id:
            found["guild_id"] = channel.guild_id
        return found

    def _channel_message(self, ctx: _Ctx) -> StoredMessage:
        channel = self._channel(ctx)
        message = self._messages.get(ctx.params["message_id"])
        if message is None or message.deleted or message.channel_id != channel.id:
            raise _Problem(404, 10008)
        return message

    def _h_get_message(self, ctx: _Ctx) -> _Reply:
        return _Reply(payload=self._message_payload(self._channel_message(ctx)))

    def _h_logs_from(self, ctx: _Ctx) -> _Reply:
        channel = self._channel(ctx)
        try:
            limit = max(1, min(100, int(ctx.query.get("limit", "50"))))
        except ValueError:
            limit = 50
        found = sorted(
            (m for m in self._messages.values() if m.channel_id == channel.id and not m.deleted and not m.ephemeral),
            key=lambda m: int(m.id),
            reverse=True,
        )
        if "before" in ctx.query:
            found = [m for m in found if int(m.id) < int(ctx.query["before"])]
        if "after" in ctx.query:
            found = [m for m in found if int(m.id) > int(ctx.query["after"])]
        return _Reply(payload=[self._message_payload(m) for m in found[:limit]])

    def _h_edit_message(self, ctx: _Ctx) -> _Reply:
        message = self._channel_message(ctx)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if message.author_id != self.bot_user_id and any(
            k in body for k in ("content", "embeds", "components", "attachments")
        ):
            raise _Problem(403, 50005)
        errors = _message_problems(body, ctx.files)
        if errors:
            raise _invalid_form(errors)
        return _Reply(payload=self._message_payload(self._edit(message, body, ctx.files, ctx.at)))

    def _h_delete_message(self, ctx: _Ctx) -> _Reply:
        message = self._channel_message(ctx)
        message.deleted, message.deleted_at = True, ctx.at
        return _Reply(status=204)

    async def _cdn_file(self, request: Request) -> Response:
        with self._lock:
            attachment = self._cdn.get(request.path_params["attachment_id"])
        if attachment is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(attachment.data, media_type=attachment.content_type or "application/octet-stream")

    # message storage

    def _snowflake(self) -> str:
        with self._lock:
            candidate = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17) | (1 << 12)
            self._last_snowflake = max(candidate, self._last_snowflake + 1)
            return str(self._last_snowflake)

    def _new_message(
        self,
        *,
        channel_id: str,
        guild_id: str | None,
        author_id: str,
        kind: Literal["channel", "original", "followup", "incoming", "component"],
        content: str,
        embeds: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        attachments: list[StoredAttachment] | None = None,
        flags: int = 0,
        nonce: str | int | None = None,
        tts: bool = False,
        message_type: int = 0,
        interaction: _Interaction | None = None,
        reference: dict[str, Any] | None = None,
    ) -> StoredMessage:
        now = time.monotonic()
        message = StoredMessage(
            id=self._snowflake(),
            channel_id=channel_id,
            guild_id=guild_id,
            author_id=author_id,
            kind=kind,
            type=message_type,
            interaction_id=interaction.id if interaction else None,
            webhook_id=self.application_id if interaction else None,
            application_id=self.application_id if interaction else None,
            nonce=nonce,
            tts=tts,
            timestamp=_now_iso(),
            created_at=now,
            versions=[
                MessageVersion(
                    content=content,
                    embeds=embeds or [],
                    components=components or [],
                    attachments=attachments or [],
                    flags=flags,
                    at=now,
                )
            ],
            message_reference=reference,
        )
        if interaction is not None:
            user = self._user_object(interaction.user_id or DEFAULT_USER_ID)
            metadata: dict[str, Any] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
            }
            if kind == "followup" and interaction.original_id:
                metadata["original_response_message_id"] = interaction.original_id
            if interaction.type == APPLICATION_COMMAND:
                name = (interaction.payload.get("data") or {}).get("name", "")
                metadata["name"] = name
                message.extra["interaction"] = {
                    "id": interaction.id,
                    "type": interaction.type,
                    "name": name,
                    "user": user,
                }
            if interaction.component_message_id:
                metadata["interacted_message_id"] = interaction.component_message_id
            message.extra["interaction_metadata"] = metadata
        self._messages[message.id] = message
        channel = self._channels.get(channel_id)
        if channel is not None:
            channel.last_message_id = message.id
        return message

    def _edit(
        self, message: StoredMessage, body: Mapping[str, Any], files: list[UploadedFile], now: float
    ) -> StoredMessage:
        previous = message.versions[-1]
        content = body.get("content", previous.content)
        content = content if isinstance(content, str) else ""
        embeds = _normalized_embeds(body["embeds"] or []) if "embeds" in body else copy.deepcopy(previous.embeds)
        components = (
            copy.deepcopy(body["components"] or []) if "components" in body else copy.deepcopy(previous.components)
        )
        if "attachments" in body or files:
            attachments = self._attachments(
                body.get("attachments") if "attachments" in body else None,
                files,
                previous.attachments,
                message.channel_id,
            )
        else:
            attachments = list(previous.attachments)
        flags = previous.flags & ~LOADING
        if isinstance(body.get("flags"), int):
            flags = (flags & ~SUPPRESS_EMBEDS) | (body["flags"] & (SUPPRESS_EMBEDS | IS_COMPONENTS_V2))
        if _is_empty(content, embeds, components, attachments):
            raise _Problem(400, 50006)
        edited = None if previous.flags & LOADING else _now_iso()
        message.versions.append(
            MessageVersion(
                content=content,
                embeds=embeds,
                components=components,
                attachments=attachments,
                flags=flags,
                at=now,
                edited_timestamp=edited,
            )
        )
        return message

    def _attachments(
        self,
        listed: Any,
        files: list[UploadedFile],
        existing: list[StoredAttachment],
        channel_id: str,
    ) -> list[StoredAttachment]:
        """The attachments after a create or edit: `attachments` entries name kept ones by id and describe new
        uploads by index (`files[n]` <-> `{"id": n}`); without an `attachments` list, existing ones stay."""
        entries = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
        kept = (
            list(existing)
            if listed is None
            else [a for a in existing if any(str(e.get("id")) == a.id for e in entries)]
        )
        for index, upload in enumerate(files):
            match = re.fullmatch(r"files\[(\d+)\]", upload.field)
            position = int(match.group(1)) if match else index
            entry = next((e for e in entries if str(e.get("id")) == str(position)), {})
            filename = entry.get("filename") or upload.filename
            attachment_id = self._snowflake()
            explicit = upload.content_type if upload.content_type != "application/octet-stream" else None
            content_type = explicit or mimetypes.guess_type(filename)[0]
            stored = StoredAttachment(
                id=attachment_id,
                filename=filename,
                size=len(upload.data),
                content_type=content_type,
                data=upload.data,
                description=entry.get("description"),
                url=f"http://127.0.0.1:{self.port}{CDN_PREFIX}/{channel_id}/{attachment_id}/{filename}",
            )
            self._cdn[attachment_id] = stored
            kept.append(stored)
        return kept

    def _incoming(
        self,
        channel_id: str,
        guild_id: str | None,
        user_id: str,
        content: str,
        attachments: Sequence[tuple[str, bytes] | tuple[str, bytes, str]],
    ) -> StoredMessage:
        uploads = [
            UploadedFile(field=f"files[{i}]", filename=item[0], content_type=_given_type(item), data=item[1])
            for i, item in enumerate(attachments)
        ]
        stored = self._attachments(None, uploads, [], channel_id)
        return self._new_message(
            channel_id=channel_id,
            guild_id=guild_id,
            author_id=user_id,
            kind="incoming",
            content=content,
            attachments=stored,
            nonce=self._snowflake(),
        )

    # payloads

    def _bot_user(self, *, full: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.bot_user_id,
            "username": self.bot_name,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
            "public_flags": 0,
            "flags": 0,
            "bot": True,
        }
        if full:
            user.update(
                {
                    "banner": None,
                    "accent_color": None,
                    "banner_color": None,
                    "mfa_enabled": False,
                    "locale": "en-US",
                    "premium_type": 0,
                    "email": None,
                    "verified": True,
                    "bio": "",
                }
            )
        return user

    def _user_object(self, user_id: str) -> dict[str, Any]:
        if user_id == self.bot_user_id:
            return self._bot_user()
        configured = self._users.get(user_id, {})
        user: dict[str, Any] = {
            "id": user_id,
            "username": configured.get("username") or f"user{user_id[-4:]}",
            "discriminator": "0",
            "global_name": configured.get("global_name"),
            "avatar": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
            "public_flags": 0,
            "flags": 0,
        }
        if configured.get("bot"):
            user["bot"] = True
        return user

    def _member_object(self, user_id: str, guild_id: str, *, with_user: bool = True) -> dict[str, Any]:
        guild = self._guilds.get(guild_id)
        member: dict[str, Any] = {
            "roles": [],
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "joined_at": guild.joined_at if guild else _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "unusual_dm_activity_until": None,
        }
        if with_user:
            member["user"] = self._user_object(user_id)
        return member

    def _application_flags(self) -> int:
        flags = _APP_FLAG_COMMAND_BADGE
        if self.privileged_intents & GUILD_PRESENCES:
            flags |= _APP_FLAG_PRESENCE_LIMITED
        if self.privileged_intents & GUILD_MEMBERS:
            flags |= _APP_FLAG_GUILD_MEMBERS_LIMITED
        if self.privileged_intents & MESSAGE_CONTENT:
            flags |= _APP_FLAG_MESSAGE_CONTENT_LIMITED
        return flags

    def _application_object(self) -> dict[str, Any]:
        owner = self._user_object(OWNER_ID)
        return {
            "id": self.application_id,
            "name": self.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.public_key,
            "flags": self._application_flags(),
            "owner": owner,
            "team": None,
            "bot": self._bot_user(),
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "event_webhooks_url": None,
            "event_webhooks_status": 1,
            "event_webhooks_types": [],
            "tags": [],
            "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
            "integration_types_config": {
                "0": {"oauth2_install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"}},
                "1": {},
            },
            "approximate_guild_count": len(self._guilds),
            "approximate_user_install_count": 0,
            "is_monetized": False,
            "is_verified": False,
            "is_discoverable": False,
        }

    def _channel_object(self, channel: _Channel) -> dict[str, Any]:
        if channel.type == 1:
            return {
                "id": channel.id,
                "type": 1,
                "last_message_id": channel.last_message_id,
                "flags": 0,
                "recipients": [self._user_object(channel.recipient_id or "")],
            }
        return {
            "id": channel.id,
            "type": 0,
            "guild_id": channel.guild_id,
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": channel.last_message_id,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _message_payload(self, message: StoredMessage) -> dict[str, Any]:
        version = message.versions[-1]
        payload: dict[str, Any] = {
            "type": message.type,
            "content": version.content,
            "mentions": [],
            "mention_roles": [],
            "attachments": [_attachment_object(a) for a in version.attachments],
            "embeds": copy.deepcopy(version.embeds),
            "timestamp": message.timestamp,
            "edited_timestamp": next(
                (v.edited_timestamp for v in reversed(message.versions) if v.edited_timestamp), None
            ),
            "flags": version.flags,
            "components": copy.deepcopy(version.components),
            "id": message.id,
            "channel_id": message.channel_id,
            "author": self._user_object(message.author_id),
            "pinned": False,
            "mention_everyone": False,
            "tts": message.tts,
        }
        if message.nonce is not None:
            payload["nonce"] = message.nonce
        if message.webhook_id:
            payload["webhook_id"] = message.webhook_id
        if message.application_id:
            payload["application_id"] = message.application_id
        if message.message_reference:
            payload["message_reference"] = dict(message.message_reference)
            target = self._messages.get(message.message_reference["message_id"])
            payload["referenced_message"] = self._message_payload(target) if target and not target.deleted else None
        for key, value in message.extra.items():
            payload[key] = copy.deepcopy(value)
        return payload

    def _guild_payload(self, guild: _Guild) -> dict[str, Any]:
        everyone = {
            "id": guild.id,
            "name": "@everyone",
            "permissions": "2248473465835073",
            "position": 0,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        channels = [self._channel_object(self._channels[c]) for c in guild.channel_ids]
        for channel in channels:
            channel.pop("guild_id", None)  # GUILD_CREATE's channels leave it out
        return {
            "id": guild.id,
            "name": guild.name,
            "icon": None,
            "description": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "features": [],
            "owner_id": guild.owner_id,
            "application_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "max_presences": None,
            "max_members": 500_000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": guild.preferred_locale,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "roles": [everyone],
            "emojis": [],
            "stickers": [],
            "joined_at": guild.joined_at,
            "large": False,
            "unavailable": False,
            "member_count": 2,
            "members": [self._member_object(self.bot_user_id, guild.id)],
            "channels": channels,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "incidents_data": None,
            "lazy": True,
        }

    def _interaction_base(
        self,
        kind: int,
        user_id: int | str,
        guild_id: str | None,
        channel_id: int | str | None,
        *,
        locale: str,
        guild_locale: str | None = None,
    ) -> dict[str, Any]:
        uid = _as_id(user_id)
        iid = self._snowflake()
        payload: dict[str, Any] = {
            "id": iid,
            "application_id": self.application_id,
            "type": kind,
            "token": _interaction_token(iid),
            "version": 1,
            "locale": locale,
            "app_permissions": "2248473465835073",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild_id is None:
            cid = str(channel_id) if channel_id is not None else self.dm_channel(uid)
            channel = self._channels.get(cid) or _Channel(id=cid, type=1, recipient_id=uid)
            payload.update(
                {
                    "channel": self._channel_object(channel),
                    "channel_id": cid,
                    "user": self._user_object(uid),
                    "context": 1,
                    "authorizing_integration_owners": {"0": "0"},
                }
            )
            return payload
        guild = self._guilds.get(guild_id)
        if channel_id is None:
            if guild is None or not guild.channel_ids:
                raise ValueError(f"name a channel_id, or add the guild {guild_id} with a channel")
            channel_id = guild.channel_ids[0]
        cid = str(channel_id)
        channel = self._channels.get(cid) or _Channel(id=cid, type=0, guild_id=guild_id, name="general")
        member = self._member_object(uid, guild_id)
        member["permissions"] = "2248473465835073"
        payload.update(
            {
                "guild_id": guild_id,
                "guild": {"id": guild_id, "locale": guild.preferred_locale if guild else "ko", "features": []},
                "guild_locale": guild_locale or (guild.preferred_locale if guild else "ko"),
                "channel": {**self._channel_object(channel), "permissions": "2248473465835073"},
                "channel_id": cid,
                "member": member,
                "context": 0,
                "authorizing_integration_owners": {"0": guild_id},
            }
        )
        return payload

    def _register(self, payload: dict[str, Any], *, via: str) -> str:
        iid, token = str(payload.get("id", "")), payload.get("token")
        if not _SNOWFLAKE.match(iid) or not isinstance(token, str):
            raise ValueError("an interaction needs an id and a token")
        kind = payload.get("type")
        user = payload.get("user") or (payload.get("member") or {}).get("user") or {}
        message = payload.get("message")
        self._interactions[iid] = _Interaction(
            id=iid,
            token=token,
            type=kind if isinstance(kind, int) else APPLICATION_COMMAND,
            payload=copy.deepcopy(payload),
            channel_id=str(payload["channel_id"]) if payload.get("channel_id") else None,
            guild_id=str(payload["guild_id"]) if payload.get("guild_id") else None,
            user_id=str(user["id"]) if user.get("id") else None,
            registered_at=time.monotonic(),
            via=via,
            component_message_id=str(message["id"]) if isinstance(message, dict) and message.get("id") else None,
        )
        return iid

    # =========================================================================================================
    # gateway

    async def _gateway(self, websocket: WebSocket) -> None:
        loop = asyncio.get_running_loop()
        self._server_loop = loop
        query = dict(websocket.query_params)
        compress = query.get("compress") or None
        await websocket.accept()
        try:
            compressor = _compressor_for(compress)
        except (ValueError, ImportError):
            await websocket.close(code=4000, reason="Unknown compression.")
            return
        with self._lock:
            info = GatewayConnection(
                index=len(self._conns) + 1, query=query, compress=compress, opened_at=time.monotonic()
            )
            conn = _Conn(info=info, websocket=websocket, loop=loop, compressor=compressor, send_lock=asyncio.Lock())
            self._conns.append(conn)
        try:
            if query.get("v") not in ("10",):
                await self._close(conn, 4012, "Invalid API version.")
                return
            if query.get("encoding", "json") != "json":
                await self._close(conn, 4002, "Error while decoding payload.")
                return
            hello = {"heartbeat_interval": self.heartbeat_interval, "_trace": ['["gateway-prd-fake-1",{"micros":0}]']}
            await self._send(conn, {"op": OP_HELLO, "d": hello, "s": None, "t": None})
            while not conn.closed:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    self._client_closed(conn, message.get("code"))
                    break
                text = message.get("text")
                if text is None:
                    text = (message.get("bytes") or b"").decode("utf-8", "replace")
                await self._received(conn, text)
        except (WebSocketDisconnect, RuntimeError, OSError):
            self._client_closed(conn, None)
        finally:
            with self._changed:
                conn.closed = True
                if conn.info.closed_at is None:
                    conn.info.closed_at = time.monotonic()
                if conn.session is not None and conn.session.conn is conn:
                    conn.session.conn = None
                    conn.session.info.connection = None
                self._changed.notify_all()

    def _client_closed(self, conn: _Conn, code: int | None) -> None:
        with self._changed:
            if conn.info.closed_at is None:
                conn.info.closed_at = time.monotonic()
                conn.info.close_code = code
                conn.info.closed_by = "client"
            if code in (1000, 1001) and conn.session is not None:
                conn.session.info.valid = False  # a clean close ends the session, as on Discord
            conn.closed = True
            self._changed.notify_all()

    async def _received(self, conn: _Conn, text: str) -> None:
        try:
            frame: Any = json.loads(text)
        except ValueError:
            frame = None
        op = frame.get("op") if isinstance(frame, dict) else None
        d = frame.get("d") if isinstance(frame, dict) else None
        with self._lock:
            self._frames.append(
                GatewayFrame(
                    direction="received",
                    op=op,
                    t=None,
                    s=None,
                    d=copy.deepcopy(d),
                    raw=text,
                    at=time.monotonic(),
                    connection=conn.info.index,
                    session_id=conn.session.info.session_id if conn.session else None,
                    size=len(text.encode()),
                )
            )
        if not isinstance(frame, dict):
            await self._close(conn, 4002, "Error while decoding payload.")
        elif op not in _CLIENT_OPS:
            await self._close(conn, 4001, "Unknown opcode.")
        elif op == OP_HEARTBEAT:
            if self.ack_heartbeats:
                await self._send(conn, {"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == OP_IDENTIFY:
            await self._identify(conn, d if isinstance(d, dict) else {})
        elif op == OP_RESUME:
            await self._resume(conn, d if isinstance(d, dict) else {})
        elif conn.session is None:
            await self._close(conn, 4003, "Not authenticated.")
        elif op == OP_REQUEST_MEMBERS:
            await self._members_chunk(conn, d if isinstance(d, dict) else {})

    async def _identify(self, conn: _Conn, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated.")
            return
        if d.get("token") != self.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        shard = d.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(x, int) for x in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            await self._close(conn, 4010, "Invalid shard.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await self._close(conn, 4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(conn, 4014, "Disallowed intent(s).")
            return
        session_id = secrets.token_hex(16)
        info = GatewaySession(
            session_id=session_id,
            shard=(shard[0], shard[1]),
            intents=intents,
            identify=copy.deepcopy({k: v for k, v in d.items() if k != "token"}),
            connection=conn.info.index,
        )
        session = _Session(info=info, conn=conn)
        with self._lock:
            self._sessions[session_id] = session
            self._session_order.append(session_id)
            conn.session = session
            conn.info.session_id = session_id
            guilds = [g for g in self._guilds.values() if (int(g.id) >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10,
            "user_settings": {},
            "user": self._bot_user(full=True),
            "session_type": "normal",
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "guilds": [{"id": g.id, "unavailable": True} for g in guilds],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["south-korea", "japan", "hongkong", "singapore", "india"],
            "auth": {},
            "application": {"id": self.application_id, "flags": self._application_flags()},
            "shard": [shard[0], shard[1]],
            "_trace": ['["gateway-prd-fake-1",{"micros":0}]'],
        }
        await self._dispatch_on(session, "READY", ready)
        with self._changed:
            self._ready_count += 1
            session.ready = True
            self._changed.notify_all()
        if intents & GUILDS:
            for guild in guilds:
                with self._lock:
                    payload = self._guild_payload(guild)
                await self._dispatch_on(session, "GUILD_CREATE", payload)

    async def _resume(self, conn: _Conn, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated.")
            return
        if d.get("token") != self.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        with self._lock:
            session = self._sessions.get(str(d.get("session_id")))
        if session is None or not session.info.valid:
            await asyncio.sleep(0.05)  # Discord waits 1-5 s before INVALID_SESSION; the client waits too
            await self._send(conn, {"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        seq = _int(d.get("seq"))
        if seq > session.info.seq:
            await self._close(conn, 4007, "Invalid seq.")
            return
        previous = session.conn
        async with conn.send_lock:
            with self._changed:
                session.conn = conn
                session.info.connection = conn.info.index
                session.info.resumes += 1
                conn.session = session
                conn.info.session_id = session.info.session_id
                missed = [e for e in session.events if e["s"] > seq]
            for frame in missed:
                await self._send_unlocked(conn, frame)
        if previous is not None and previous is not conn and not previous.closed:
            await self._close(previous, 4000, "Session resumed elsewhere.")
        await self._dispatch_on(session, "RESUMED", {"_trace": ['["gateway-prd-fake-1",{"micros":0}]']})
        with self._changed:
            self._resumed_count += 1
            self._changed.notify_all()

    async def _members_chunk(self, conn: _Conn, d: dict[str, Any]) -> None:
        guild_id = str(d.get("guild_id"))
        with self._lock:
            guild = self._guilds.get(guild_id)
            if guild is None or conn.session is None:
                return
            chunk = {
                "guild_id": guild_id,
                "members": [self._member_object(self.bot_user_id, guild_id)],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            session = conn.session
        await self._dispatch_on(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_on(self, session: _Session, event: str, data: dict[str, Any]) -> int:
        """Number the event in its session and send it when the session is connected (else it waits for RESUME).
        Runs on the server's loop, where sessions change connections, so numbering and sending stay in order."""
        conn = session.conn
        if conn is None or conn.closed:
            with self._lock:
                session.info.seq += 1
                frame = {"op": OP_DISPATCH, "d": data, "s": session.info.seq, "t": event}
                session.events.append(frame)
                return session.info.seq
        async with conn.send_lock:
            with self._lock:
                session.info.seq += 1
                frame = {"op": OP_DISPATCH, "d": data, "s": session.info.seq, "t": event}
                session.events.append(frame)
                attached = session.conn is conn and not conn.closed
            if attached:
                await self._send_unlocked(conn, frame)
            return _int(frame["s"])

    async def _send(self, conn: _Conn, frame: dict[str, Any]) -> None:
        async with conn.send_lock:
            await self._send_unlocked(conn, frame)

    async def _send_unlocked(self, conn: _Conn, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        raw = text.encode()
        try:
            if conn.compressor is not None:
                wire = conn.compressor(raw)
                await conn.websocket.send_bytes(wire)
            else:
                wire = raw
                await conn.websocket.send_text(text)
        except (WebSocketDisconnect, RuntimeError, OSError):
            with self._changed:
                conn.closed = True
                self._changed.notify_all()
            return
        with self._lock:
            self._frames.append(
                GatewayFrame(
                    direction="sent",
                    op=frame.get("op"),
                    t=frame.get("t"),
                    s=frame.get("s"),
                    d=copy.deepcopy(frame.get("d")),
                    raw=text,
                    at=time.monotonic(),
                    connection=conn.info.index,
                    session_id=conn.session.info.session_id if conn.session else None,
                    binary=conn.compressor is not None,
                    size=len(wire),
                )
            )

    async def _close(self, conn: _Conn, code: int, reason: str) -> None:
        with self._changed:
            if conn.info.closed_at is None:
                conn.info.closed_at = time.monotonic()
                conn.info.close_code = code
                conn.info.closed_by = "server"
            if code in _SESSION_ENDING_CLOSE_CODES and conn.session is not None:
                conn.session.info.valid = False
            conn.closed = True
            self._changed.notify_all()
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await conn.websocket.close(code=code, reason=reason)

    def _open_conns(self) -> list[_Conn]:
        with self._lock:
            return [c for c in self._conns if not c.closed]

    def _run(self, conn: _Conn, coroutine: Any, timeout: float) -> Any:
        self._refuse_server_thread(conn.loop)
        return asyncio.run_coroutine_threadsafe(coroutine, conn.loop).result(timeout=timeout)

    @staticmethod
    def _refuse_server_thread(loop: asyncio.AbstractEventLoop) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # a plain thread
            return
        if running is loop:
            raise RuntimeError("call the fake's gateway controls from the test, not from the server's thread")

    def _pick_session(self, shard_id: int | None, payload: Mapping[str, Any]) -> _Session | None:
        ready = [self._sessions[s] for s in reversed(self._session_order) if self._sessions[s].ready]
        ready = [s for s in ready if s.info.valid]
        if shard_id is None and payload.get("guild_id") is not None and self.shards > 1:
            shard_id = (int(payload["guild_id"]) >> 22) % self.shards
        if shard_id is not None:
            ready = [s for s in ready if s.info.shard[0] == shard_id]
        return ready[0] if ready else None

    def _content_for(self, session: _Session, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, guild messages lose their content unless they mention the bot or are its own."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE") or data.get("guild_id") is None:
            return data
        if session.info.intents & MESSAGE_CONTENT:
            return data
        author = (data.get("author") or {}).get("id")
        mentioned = any(str(m.get("id")) == self.bot_user_id for m in data.get("mentions") or [] if isinstance(m, dict))
        if author == self.bot_user_id or mentioned:
            return data
        stripped = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
        stripped.pop("poll", None)
        return stripped


def _json_response(status: int, payload: Any, headers: Mapping[str, str]) -> Response:
    return Response(_json_bytes(payload), status_code=status, media_type="application/json", headers=dict(headers))


def _snowflake_error(key: str, value: Any) -> dict[str, Any]:
    return {key: {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": f'Value "{value}" is not snowflake.'}]}}


def _attachment_object(attachment: StoredAttachment) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": attachment.id,
        "filename": attachment.filename,
        "size": attachment.size,
        "url": attachment.url,
        "proxy_url": attachment.url,
    }
    if attachment.content_type:
        found["content_type"] = attachment.content_type
    if attachment.description:
        found["description"] = attachment.description
    return found


def _normalized_embeds(embeds: list[Any]) -> list[dict[str, Any]]:
    """Embeds as Discord answers them: `type` "rich" filled in, fields' `inline` defaulted."""
    answered: list[dict[str, Any]] = []
    for embed in embeds:
        if not isinstance(embed, dict):
            continue
        item = copy.deepcopy(embed)
        item.setdefault("type", "rich")
        for field_item in item.get("fields") or []:
            if isinstance(field_item, dict):
                field_item.setdefault("inline", False)
        answered.append(item)
    return answered


def _given_type(item: tuple[str, bytes] | tuple[str, bytes, str]) -> str | None:
    return item[2] if len(item) > 2 else None


def _option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


_token_counter = itertools.count(1)


def _interaction_token(interaction_id: str) -> str:
    raw = f"interaction:{interaction_id}:{secrets.token_urlsafe(48)}:{next(_token_counter)}"
    return "aW50ZXJhY3Rpb246" + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@contextlib.contextmanager
def pointed_at(server: FakeDiscordServer) -> Iterator[FakeDiscordServer]:
    """Point discord.py's REST base (`discord.http.Route.BASE`, which webhooks use too) and default gateway
    (`DiscordWebSocket.DEFAULT_GATEWAY`) at the fake; restore both afterwards. Set before creating clients."""
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = server.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
    try:
        yield server
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
