"""Pushes to Slack through the Web API: a Reply rendered as Block Kit and sent with chat.postMessage.

The durable delivery workers call `SlackMessenger.push`; they own retries, backoff and pacing. So the SDK client
here retries nothing by itself (see `_client`), and Slack's answers are translated into the port's vocabulary:

  HTTP 429                                  → RetryLater(after=Retry-After seconds, 1 when absent)
  channel_not_found, not_in_channel, …      → RecipientUnreachable (retrying will not help)
  invalid_auth, not_authed, token_revoked   → RuntimeError("Slack rejected the bot token: …") — a configuration
                                              error; to the caller it is transient, retried until fixed
  anything else (other Slack errors, 5xx,   → propagates unchanged, retried with backoff
  aiohttp and connection errors)

Block Kit limits honoured by the renderer: at most 50 blocks a message, 3,000 characters in a section's text,
25 elements in an actions block and 75 characters in a button's text. Lengths are measured in UTF-16 code units,
which is never less than the code-point count, so the result fits however Slack counts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bots.shared.text import split_text as shared_split_text
from bots.shared.text import utf16_len
from core.ports import Recipient, RecipientUnreachable, RetryLater
from core.replies import Button, Reply

if TYPE_CHECKING:
    import aiohttp
    from slack_sdk.web.async_client import AsyncWebClient

__all__ = [
    "AUTH_ERRORS",
    "UNREACHABLE_ERRORS",
    "SlackMessenger",
    "escape_mrkdwn",
    "fallback_text",
    "http_status",
    "rate_limit_of",
    "render_blocks",
    "retry_after_seconds",
    "slack_error_code",
    "split_text",
    "translate_error",
    "truncate_text",
]

SLACK_API_URL = "https://slack.com/api/"

MAX_BLOCKS = 50  # blocks in one message
SECTION_TEXT_LIMIT = 3_000  # characters in a section's (or a context element's) text
MAX_ACTION_ELEMENTS = 25  # elements in one actions block
BUTTON_TEXT_LIMIT = 75  # characters in a button's text
_TEXT_BUDGET = 2_900  # what the renderer fills a section with: some headroom under SECTION_TEXT_LIMIT
_FALLBACK_BUDGET = 4_000  # the top-level `text` is only the notification / screen-reader fallback for the blocks
_DM_CACHE_SIZE = 10_000
DM_CHANNELS_KEY = "maeum:slack:dm"  # Redis hash: Slack user id → the D… channel opened for them

UNREACHABLE_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "account_inactive",
        "is_archived",
        "user_not_found",
        "cannot_dm_bot",
        "user_disabled",
    }
)
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked"})


# --- Slack's errors -----------------------------------------------------------------------------


def slack_error_code(error: SlackApiError) -> str:
    """The `error` field of Slack's answer ("channel_not_found"), or "unknown" when the body had none."""
    data = getattr(error.response, "data", None)
    code = data.get("error") if isinstance(data, Mapping) else None
    return code if isinstance(code, str) and code else "unknown"


def http_status(error: SlackApiError) -> int | None:
    response = error.response
    status = getattr(response, "status_code", None)
    if status is None:
        status = getattr(response, "status", None)  # an undecodable body leaves the raw aiohttp response here
    return status if isinstance(status, int) else None


def retry_after_seconds(headers: Mapping[str, Any] | None) -> float:
    """Slack's Retry-After header (whole seconds) as a float; 1.0 when it is absent or unreadable."""
    if headers:
        for name, value in headers.items():
            if name.lower() == "retry-after":
                try:
                    seconds = float(value)
                except (TypeError, ValueError):
                    break
                if seconds >= 0 and seconds != float("inf"):
                    return seconds
                break
    return 1.0


def rate_limit_of(error: SlackApiError) -> RetryLater | None:
    """RetryLater(after=Retry-After) for an HTTP 429 (or a `ratelimited` answer), else None."""
    if http_status(error) == 429 or slack_error_code(error) == "ratelimited":
        return RetryLater(after=retry_after_seconds(getattr(error.response, "headers", None)))
    return None


# --- Block Kit ----------------------------------------------------------------------------------


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack reserves for its control sequences (<@U…>, <url|label>, &amp;)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _escaped_units(char: str) -> int:
    if char == "&":
        return 5
    if char in "<>":
        return 4
    return _utf16_units(char)


