"""Operator alerts posted to a Slack channel: with a bot token (chat.postMessage, foldable with chat.update) or
through an incoming webhook (post only).

`text` is Slack mrkdwn as given: callers escape what they did not write (see messenger.escape_mrkdwn). Errors never
carry the alert's text: a 429 becomes RetryLater(after=Retry-After), anything else Slack refuses a RuntimeError
naming Slack's error code; connection errors propagate unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bots.slack.messenger import SLACK_API_URL, http_status, rate_limit_of, retry_after_seconds, slack_error_code
from core.ports import RetryLater
from core.settings import Settings

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient
    from slack_sdk.webhook.async_client import AsyncWebhookClient

__all__ = ["SlackOpsPoster"]

_ERROR_CODE = re.compile(r"[a-z0-9_]{1,64}")  # what a webhook answers on failure, e.g. "invalid_payload"


class SlackOpsPoster:
    """Posts operator alerts. A bot token with a channel wins over a webhook URL when both are given."""

    def __init__(
        self, *, token: str | None, channel: str | None, webhook_url: str | None, base_url: str = SLACK_API_URL
    ) -> None:
        if not (token and channel) and not webhook_url:
            raise ValueError("Slack ops alerts need a bot token and a channel, or an incoming-webhook URL")
        self._token = token if token and channel else None
        self._channel = channel if token and channel else None
        self._webhook_url = webhook_url
        self._base_url = base_url
        self._web: AsyncWebClient | None = None
        self._hook: AsyncWebhookClient | None = None

    @property
    def can_fold(self) -> bool:
        """True when folds edit the original message (a bot token); a webhook can only post anew."""
        return self._token is not None

    async def post(self, text: str, *, blocks: Sequence[dict[str, Any]] | None = None) -> str | None:
        """Post an alert; returns its ts with a bot token, None through a webhook."""
        if self._token is not None and self._channel is not None:
            try:
                response = await self._web_client().chat_postMessage(
                    channel=self._channel, text=text, blocks=list(blocks) if blocks else None
                )
            except SlackApiError as error:
                raise _refused("chat.postMessage", error) from None
            ts = response.get("ts")
            if isinstance(ts, str):
                return ts
            raise RuntimeError("Slack accepted the ops alert but returned no ts")
        await self._send_webhook(text, blocks)
        return None

    async def fold(self, ts: str | None, text: str, *, blocks: Sequence[dict[str, Any]] | None = None) -> None:
        """Rewrite the alert `ts` (e.g. to add "repeated N times"); without a ts or a bot token, post `text` anew."""
        if ts is None or self._token is None or self._channel is None:
            await self.post(text, blocks=blocks)
            return
        try:
            await self._web_client().chat_update(
                channel=self._channel, ts=ts, text=text, blocks=list(blocks) if blocks else None
            )
        except SlackApiError as error:
            raise _refused("chat.update", error) from None

    def warm(self) -> None:
        """Build the HTTP client now (a worker's start), so that the first alert does not wait for the imports."""
        if self._token is not None:
            self._web_client()
        else:
            self._webhook_client()

    def _web_client(self) -> AsyncWebClient:
        if self._web is None:
            from slack_sdk.web.async_client import AsyncWebClient

            # No SDK retry handlers: the alerting caller owns retries, and a 429 must reach it as RetryLater.
            self._web = AsyncWebClient(token=self._token, base_url=self._base_url, retry_handlers=[])
        return self._web

    def _webhook_client(self) -> AsyncWebhookClient:
        if self._hook is None:
            from slack_sdk.webhook.async_client import AsyncWebhookClient

            assert self._webhook_url is not None
            self._hook = AsyncWebhookClient(self._webhook_url, retry_handlers=[])
        return self._hook

    async def _send_webhook(self, text: str, blocks: Sequence[dict[str, Any]] | None) -> None:
        response = await self._webhook_client().send(text=text, blocks=list(blocks) if blocks else None)
        if response.status_code == 200:
            return
        if response.status_code == 429:
            raise RetryLater(after=retry_after_seconds(response.headers))
        body = (response.body or "").strip()
        code = body if _ERROR_CODE.fullmatch(body) else "unknown"
        raise RuntimeError(f"Slack's webhook refused the ops alert: HTTP {response.status_code} {code}")


def _refused(method: str, error: SlackApiError) -> Exception:
    """RetryLater for a 429; else a RuntimeError naming Slack's error code (never the alert's text)."""
    rate_limited = rate_limit_of(error)
    if rate_limited is not None:
        return rate_limited
    status = http_status(error)
    return RuntimeError(f"Slack refused the ops alert ({method}): {slack_error_code(error)} (HTTP {status})")


def slack_ops_poster(settings: Settings) -> SlackOpsPoster:
    """The ops channel's poster from the settings: by bot token and channel, or by incoming webhook."""
    return SlackOpsPoster(
        token=settings.slack_bot_token if settings.ops_slack_channel else None,
        channel=settings.ops_slack_channel,
        webhook_url=settings.ops_slack_webhook_url,
        base_url=settings.slack_api_url,
    )
