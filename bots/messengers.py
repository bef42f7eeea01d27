"""Platform → Messenger: the REST senders delivery workers push through, for every configured platform."""

from __future__ import annotations

from typing import Any

from core.ports import Messenger
from core.settings import Settings


def build_messengers(settings: Settings, *, redis: Any = None) -> dict[str, Messenger]:
    """Messengers for a delivery worker."""
    messengers: dict[str, Messenger] = {}
    if redis is not None:
        from bots.terminal.messenger import RedisTerminalMessenger

        messengers["terminal"] = RedisTerminalMessenger(redis)
    if settings.telegram_bot_token:
        from bots.telegram.messenger import TelegramMessenger

        messengers["telegram"] = TelegramMessenger(
            token=settings.telegram_bot_token, base_url=settings.telegram_api_base_url
        )
    if settings.slack_bot_token:
        from bots.slack.messenger import SlackMessenger

        messengers["slack"] = SlackMessenger(
            token=settings.slack_bot_token, base_url=settings.slack_api_url, redis=redis
        )
    if settings.discord_bot_token:
        from bots.discord.messenger import DiscordMessenger

        messengers["discord"] = DiscordMessenger(token=settings.discord_bot_token, api_base=settings.discord_api_base)
    return messengers