def _escaped_len(text: str) -> int:
    return sum(_escaped_units(char) for char in text)


def split_text(text: str, budget: int, *, escaped: bool = True) -> list[str]:
    """Cut `text` into pieces whose length (after `escape_mrkdwn` when `escaped`) is at most `budget` UTF-16
    units, on clean boundaries (bots.shared.text); the pieces join back into `text` exactly."""
    if budget < 8:
        raise ValueError("budget too small to split on clean boundaries")
    return shared_split_text(text, budget, measure=_escaped_len if escaped else utf16_len)


def truncate_text(text: str, budget: int, *, escaped: bool = True) -> str:
    """`text` if it fits `budget` (see split_text), else its head cut cleanly and closed with "…"."""
    pieces = split_text(text, budget, escaped=escaped)
    if len(pieces) <= 1:
        return text
    return split_text(text, budget - 1, escaped=escaped)[0].rstrip() + "…"


def _mrkdwn_section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def _actions(buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    """Buttons in actions blocks of at most 25; a repeated action is shown once (action_ids must differ)."""
    elements: list[dict[str, Any]] = []
    seen: set[str] = set()
    for button in buttons:
        if button.action in seen:
            continue
        seen.add(button.action)
        label = truncate_text(" ".join(button.label.split()) or "•", BUTTON_TEXT_LIMIT, escaped=False)
        elements.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "action_id": button.action,
                "value": button.action,
            }
        )
    return [
        {"type": "actions", "elements": elements[i : i + MAX_ACTION_ELEMENTS]}
        for i in range(0, len(elements), MAX_ACTION_ELEMENTS)
    ]


def render_blocks(reply: Reply) -> list[dict[str, Any]]:
    """A Reply as Block Kit: per section a bold title, the body (split into sections under 3,000 characters),
    the note as a context block and the buttons as actions blocks. Over 50 blocks, the tail becomes "…"."""
    blocks: list[dict[str, Any]] = []
    for section in reply.sections:
        title = " ".join((section.title or "").split())
        if title:
            blocks.append(_mrkdwn_section(f"*{escape_mrkdwn(truncate_text(title, _TEXT_BUDGET - 2))}*"))
        blocks.extend(_mrkdwn_section(escape_mrkdwn(piece)) for piece in split_text(section.body, _TEXT_BUDGET))
        if section.note and section.note.strip():
            blocks.append(_context(escape_mrkdwn(truncate_text(section.note.strip(), _TEXT_BUDGET))))
        blocks.extend(_actions(section.buttons))
    blocks = [b for b in blocks if b["type"] != "section" or b["text"]["text"].strip()]  # Slack rejects blank text
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], _context("…")]
    return blocks


def fallback_text(reply: Reply) -> str:
    """The top-level `text`: what notifications and screen readers use in place of the blocks."""
    return escape_mrkdwn(truncate_text(reply.plain_text, _FALLBACK_BUDGET))


# --- the messenger ------------------------------------------------------------------------------


