"""A local Telegram Bot API server for tests and benchmarks.

    with FakeTelegramServer(token="123:ABC") as server:
        bot = telegram.Bot("123:ABC", base_url=server.base_url)
        server.push_update(server.text_update("/start@maeum_bot 안녕"))
        [update] = await bot.get_updates(timeout=1)
        await bot.send_message(chat_id=update.message.chat.id, text="<b>안녕하세요</b>", parse_mode="HTML")
        server.sent  # [{"chat_id": 700000001, "message_id": 2, "text": "<b>안녕하세요</b>", ...}]
        server.fail_next("sendMessage", error_code=429, retry_after=3)

It speaks the real wire format closely enough for the unmodified python-telegram-bot: `GET`/`POST
/bot<token>/<method>` (method names case-insensitive, as Telegram's are), arguments in the query string, a JSON
body, a urlencoded form or multipart/form-data (uploads; `attach://<name>` references resolved), every value of a
form being a string that holds JSON for non-string parameters (PTB sends `chat_id=123`,
`reply_markup={"inline_keyboard": ...}`). Answers are `{"ok": true, "result": ...}` or `{"ok": false, "error_code":
N, "description": "..."}` with HTTP status N, plus `"parameters": {"retry_after": s}` on a 429. Results are
real-shaped objects: Message (message_id increasing per chat, date, chat {id, type, ...}, from, text and entities,
reply_markup for inline keyboards), User, WebhookInfo, BotCommand lists. Starlette runs under uvicorn in a
background thread on 127.0.0.1, on a port the OS assigns.

Messages sent with parse_mode="HTML" are parsed as Telegram does (supported tags only, &lt; &gt; &amp; &quot; and
numeric entities, entity offsets and lengths in UTF-16 code units); a stray "<", an unsupported or unclosed tag is
`400 Bad Request: can't parse entities: ...`. The 4,096-unit limit applies to the parsed text ("message is too
long"), 1,024 to captions. MarkdownV2/Markdown texts are accepted but not parsed. Inline keyboards are checked
(callback_data 1 to 64 bytes: BUTTON_DATA_INVALID), bot commands too (1 to 32 of a-z, 0-9, _: BOT_COMMAND_INVALID).

Methods: getMe, getUpdates (long polling), setWebhook, deleteWebhook, getWebhookInfo, sendMessage,
editMessageText, sendChatAction, answerCallbackQuery, sendPhoto, sendDocument, setMyCommands, getMyCommands,
deleteMyCommands. Anything else is 404 Not Found.

What a call gets, in this order:
  1. 401 Unauthorized when the token in the path is not the server's;
  2. the next scripted failure for that method (`fail_next`, first in, first out);
  3. for editMessageText with `edit_limit_per_second=N`: 429 (retry_after in whole seconds, at least 1) when the
     same message was edited less than 1/N seconds ago (counted in `edit_rate_limited`); for sendMessage, sendPhoto
     and sendDocument with `send_limit_per_second=N`: 429 (retry_after 1) once N sends were accepted within the last
     second — or `paid_send_limit_per_second` (1,000) for sends with `allow_paid_broadcast`, which every sent
     record notes (counted in `send_rate_limited`);
  4. the method's normal answer, or its 400s ("message to edit not found", "message is not modified: ...").

getUpdates honours `offset` (updates below it are confirmed and forgotten; a negative offset keeps only the last
-offset updates), `limit`, `allowed_updates` (remembered, as Telegram does) and `timeout` (waits up to that many
seconds for an update to be queued with `push_update`, then answers []). While a webhook is set it answers 409, as
a newer getUpdates makes an older one still waiting answer 409 ("terminated by other getUpdates request").
Deviation: setWebhook accepts http:// URLs too (Telegram wants https), so a test can point it at 127.0.0.1; the
fake never calls the webhook itself, `post_to_webhook(update)` does that on the test's behalf.

Building updates: `text_update`, `callback_update`, `sticker_update`, `edited_message_update` and
`member_joined_update` only *build* an Update dict (without update_id; the user's message is remembered so the bot
can reply to it and callbacks can refer to the bot's messages); `push_update(update)` queues it for getUpdates and
gives it the next update_id.

Timing: every `TelegramCall.at` is `time.monotonic()` in seconds, taken in this process when the handler starts.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.loopback import LoopbackServer

__all__ = [
    "BOT_FIRST_NAME",
    "DEFAULT_FIRST_NAME",
    "DEFAULT_GROUP_ID",
    "DEFAULT_SUPERGROUP_ID",
    "DEFAULT_USER_ID",
    "FakeTelegramServer",
    "HtmlParseError",
    "TelegramCall",
    "UploadedFile",
    "detect_entities",
    "parse_html",
    "utf16_len",
]

BOT_FIRST_NAME = "마음"
DEFAULT_USER_ID = 700_000_001
DEFAULT_FIRST_NAME = "민지"
DEFAULT_GROUP_ID = -400_000_001
DEFAULT_SUPERGROUP_ID = -1_001_000_000_001
MESSAGE_LIMIT = 4_096
CAPTION_LIMIT = 1_024
CALLBACK_DATA_MAX_BYTES = 64
_FIRST_UPDATE_ID = 500_000_001
_POLL_STEP = 0.01  # seconds between looks at the queue while a long poll waits

ChatType = Literal["private", "group", "supergroup", "channel"]

_METHODS = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "editMessageText",
    "sendChatAction",
    "answerCallbackQuery",
    "sendPhoto",
    "sendDocument",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
)
_CANONICAL = {name.lower(): name for name in _METHODS}

# Parameters whose form value is the string itself; every other string value is read as JSON when it parses.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "action",
        "business_connection_id",
        "message_effect_id",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_PARSE_MODES = frozenset({"HTML", "MarkdownV2", "Markdown"})
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- what the server saw ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content: bytes
    content_type: str


@dataclass(kw_only=True)
class TelegramCall:
    """One request: `method` in Telegram's spelling ("sendMessage"); `params` decoded (ints, dicts, lists, and
    UploadedFile for uploads); `at` is time.monotonic() on arrival."""

    method: str
    params: dict[str, Any]
    at: float
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    status: int = 0  # the HTTP status answered
    response: dict[str, Any] = field(default_factory=dict)  # the JSON answered

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True


@dataclass(frozen=True, kw_only=True)
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    migrate_to_chat_id: int | None


class _Answer(Exception):
    """An error answer, raised inside a handler to end it; never leaves the server."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = error_code
        self.payload: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
        if parameters:
            self.payload["parameters"] = parameters


