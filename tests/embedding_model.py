"""Embedders for tests (book-club ranking now; broadcast-alert matching can reuse them).

`FakeEmbedder` is a dependency-free `Embedder`: character bigrams of each word hashed into a small vector and
L2-normalized, so texts sharing words score high and identical texts score 1.0. It stands in for a real model
while sentence-transformers is not among maeum's dependencies; the tiny real model that ARCHITECTURE.md
describes ("A real embedder in tests") belongs in this module once it is, built beside this fake."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    def __init__(self, dimension: int = 64, *, name: str = "fake-bigram-hash") -> None:
        self.dimension = dimension
        self._name = name
        self.calls: list[int] = []  # texts per call: tests check what was embedded again

    @property
    def name(self) -> str:
        return self._name

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(len(texts))
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                grams = [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
                for gram in grams:
                    slot = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "big")
                    rows[row, slot % self.dimension] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class FailingEmbedder:
    """An embedder whose model cannot be loaded: callers must carry on without it."""

    name = "missing-model"

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        raise OSError("model files not found")