class SlackMessenger:
    """The Messenger port for Slack (a bot token, `xoxb-…`).

    `idempotency_key` is unused: Slack's chat.postMessage has no idempotency key, so a push retried after a lost
    answer can show twice; the delivery worker's own bookkeeping is the only guard.
    """

    platform = "slack"

    def __init__(self, *, token: str, base_url: str = SLACK_API_URL, redis: Any = None) -> None:
        """`redis` (asyncio client), when given, remembers the DM channels opened for every worker on every host."""
        self._token = token
        self._base_url = base_url
        self._redis = redis
        self._web: AsyncWebClient | None = None
        self._session: aiohttp.ClientSession | None = None
        self._dm_channels: OrderedDict[str, str] = OrderedDict()  # user id → D… channel, most recent last

    def _client(self) -> AsyncWebClient:
        if self._web is None:
            import aiohttp
            from slack_sdk.web.async_client import AsyncWebClient

            # One HTTP session (its connection pool) for every push of this messenger: slack_sdk opens and closes a
            # session per call otherwise, which cost half of a push's CPU. Made here, on the loop that uses it.
            self._session = aiohttp.ClientSession()
            # No retry handlers at all: not slack_sdk's RateLimitErrorRetryHandler, because the caller (durable
            # delivery) handles 429s and pacing itself and must see them; not the default connection-error
            # handler either, because re-sending a post whose answer was lost can duplicate it, and the caller
            # retries with backoff anyway.
            self._web = AsyncWebClient(
                token=self._token, base_url=self._base_url, retry_handlers=[], session=self._session
            )
        return self._web

    async def aclose(self) -> None:
        """Close the HTTP session (the messenger can be used again afterwards; the DM channels stay remembered)."""
        session, self._session, self._web = self._session, None, None
        if session is not None:
            await session.close()

    async def address(self, recipient: Recipient) -> Recipient:
        """The recipient with their DM channel filled in (opened, or remembered): delivery calls this before it waits
        for the pace, so that the paced call is chat.postMessage itself. Raises as `push` does."""
        if recipient.chat_id is not None:
            return recipient
        try:
            channel = await self._channel_of(recipient)
        except SlackApiError as error:
            translated = translate_error(error)
            if translated is error:
                raise
            raise translated from error
        return replace(recipient, chat_id=channel)

    async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
        """Post `reply` to the recipient's channel (opening the DM first when only a user is known) and return
        the message's `ts`. `idempotency_key` is unused (Slack has none). Raises RetryLater or
        RecipientUnreachable as the port says; RuntimeError when Slack rejects the token."""
        del idempotency_key  # Slack has no idempotency key
        blocks = render_blocks(reply)
        text = fallback_text(reply)
        if not blocks and not text.strip():
            raise ValueError("an empty reply cannot be pushed")
        try:
            channel = await self._channel_of(recipient)
            response = await self._client().chat_postMessage(channel=channel, text=text, blocks=blocks or None)
        except SlackApiError as error:
            translated = translate_error(error)
            if isinstance(translated, RecipientUnreachable) and recipient.user_external_id is not None:
                await self._forget_dm(recipient.user_external_id)  # a closed DM is reopened next time
            if translated is error:
                raise
            raise translated from error
        ts = response.get("ts")
        if isinstance(ts, str):
            return ts
        raise RuntimeError("Slack accepted the message but returned no ts")

    async def _channel_of(self, recipient: Recipient) -> str:
        if recipient.chat_id is not None:
            return recipient.chat_id
        user = recipient.user_external_id
        if user is None:
            raise RecipientUnreachable("a Slack recipient needs a channel id or a user id")
        cached = self._dm_channels.get(user)
        if cached is not None:
            self._dm_channels.move_to_end(user)
            return cached
        if self._redis is not None:
            shared = await self._redis.hget(DM_CHANNELS_KEY, user)
            if shared:
                known = shared.decode() if isinstance(shared, bytes) else str(shared)
                self._remember(user, known)
                return known
        # conversations.open is a Tier 3 method (about 50 a minute): a fan-out to thousands must not open each DM
        # again, which is why the channel is remembered here and, with Redis, for every worker
        response = await self._client().conversations_open(users=user)
        opened = response.get("channel")
        channel = opened.get("id") if isinstance(opened, Mapping) else None
        if isinstance(channel, str):
            self._remember(user, channel)
            if self._redis is not None:
                await self._redis.hset(DM_CHANNELS_KEY, user, channel)
            return channel
        raise RuntimeError("Slack opened the direct message but returned no channel id")

    def _remember(self, user: str, channel: str) -> None:
        self._dm_channels[user] = channel
        while len(self._dm_channels) > _DM_CACHE_SIZE:
            self._dm_channels.popitem(last=False)

    async def _forget_dm(self, user: str) -> None:
        self._dm_channels.pop(user, None)
        if self._redis is not None:
            await self._redis.hdel(DM_CHANNELS_KEY, user)


def translate_error(error: SlackApiError) -> Exception:
    """The port's exception for a Slack error; the SlackApiError itself when the caller should just retry."""
    rate_limited = rate_limit_of(error)
    if rate_limited is not None:
        return rate_limited
    code = slack_error_code(error)
    if code in UNREACHABLE_ERRORS:
        return RecipientUnreachable(code)
    if code in AUTH_ERRORS:
        return RuntimeError(f"Slack rejected the bot token: {code}")
    return error
