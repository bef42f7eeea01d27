"""Linked accounts and the one-time codes that join people: how many wrong codes a person may type before a
pause, how many codes a person may make in a day, and the keys of the notices an account change sends."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from core.domain.outbox import PushKind
from core.domain.values import Platform

ACCOUNT_PUSH_KIND: Final = PushKind.ACCOUNT
LINK_TTL: Final = timedelta(minutes=10)  # /link codes: typed on another device right away
PLATFORMS: Final = tuple(Platform)

# What a person may type after /unlink to name a platform (the catalog shows the names).
PLATFORM_WORDS: Final = {
    "telegram": "telegram",
    "텔레그램": "telegram",
    "slack": "slack",
    "슬랙": "slack",
    "discord": "discord",
    "디스코드": "discord",
    "terminal": "terminal",
    "터미널": "terminal",
}


@dataclass(frozen=True, kw_only=True)
class CodeLimits:
    """`wrong_tries` wrong /link or /friend accept codes (one count for both) within `window`, then a pause until
    the oldest of them leaves the window; `codes_per_day` link codes, and as many friend codes, per local day."""

    wrong_tries: int = 5
    window: timedelta = timedelta(minutes=10)
    codes_per_day: int = 10


def paused_until(tries: Iterable[datetime], *, now: datetime, limits: CodeLimits) -> datetime | None:
    """When the person may type a code again, or None when they may now. `tries` are their recent code tries
    that did not turn out right (a try still being checked counts too)."""
    recent = sorted(t for t in tries if t > now - limits.window)
    if len(recent) < limits.wrong_tries:
        return None
    return recent[-limits.wrong_tries] + limits.window


def minutes_until(moment: datetime, *, now: datetime) -> int:
    """Whole minutes to wait, rounded up: "1 minute" rather than "0 minutes" for the last seconds."""
    return max(1, math.ceil((moment - now).total_seconds() / 60))


def linked_key(code: str, told_identity: int) -> str:
    return f"account-linked:{code}:{told_identity}"


def unlinked_key(removed_identity: int, at: datetime, told_identity: int) -> str:
    return f"account-unlinked:{removed_identity}:{int(at.timestamp())}:{told_identity}"


@dataclass(frozen=True, kw_only=True)
class IssuedCode:
    """A /link code as the export shows it (never the code itself)."""

    made_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class CodeTry:
    kind: str  # "link" | "friend"
    at: datetime
