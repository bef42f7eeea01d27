"""An image model: a picture drawn from a prompt (`/mediate comic`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.ports.language_model import CallFinished


@dataclass(frozen=True, kw_only=True)
class Picture:
    content: bytes
    mime_type: str
    finished: CallFinished  # what it cost, for the model budget


class ImageModel(Protocol):
    async def draw(self, prompt: str, *, purpose: str) -> Picture:
        """One picture for `prompt`. Raises LanguageModelUnavailable when none could be had."""
        ...
