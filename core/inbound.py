"""What arrives from a platform, as plain values: no SDK object ever crosses into the core."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.values import ChatKind


@dataclass(frozen=True, kw_only=True)
class ChatRef:
    id: str
    kind: ChatKind
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class Sender:
    external_id: str
    name: str
    locale: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, kw_only=True)
class Invocation:
    """A verb with its arguments, already separated by the platform (slash command, button)."""

    verb: str
    args: tuple[str, ...] = ()
    rest: str = ""


@dataclass(frozen=True, kw_only=True)
class IncomingMessage:
    platform: str
    chat: ChatRef
    sender: Sender
    text: str | None = None
    invocation: Invocation | None = None
    action: str | None = None  # a pressed button's action id, decoded by the core (expired ones get a notice)
    non_text: bool = False  # a sticker, photo or voice note: in a direct chat the user is asked to write
    # The bot was @-mentioned in a group: `text` (the mention taken out) is addressed to it, a verb first or a worry.
    mentioned: bool = False
    message_id: str | None = None
    extras: dict[str, str] = field(default_factory=dict)
    # The platform update this came from (`telegram:500000001`), when it came through the inbox. Effects of
    # handling it (a worry, its quota count and points, a reminder) are keyed by it, so that handling the same
    # update again after a crash or a failure repeats none of them.
    update_key: str | None = None