def _bad(description: str) -> _Answer:
    return _Answer(400, f"Bad Request: {description}")


# --- Telegram's HTML ----------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """What Telegram answers as "Bad Request: can't parse entities: <message>"."""


_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>",
)
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_CHARACTER_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}


@dataclass(kw_only=True)
class _Open:
    tag: str
    entity: dict[str, Any] | None
    start: int


def _attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "") for m in _ATTRIBUTE.finditer(raw)
    }


def _entity_for(tag: str, attributes: dict[str, str], stack: list[_Open], at: int) -> dict[str, Any] | None:
    if tag in _SIMPLE_TAGS:
        kind = _SIMPLE_TAGS[tag]
        if kind == "code" and stack and stack[-1].tag == "pre" and stack[-1].entity is not None:
            language = attributes.get("class", "")
            if language.startswith("language-"):
                stack[-1].entity["language"] = language.removeprefix("language-")
            return None  # <pre><code class="language-x"> is one pre entity with a language
        return {"type": kind}
    if tag == "span":
        if attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Unsupported start tag "span" at byte offset {at}')
        return {"type": "spoiler"}
    if tag == "a":
        href = attributes.get("href")
        return {"type": "text_link", "url": href} if href else None
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attributes else "blockquote"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
    raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {at}')


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the plain text and its entities (offsets and lengths in UTF-16 units).
    Raises HtmlParseError as Telegram would refuse the text."""
    out: list[str] = []
    offset = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<":
            at = len(source[:index].encode())
            tag_match = _TAG.match(source, index)
            if tag_match is None:
                name = re.match(r"</?([^\s>]*)", source[index:])
                raise HtmlParseError(f'Unsupported start tag "{name.group(1) if name else ""}" at byte offset {at}')
            closing, tag = tag_match.group(1) == "/", tag_match.group(2).lower()
            if closing:
                if not stack:
                    raise HtmlParseError(f"Unexpected end tag at byte offset {at}")
                top = stack.pop()
                if top.tag != tag:
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {at}, expected "</{top.tag}>", found "</{tag}>"'
                    )
                if top.entity is not None and offset > top.start:
                    entities.append({**top.entity, "offset": top.start, "length": offset - top.start})
            else:
                entity = _entity_for(tag, _attributes(tag_match.group(3)), stack, at)
                stack.append(_Open(tag=tag, entity=entity, start=offset))
            index = tag_match.end()
            continue
        if char == "&":
            reference = _CHARACTER_REFERENCE.match(source, index)
            if reference is not None:
                decimal, hexadecimal, named = reference.groups()
                if named:
                    char = _NAMED[named]
                else:
                    code = int(decimal) if decimal else int(hexadecimal, 16)
                    char = chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
                index = reference.end()
            else:
                index += 1
        else:
            index += 1
        out.append(char)
        offset += utf16_len(char)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")
_URL = re.compile(r"(?<!\S)https?://[^\s<>\"]+")


def detect_entities(text: str, *, avoid: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """The entities Telegram finds by itself in a text: bot_command (with its @bot suffix), mention, url. Offsets
    and lengths in UTF-16 units; spans overlapping one of `avoid` (e.g. a text_link) are skipped."""
    taken: list[tuple[int, int]] = [(e["offset"], e["offset"] + e["length"]) for e in avoid]
    found: list[dict[str, Any]] = []
    for kind, pattern in (("bot_command", _BOT_COMMAND), ("url", _URL), ("mention", _MENTION)):
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group(0))
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    found.sort(key=lambda e: e["offset"])
    return found


# --- reading requests ---------------------------------------------------------------------------


def _decode_value(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return decoded if isinstance(decoded, dict | list | bool | int | float) else value


_DISPOSITION_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})|\\(.)")


def _disposition_param(header: str, name: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{name}="((?:[^"\\]|\\.)*)"', header)
    if match is None:
        return None
    return _DISPOSITION_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), match.group(1))


def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if found is None:
        raise _bad("wrong multipart/form-data: no boundary")
    delimiter = b"\r\n--" + found.group(1).encode()
    fields: dict[str, Any] = {}
    for part in (b"\r\n" + body).split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        if name is None:
            continue
        filename = _disposition_param(disposition, "filename")
        if filename is not None:
            fields[name] = UploadedFile(
                filename=filename,
                content=content,
                content_type=headers.get("content-type", "application/octet-stream"),
            )
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields


async def _read_params(request: Request) -> dict[str, Any]:
    """Query string, then the body (JSON, urlencoded or multipart), merged and decoded."""
    params: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/json" and raw.strip():
        try:
            parsed = json.loads(raw)
        except ValueError as e:
            raise _bad("can't parse JSON object") from e
        if not isinstance(parsed, dict):
            raise _bad("JSON object expected")
        params.update(parsed)
    elif mime == "application/x-www-form-urlencoded":
        params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    elif mime == "multipart/form-data":
        params.update(_multipart(raw, content_type))
    return {name: _decode_value(name, value) for name, value in params.items()}


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(f"invalid {name} specified")
    try:
        return int(value)
    except ValueError:
        raise _bad(f"invalid {name} specified") from None


def _inline_keyboard_problem(markup: dict[str, Any]) -> str | None:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        return "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays"
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                return "can't parse inline keyboard button: Text must be a String"
            if not button["text"].strip():
                return "BUTTON_TEXT_INVALID"
            actions = [k for k in button if k != "text"]
            if not actions:
                return "text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES
            ):
                return "BUTTON_DATA_INVALID"
            url = button.get("url")
            if url is not None and (not isinstance(url, str) or not re.match(r"(https?|tg)://", url)):
                return "BUTTON_URL_INVALID"
    return None


def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        problem = _inline_keyboard_problem(markup)
        if problem is not None:
            raise _bad(problem)
    return markup


# --- the server ---------------------------------------------------------------------------------


class FakeTelegramServer:
    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "maeum_bot",
        edit_limit_per_second: float | None = None,
        send_limit_per_second: int | None = None,
        paid_send_limit_per_second: int = 1000,
    ) -> None:
        """`token` is the only token accepted (others get 401); `edit_limit_per_second`, when set, answers 429 to
        an editMessageText arriving sooner than 1/N seconds after the previous accepted edit of that message.
        `send_limit_per_second`, when set, answers 429 to a sendMessage/sendPhoto/sendDocument once that many were
        accepted within the last second, as Telegram's broadcast limit does; a send with `allow_paid_broadcast`
        counts against `paid_send_limit_per_second` instead (Telegram's paid broadcasts: up to 1,000 a second)."""
        if edit_limit_per_second is not None and edit_limit_per_second <= 0:
            raise ValueError("edit_limit_per_second must be positive")
        self.send_limit_per_second = send_limit_per_second
        self.paid_send_limit_per_second = paid_send_limit_per_second
        self.token = token
        self.bot_username = bot_username
        self.edit_limit_per_second = edit_limit_per_second
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._calls: list[TelegramCall] = []
        self._failures: dict[str, deque[_Failure | None]] = {}  # None: answer that call normally
        self._reset_state()
        self._loopback: LoopbackServer | None = None
        self.port = 0

    def _reset_state(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(_FIRST_UPDATE_ID)
        self._poll_generation = 0
        self._allowed_updates: list[str] | None = None
        self._webhook: dict[str, Any] | None = None
        self._chats: dict[int, dict[str, Any]] = {}
        self._last_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._sent: list[dict[str, Any]] = []
        self._edits: list[dict[str, Any]] = []
        self._documents: list[dict[str, Any]] = []
        self._photos: list[dict[str, Any]] = []
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._chat_actions: list[dict[str, Any]] = []
        self._callback_answers: list[dict[str, Any]] = []
        self._open_callbacks: set[str] = set()
        self._callback_ids = itertools.count(4_382_000_000_000_000_001)
        self._file_numbers = itertools.count(1)
        self._last_edit_at: dict[tuple[int | str, int], float] = {}
        self._edit_rate_limited = 0
        self._accepted_sends: dict[bool, deque[float]] = {False: deque(), True: deque()}  # paid → arrival times
        self._send_rate_limited = 0

    # --- public API: addresses and records ------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What python-telegram-bot's `base_url` expects: it appends the token and then `/<method>`."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def api_url(self) -> str:
        """The full method prefix for this server's token: f"{server.api_url}/getMe"."""
        return f"{self.base_url}{self.token}"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a User object (what getMe answers, and `from` of the bot's messages)."""
        return {"id": self.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": self.bot_username}

    @property
    def calls(self) -> list[TelegramCall]:
        """Every call so far in arrival order, answered well or not (a new list)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[TelegramCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Accepted sendMessage calls: chat_id, message_id, text (as sent, e.g. HTML), parse_mode, reply_markup
        (a dict), reply_to_message_id, at, and `message` (the Message answered: parsed text and entities)."""
        with self._lock:
            return copy.deepcopy(self._sent)

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Accepted editMessageText calls, shaped like `sent`."""
        with self._lock:
            return copy.deepcopy(self._edits)

    @property
    def messages(self) -> dict[tuple[int | str, int], dict[str, Any]]:
        """Every message by (chat_id, message_id) as it stands now — the bot's (after edits) and the users' built
        with the *_update helpers — shaped like `sent`, plus `from_bot` and `edit_count`."""
        with self._lock:
            return copy.deepcopy(self._messages)

    @property
    def documents(self) -> list[dict[str, Any]]:
        """Accepted sendDocument calls: chat_id, message_id, filename, content (bytes), mime_type, caption,
        parse_mode, reply_markup, file_id (when a file id or URL was sent instead of an upload), at."""
        with self._lock:
            return copy.deepcopy(self._documents)

    @property
    def photos(self) -> list[dict[str, Any]]:
        """Accepted sendPhoto calls, shaped like `documents`."""
        with self._lock:
            return copy.deepcopy(self._photos)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """Bot commands by (scope, language_code): scope "default", "all_private_chats", "all_group_chats",
        "all_chat_administrators", "chat:<id>", "chat_administrators:<id>", "chat_member:<id>:<user id>";
        language_code "" when none was given. Each command is {"command": ..., "description": ...}."""
        with self._lock:
            return copy.deepcopy(self._commands)

    @property
    def chat_actions(self) -> list[dict[str, Any]]:
        """Accepted sendChatAction calls: chat_id, action, at."""
        with self._lock:
            return copy.deepcopy(self._chat_actions)

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Accepted answerCallbackQuery calls: callback_query_id, text, show_alert, url, cache_time, at."""
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The webhook set with setWebhook (url, secret_token, allowed_updates, max_connections), or None."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._lock:
            return copy.deepcopy(self._updates)

    @property
    def edit_rate_limited(self) -> int:
        """How many editMessageText calls the `edit_limit_per_second` check answered with 429."""
        with self._lock:
            return self._edit_rate_limited

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Make the next `times` calls to `method` ("sendMessage") fail with HTTP `error_code` — after letting
        `after` calls through normally (`after=1`: the second call fails).

        429 answers "Too Many Requests: retry after N" with parameters.retry_after N (`retry_after`, default 3).
        Other codes answer `description`, by default "Bad Request" (400), "Forbidden: bot was blocked by the user"
        (403), "Internal Server Error" (500)... `migrate_to_chat_id` adds that parameter (a group became a
        supergroup; description "Bad Request: group chat was upgraded to a supergroup chat")."""
        if error_code == 429:
            retry_after = 3 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        elif migrate_to_chat_id is not None:
            description = description or "Bad Request: group chat was upgraded to a supergroup chat"
        description = description or _DEFAULT_DESCRIPTIONS.get(error_code, "Internal Server Error")
        failure = _Failure(
            error_code=error_code,
            description=description,
            retry_after=retry_after,
            migrate_to_chat_id=migrate_to_chat_id,
        )
        with self._lock:
            queue = self._failures.setdefault(_CANONICAL.get(method.lower(), method), deque())
            queue.extend([None] * after)
            queue.extend([failure] * times)

    def reset(self) -> None:
        """Forget calls, scripted failures, queued updates, the webhook, messages, commands and every record."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._reset_state()

    # --- public API: updates ------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw Update for getUpdates; an update_id is assigned when missing (always increasing).
        Returns the queued update."""
        queued = copy.deepcopy(update)
        with self._lock:
            if "update_id" in queued:
                given = int(queued["update_id"])
                self._update_ids = itertools.count(max(given + 1, next(self._update_ids)))
            else:
                queued["update_id"] = next(self._update_ids)
            self._updates.append(queued)
            return copy.deepcopy(queued)

    def text_update(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: ChatType = "private",
        language_code: str | None = "ko",
        first_name: str = DEFAULT_FIRST_NAME,
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """An Update with a user's text message, entities as Telegram detects them (a leading "/command" or
        "/command@maeum_bot" is a bot_command; offsets and lengths in UTF-16 units). Not queued: see push_update."""
        with self._lock:
            message = self._user_message(chat_id, user_id, chat_type, language_code, first_name, username)
            message["text"] = text
            entities = detect_entities(text)
            if entities:
                message["entities"] = entities
            if reply_to_message_id is not None:
                replied = self._messages.get((message["chat"]["id"], reply_to_message_id))
                if replied is not None:
                    message["reply_to_message"] = _without_reply(replied["message"])
            self._remember_user_message(message, text=text)
            return {"message": copy.deepcopy(message)}

    def sticker_update(
        self,
        *,
        emoji: str = "😊",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: ChatType = "private",
        language_code: str | None = "ko",
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> dict[str, Any]:
        """An Update with a sticker message (no text). Not queued."""
        with self._lock:
            message = self._user_message(chat_id, user_id, chat_type, language_code, first_name, None)
            number = next(self._file_numbers)
            message["sticker"] = {
                "file_id": f"CAACAgIAAxkBAAI{number:06d}",
                "file_unique_id": f"AgAD{number:06d}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "set_name": "maeum_test_stickers",
                "file_size": 23_456,
            }
            self._remember_user_message(message, text=None)
            return {"message": copy.deepcopy(message)}

    def edited_message_update(
        self,
        text: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: ChatType = "private",
        language_code: str | None = "ko",
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> dict[str, Any]:
        """An Update with `edited_message`: the user's message `message_id` (default: their latest text in that
        chat) now reading `text`. Not queued."""
        with self._lock:
            chat = self._chat(chat_id, user_id, chat_type, first_name, None)
            if message_id is None:
                mine = [
                    key[1]
                    for key, record in self._messages.items()
                    if key[0] == chat["id"] and not record["from_bot"] and record["message"]["from"]["id"] == user_id
                ]
                if not mine:
                    raise ValueError("no message of this user in this chat to edit; pass message_id")
                message_id = max(mine)
            record = self._messages.get((chat["id"], message_id))
            if record is not None:
                message = copy.deepcopy(record["message"])
            else:
                message = self._user_message(chat["id"], user_id, chat_type, language_code, first_name, None)
                message["message_id"] = message_id
            message["text"] = text
            message.pop("entities", None)
            entities = detect_entities(text)
            if entities:
                message["entities"] = entities
            message["edit_date"] = int(time.time())
            if record is not None:
                record.update(text=text, message=copy.deepcopy(message))
                record["edit_count"] += 1
            return {"edited_message": message}

    def callback_update(
        self,
        data: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: ChatType = "private",
        language_code: str | None = "ko",
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> dict[str, Any]:
        """An Update with a callback_query: the user pressed a button carrying `data` under the bot's message
        `message_id` (default: the bot's latest message in the chat). Its id can be answered once with
        answerCallbackQuery. Not queued."""
        with self._lock:
            user = _user(user_id, first_name, language_code, None)
            chat = self._chat(chat_id, user_id, chat_type, first_name, None)
            if message_id is None:
                ours = [k[1] for k, r in self._messages.items() if k[0] == chat["id"] and r["from_bot"]]
                message_id = max(ours) if ours else None
            record = self._messages.get((chat["id"], message_id)) if message_id is not None else None
            if record is not None:
                message = copy.deepcopy(record["message"])
            else:
                message = {
                    "message_id": message_id if message_id is not None else self._next_message_id(chat["id"]),
                    "from": self.bot_user,
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "…",
                }
            query_id = str(next(self._callback_ids))
            self._open_callbacks.add(query_id)
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(abs(int(chat["id"])) * 7_919 + 104_729),
                "data": data,
            }
            return {"callback_query": query}

    def member_joined_update(
        self,
        *,
        chat_id: int | None = None,
        chat_type: ChatType = "group",
        user_id: int = DEFAULT_USER_ID,
        first_name: str = DEFAULT_FIRST_NAME,
        language_code: str | None = "ko",
        added_by: int | None = None,
        bot: bool = False,
    ) -> dict[str, Any]:
        """An Update with a service message `new_chat_members`: user `user_id` joined the group (or, with
        `bot=True`, the bot was added by `user_id`). `added_by` makes another user the one who added them.
        Not queued."""
        with self._lock:
            actor_id = added_by if added_by is not None else user_id
            message = self._user_message(chat_id, actor_id, chat_type, language_code, first_name, None)
            member = self.bot_user if bot else _user(user_id, first_name, language_code, None)
            message["new_chat_members"] = [member]
            message["new_chat_member"] = member
            message["new_chat_participant"] = member
            self._remember_user_message(message, text=None)
            return {"message": copy.deepcopy(message)}

    async def post_to_webhook(self, update: dict[str, Any], *, url: str | None = None) -> httpx.Response:
        """POST an update to the webhook set with setWebhook (or `url`), with the X-Telegram-Bot-Api-Secret-Token
        header Telegram sends when a secret_token was set. An update_id is assigned when missing."""
        webhook = self.webhook
        target = url or (webhook or {}).get("url")
        if not target:
            raise RuntimeError("no webhook is set")
        body = copy.deepcopy(update)
        if "update_id" not in body:
            with self._lock:
                body["update_id"] = next(self._update_ids)
        headers = {"Content-Type": "application/json"}
        secret = (webhook or {}).get("secret_token")
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(target, content=json.dumps(body).encode(), headers=headers)

    # --- running ------------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeTelegramServer:
        if self._loopback is not None:
            raise RuntimeError("already started")
        self._closing.clear()
        app = Starlette(routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])])
        self._loopback = LoopbackServer(app, name="fake-telegram")
        self.port = self._loopback.start(port)
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._loopback is not None:
            self._loopback.stop()
        self._loopback = None

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- the endpoint -------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        at = time.monotonic()
        found = re.fullmatch(r"bot([^/]+)/([A-Za-z]+)", request.path_params["path"])
        if found is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)
        token, asked = found.groups()
        call = TelegramCall(
            method=_CANONICAL.get(asked.lower(), asked),
            params={},
            at=at,
            headers={k.lower(): v for k, v in request.headers.items()},
        )
        try:
            try:
                call.params = await _read_params(request)
            finally:
                with self._lock:
                    self._calls.append(call)
            result = await self._answer(call, token)
        except _Answer as answer:
            with self._lock:
                call.status, call.response = answer.status, answer.payload
            return JSONResponse(answer.payload, status_code=answer.status)
        payload = {"ok": True, "result": result}
        with self._lock:
            call.status, call.response = 200, payload
        return JSONResponse(payload)

    async def _answer(self, call: TelegramCall, token: str) -> Any:
        if token != self.token:
            raise _Answer(401, "Unauthorized")
        if call.method not in _METHODS:
            raise _Answer(404, "Not Found")
        with self._lock:
            self._raise_scripted_failure(call.method)
        if call.method == "getUpdates":
            return await self._get_updates(call.params)
        handler: Callable[[dict[str, Any], float], Any] = getattr(self, f"_m_{call.method}")
        with self._lock:
            return handler(call.params, call.at)

    def _raise_scripted_failure(self, method: str) -> None:
        queue = self._failures.get(method)
        if not queue:
            return
        failure = queue.popleft()
        if failure is None:
            return
        parameters: dict[str, Any] = {}
        if failure.retry_after is not None:
            parameters["retry_after"] = failure.retry_after
        if failure.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = failure.migrate_to_chat_id
        raise _Answer(failure.error_code, failure.description, parameters or None)

    # --- updates ------------------------------------------------------------------------------

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _as_int(params["offset"], "offset") if params.get("offset") is not None else None
        limit = min(100, max(1, _as_int(params.get("limit") or 100, "limit")))
        timeout = params.get("timeout") or 0
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise _bad("invalid timeout specified")
        deadline = time.monotonic() + max(0.0, float(timeout))
        allowed = params.get("allowed_updates")
        with self._lock:
            if self._webhook is not None:
                raise _Answer(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                    "delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed] or None
            self._confirm(offset)
        while True:
            with self._lock:
                if self._poll_generation != generation:
                    raise _Answer(409, _DEFAULT_DESCRIPTIONS[409])
                ready = self._deliverable(limit)
            if ready or time.monotonic() >= deadline or self._closing.is_set():
                return ready
            await asyncio.sleep(_POLL_STEP)

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        def allowed(update: dict[str, Any]) -> bool:
            kinds = set(update) - {"update_id"}
            if self._allowed_updates is None:
                return not kinds <= _NOT_BY_DEFAULT
            return bool(kinds & set(self._allowed_updates))

        self._updates = [u for u in self._updates if allowed(u)]  # Telegram never keeps updates not asked for
        return copy.deepcopy(self._updates[:limit])

    def _m_getMe(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_setWebhook(self, params: dict[str, Any], at: float) -> bool:
        url = params.get("url")
        if not isinstance(url, str):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        if not url:
            self._webhook = None
            return True
        if not re.match(r"https?://[^/\s]+", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not (isinstance(secret, str) and _SECRET_TOKEN.fullmatch(secret)):
            raise _bad("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": allowed if isinstance(allowed, list) else None,
            "max_connections": _as_int(params.get("max_connections") or 40, "max_connections"),
        }
        return True

    def _m_deleteWebhook(self, params: dict[str, Any], at: float) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["max_connections"] = self._webhook["max_connections"]
            if self._webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    # --- chats and messages -------------------------------------------------------------------

    def _chat(
        self, chat_id: int | None, user_id: int, chat_type: ChatType, first_name: str, username: str | None
    ) -> dict[str, Any]:
        if chat_id is None:
            chat_id = {"private": user_id, "group": DEFAULT_GROUP_ID, "supergroup": DEFAULT_SUPERGROUP_ID}.get(
                chat_type, DEFAULT_SUPERGROUP_ID
            )
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
            if username:
                chat["username"] = username
        else:
            chat["title"] = "마음 테스트 그룹" if chat_type != "channel" else "마음 채널"
        self._chats.setdefault(chat_id, chat)
        return dict(self._chats[chat_id])

    def _known_chat(self, chat_id: int | str) -> dict[str, Any]:
        if not isinstance(chat_id, int) or chat_id == 0:
            raise _bad("chat not found")
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": DEFAULT_FIRST_NAME}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "마음 테스트 그룹"}

    def _next_message_id(self, chat_id: int | str) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _user_message(
        self,
        chat_id: int | None,
        user_id: int,
        chat_type: ChatType,
        language_code: str | None,
        first_name: str,
        username: str | None,
    ) -> dict[str, Any]:
        chat = self._chat(chat_id, user_id, chat_type, first_name, username)
        return {
            "message_id": self._next_message_id(chat["id"]),
            "from": _user(user_id, first_name, language_code, username),
            "chat": chat,
            "date": int(time.time()),
        }

    def _remember_user_message(self, message: dict[str, Any], *, text: str | None) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self._messages[key] = {
            "chat_id": key[0],
            "message_id": key[1],
            "text": text,
            "parse_mode": None,
            "reply_markup": None,
            "reply_to_message_id": None,
            "message": copy.deepcopy(message),
            "from_bot": False,
            "edit_count": 0,
            "at": time.monotonic(),
        }

    def _formatted(self, text: Any, parse_mode: Any, *, limit: int, what: str) -> tuple[str, list[dict[str, Any]]]:
        if not isinstance(text, str):
            raise _bad(f"{what} is empty")
        if parse_mode is not None and parse_mode not in _PARSE_MODES:
            raise _bad(f"unsupported parse_mode {parse_mode!s}")
        entities: list[dict[str, Any]] = []
        plain = text
        if parse_mode == "HTML":
            try:
                plain, entities = parse_html(text)
            except HtmlParseError as error:
                raise _bad(f"can't parse entities: {error}") from None
        if utf16_len(plain) > limit:
            raise _bad("message is too long" if what == "message text" else "message caption is too long")
        linked = [e for e in entities if e["type"] in ("text_link", "code", "pre")]
        entities = sorted(entities + detect_entities(plain, avoid=linked), key=lambda e: (e["offset"], -e["length"]))
        return plain, entities

    def _reply_target(self, params: dict[str, Any], chat_id: int | str) -> dict[str, Any] | None:
        reply_parameters = params.get("reply_parameters")
        target: Any = params.get("reply_to_message_id")
        allow_missing = params.get("allow_sending_without_reply") is True
        if isinstance(reply_parameters, dict):
            target = reply_parameters.get("message_id")
            allow_missing = allow_missing or reply_parameters.get("allow_sending_without_reply") is True
        if target is None:
            return None
        record = self._messages.get((chat_id, _as_int(target, "reply_to_message_id")))
        if record is None:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        return record

    def _new_bot_message(
        self, params: dict[str, Any], chat_id: int | str, markup: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        chat = self._known_chat(chat_id)
        replied = self._reply_target(params, chat_id)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = _without_reply(replied["message"])
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        return message, replied

    def _store_bot_message(
        self, message: dict[str, Any], *, text: str | None, params: dict[str, Any], at: float
    ) -> dict[str, Any]:
        reply_to = message.get("reply_to_message", {}).get("message_id")
        record = {
            "chat_id": message["chat"]["id"],
            "message_id": message["message_id"],
            "text": text,
            "parse_mode": params.get("parse_mode"),
            "reply_markup": copy.deepcopy(message.get("reply_markup")),
            "reply_to_message_id": reply_to,
            "message": copy.deepcopy(message),
            "from_bot": True,
            "edit_count": 0,
            "at": at,
            "allow_paid_broadcast": params.get("allow_paid_broadcast") is True,
        }
        self._messages[(record["chat_id"], record["message_id"])] = copy.deepcopy(record)
        return record

    def _chat_id(self, params: dict[str, Any]) -> int | str:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int | str):
            raise _bad("chat not found")
        return chat_id

    def _m_sendMessage(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        self._check_send_pace(params, at)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        plain, entities = self._formatted(text, params.get("parse_mode"), limit=MESSAGE_LIMIT, what="message text")
        if not plain.strip():
            raise _bad("message text is empty")
        markup = _reply_markup(params)
        message, _ = self._new_bot_message(params, chat_id, markup)
        message["text"] = plain
        if entities:
            message["entities"] = entities
        record = self._store_bot_message(message, text=text, params=params, at=at)
        self._sent.append(record)
        return message

    def _m_editMessageText(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        if params.get("inline_message_id") is not None:
            raise _bad("message to edit not found")  # inline messages are not modelled
        chat_id = self._chat_id(params)
        message_id = _as_int(params.get("message_id"), "message_id") if params.get("message_id") else None
        record = self._messages.get((chat_id, message_id)) if message_id is not None else None
        if record is None or message_id is None:
            raise _bad("message to edit not found")
        if not record["from_bot"]:
            raise _bad("message can't be edited")
        if record["text"] is None:
            raise _bad("there is no text in the message to edit")
        self._check_edit_pace((chat_id, message_id), at)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        plain, entities = self._formatted(text, params.get("parse_mode"), limit=MESSAGE_LIMIT, what="message text")
        if not plain.strip():
            raise _bad("message text is empty")
        markup = _reply_markup(params)
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        current = record["message"]
        if (
            current.get("text") == plain
            and current.get("entities", []) == entities
            and current.get("reply_markup") == inline
        ):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message: dict[str, Any] = copy.deepcopy(current)
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)  # an edit without reply_markup removes the inline keyboard
        if inline is not None:
            message["reply_markup"] = inline
        message["edit_date"] = int(time.time())
        record.update(
            text=text,
            parse_mode=params.get("parse_mode"),
            reply_markup=copy.deepcopy(inline),
            message=copy.deepcopy(message),
            edit_count=record["edit_count"] + 1,
        )
        self._edits.append(
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "parse_mode": params.get("parse_mode"),
                "reply_markup": copy.deepcopy(inline),
                "message": copy.deepcopy(message),
                "at": at,
            }
        )
        return message

    def _check_send_pace(self, params: dict[str, Any], at: float) -> None:
        if self.send_limit_per_second is None:
            return
        paid = params.get("allow_paid_broadcast") is True
        limit = self.paid_send_limit_per_second if paid else self.send_limit_per_second
        window = self._accepted_sends[paid]
        while window and window[0] <= at - 1.0:
            window.popleft()
        if len(window) >= limit:
            self._send_rate_limited += 1
            raise _Answer(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        window.append(at)

    @property
    def send_rate_limited(self) -> int:
        """Sends answered 429 by `send_limit_per_second` (or the paid limit)."""
        with self._lock:
            return self._send_rate_limited

    def _check_edit_pace(self, key: tuple[int | str, int], at: float) -> None:
        if self.edit_limit_per_second is None:
            return
        interval = 1.0 / self.edit_limit_per_second
        last = self._last_edit_at.get(key)
        if last is not None and at - last < interval:
            self._edit_rate_limited += 1
            retry_after = max(1, math.ceil(interval - (at - last)))
            raise _Answer(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        self._last_edit_at[key] = at

    def _m_sendChatAction(self, params: dict[str, Any], at: float) -> bool:
        chat_id = self._chat_id(params)
        self._known_chat(chat_id)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._chat_actions.append({"chat_id": chat_id, "action": action, "at": at})
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any], at: float) -> bool:
        query_id = params.get("callback_query_id")
        if not isinstance(query_id, str) or query_id not in self._open_callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._open_callbacks.discard(query_id)
        self._callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": params.get("show_alert") is True,
                "url": params.get("url"),
                "cache_time": params.get("cache_time"),
                "at": at,
            }
        )
        return True

    def _upload(self, params: dict[str, Any], name: str) -> tuple[UploadedFile | None, str | None]:
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.content:
                raise _bad("file must be non-empty")
            return value, None
        if isinstance(value, str) and value:
            return None, value  # a file_id or an HTTP URL
        raise _bad(f"there is no {name} in the request")

    def _send_file(self, params: dict[str, Any], at: float, kind: Literal["photo", "document"]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        self._check_send_pace(params, at)
        upload, reference = self._upload(params, kind)
        caption = params.get("caption")
        plain: str
        entities: list[dict[str, Any]]
        plain, entities = "", []
        if caption is not None:
            plain, entities = self._formatted(caption, params.get("parse_mode"), limit=CAPTION_LIMIT, what="caption")
        markup = _reply_markup(params)
        message, _ = self._new_bot_message(params, chat_id, markup)
        number = next(self._file_numbers)
        size = len(upload.content) if upload is not None else 0
        if kind == "document":
            message["document"] = {
                "file_id": reference or f"BQACAgIAAxkBAAI{number:06d}",
                "file_unique_id": f"AgAD{number:06d}",
                "file_name": upload.filename if upload is not None else "file",
                "mime_type": upload.content_type if upload is not None else "application/octet-stream",
                "file_size": size,
            }
        else:
            message["photo"] = [
                {
                    "file_id": f"{reference or 'AgACAgIAAxkBAAI'}{number:06d}{suffix}",
                    "file_unique_id": f"AQAD{number:06d}{suffix}",
                    "width": width,
                    "height": width * 3 // 4,
                    "file_size": max(1, size * width // 1280),
                }
                for suffix, width in (("s", 90), ("m", 320), ("x", 800), ("y", 1280))
            ]
        if caption:
            message["caption"] = plain
            if entities:
                message["caption_entities"] = entities
        record = self._store_bot_message(message, text=None, params=params, at=at)
        (self._documents if kind == "document" else self._photos).append(
            {
                "chat_id": chat_id,
                "message_id": record["message_id"],
                "filename": upload.filename if upload is not None else None,
                "content": upload.content if upload is not None else None,
                "mime_type": upload.content_type if upload is not None else None,
                "file_id": reference,
                "caption": caption,
                "parse_mode": params.get("parse_mode"),
                "reply_markup": record["reply_markup"],
                "message": copy.deepcopy(message),
                "at": at,
            }
        )
        return message

    def _m_sendPhoto(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        return self._send_file(params, at, "photo")

    def _m_sendDocument(self, params: dict[str, Any], at: float) -> dict[str, Any]:
        return self._send_file(params, at, "document")

    # --- bot commands ---------------------------------------------------------------------------

    def _command_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise _bad("unsupported bot command scope type")
        kind = str(scope["type"])
        if kind in ("chat", "chat_administrators", "chat_member"):
            if scope.get("chat_id") is None:
                raise _bad("chat not found")
            kind = f"{kind}:{scope['chat_id']}"
            if scope["type"] == "chat_member":
                if scope.get("user_id") is None:
                    raise _bad("user not found")
                kind = f"{kind}:{scope['user_id']}"
        language = params.get("language_code") or ""
        if language and not (isinstance(language, str) and _LANGUAGE_CODE.fullmatch(language)):
            raise _bad("invalid language code specified")
        return kind, language

    def _m_setMyCommands(self, params: dict[str, Any], at: float) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        cleaned: list[dict[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._command_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _m_getMyCommands(self, params: dict[str, Any], at: float) -> list[dict[str, str]]:
        return copy.deepcopy(self._commands.get(self._command_key(params), []))

    def _m_deleteMyCommands(self, params: dict[str, Any], at: float) -> bool:
        self._commands.pop(self._command_key(params), None)
        return True


def _user(user_id: int, first_name: str, language_code: str | None, username: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A message as Telegram nests it in reply_to_message: one level deep."""
    nested = copy.deepcopy(message)
    nested.pop("reply_to_message", None)
    return nested
