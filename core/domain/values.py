"""Identifiers and small value types shared by the whole core."""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

UserId = NewType("UserId", int)
WorryId = NewType("WorryId", int)
ConversationId = NewType("ConversationId", int)


class Locale(StrEnum):
    KO = "ko"
    EN = "en"


class Persona(StrEnum):
    """The two counselors: F answers with feeling, T with thinking."""

    F = "F"
    T = "T"


class ChatKind(StrEnum):
    DIRECT = "direct"
    GROUP = "group"


DEFAULT_LOCALE = Locale.KO
DEFAULT_TIMEZONE = "Asia/Seoul"


def locale_from_platform(code: str | None) -> Locale:
    """Map a platform language code ("ko-KR", "en_US", "en") to a supported locale, else Korean."""
    if not code:
        return DEFAULT_LOCALE
    primary = code.replace("_", "-").split("-", 1)[0].lower()
    try:
        return Locale(primary)
    except ValueError:
        return DEFAULT_LOCALE


class Platform(StrEnum):
    """Where a person talks to maeum; a value is also the platform's name in stored rows."""

    TELEGRAM = "telegram"
    SLACK = "slack"
    DISCORD = "discord"
    TERMINAL = "terminal"
