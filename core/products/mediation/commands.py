"""Couple mediation's commands: a session in a two-person group chat, each partner's side given privately."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class OpenMediation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class JoinMediation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class NameChild(Command):
    name: str  # as typed: "하늘"


@dataclass(frozen=True, kw_only=True)
class CancelMediation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class ResumeMediation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class DrawComic(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class GiveSide(Command):
    text: str
    typed: bool = True  # False: a plain direct message taken as the side while it was awaited


@dataclass(frozen=True, kw_only=True)
class AllowQuote(Command):
    allowed: bool
    session_id: int | None = None  # the button names its session; typed, the person's current one
