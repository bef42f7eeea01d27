"""Points' commands."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class ShowPoints(Command):
    before_id: int | None = None
