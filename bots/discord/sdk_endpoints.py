"""Where discord.py sends its requests: the ONE place that points the SDK away from discord.com.

discord.py has no setting for its REST base or gateway URL. Both are class attributes of the SDK, read when a
request or connection is made: `discord.http.Route.BASE` (every REST route is `BASE + path`) and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (where a session starts, or restarts after Discord invalidates
it). `DISCORD_API_BASE` (a shared rate-limit proxy, or the tests' local server) is applied here at start-up, for
the whole process; the gateway URL is then taken from `GET /gateway/bot` on that base, as Discord asks bots to do.
"""

from __future__ import annotations

import logging

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

logger = logging.getLogger(__name__)

DISCORD_API_BASE = "https://discord.com/api/v10"


def use_api_base(api_base: str) -> None:
    """Every discord.py REST call in this process goes to `api_base` (e.g. https://discord.com/api/v10)."""
    base = api_base.rstrip("/")
    if base != Route.BASE:
        logger.info("discord: REST base %s", base)
    Route.BASE = base


def use_gateway(url: str) -> None:
    """Sessions started (or restarted) from scratch connect to `url`, as returned by GET /gateway/bot."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
