"""The statistical layer of the crisis gate."""

from __future__ import annotations

from typing import Protocol

from core.domain.safety import ReadText


class CrisisClassifier(Protocol):
    def probability(self, text: ReadText) -> float:
        """P(the writer may be at risk of suicide or self-harm), from the statistical layer of the crisis gate."""
        ...
