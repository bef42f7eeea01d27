"""How fast pushes may go to each platform (their published limits), as token-bucket keys."""

from __future__ import annotations

from collections.abc import Mapping

# (rate per second, burst). Telegram: ~30 msg/s overall, 1/s per chat, 20/min per group.
# Slack: chat.postMessage ~1/s per channel. Discord: 50 requests/s per bot, 5 per 5 s per channel.
GLOBAL_LIMITS: dict[str, tuple[float, float]] = {
    "telegram": (30.0, 30.0),
    "slack": (50.0, 50.0),
    "discord": (50.0, 50.0),
}
CHAT_LIMITS: dict[str, tuple[float, float]] = {
    "telegram": (1.0, 1.0),
    "slack": (1.0, 2.0),
    "discord": (1.0, 5.0),
}
GROUP_LIMITS: dict[str, tuple[float, float]] = {
    "telegram": (20.0 / 60.0, 3.0),
}

# Telegram's paid broadcasts (`allow_paid_broadcast`, charged in Stars): up to 1,000 messages a second, on a bucket
# of their own. Only broadcasts may use it (TELEGRAM_PAID_BROADCAST): announcements and broadcast alerts' fan-outs.
PAID_BROADCAST_LIMITS: dict[str, tuple[float, float]] = {
    "telegram": (1000.0, 1.0),
}
BROADCAST_KINDS = frozenset({"announcement", "alert"})  # PushKind values ("alert": broadcast alerts' fan-out)

PacingKey = tuple[str, float, float]


def pacing_keys(
    *, platform: str, chat: str, group: bool, overrides: Mapping[str, float] | None = None, paid: bool = False
) -> list[PacingKey]:
    """Bucket keys a push to `chat` on `platform` must pass. `overrides` replaces a platform's overall rate
    (`{"telegram": 25}`), and `"telegram:paid"` the paid-broadcast rate; `paid` puts the push on that bucket."""
    keys: list[PacingKey] = []
    overall = GLOBAL_LIMITS.get(platform)
    name = f"{platform}:all"
    if paid and platform in PAID_BROADCAST_LIMITS:
        name = f"{platform}:paid"
        overall = PAID_BROADCAST_LIMITS[platform]
        if overrides and name in overrides:
            overall = (overrides[name], 1.0)
    elif overrides and platform in overrides:
        # No burst: a platform that counts in a sliding window must never see more than its rate in any second.
        overall = (overrides[platform], 1.0)
    if overall:
        keys.append((name, *overall))
    per_chat = (GROUP_LIMITS.get(platform) if group else None) or CHAT_LIMITS.get(platform)
    if per_chat:
        keys.append((f"{platform}:chat:{chat}", *per_chat))
    return keys
