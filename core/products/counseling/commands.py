"""Counseling's commands: a worry, a new conversation, a part marked helpful."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.domain.values import Persona, WorryId


@dataclass(frozen=True, kw_only=True)
class AskWorry(Command):
    text: str


@dataclass(frozen=True, kw_only=True)
class StartNewConversation(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class MarkHelpful(Command):
    worry_id: WorryId
    persona: Persona
