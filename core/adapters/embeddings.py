"""The Embedder port through sentence-transformers: `EMBEDDING_MODEL` names the model (a local folder or a hub name).

sentence-transformers (with torch and transformers) takes ~5 s and ~400 MB to import, so this module does not import
it: the first `embed` does, in a worker thread, and loads the model there. A process that never embeds (a worker, a
clock, any process while `EMBEDDING_MODEL` is unset) never pays for it. A loaded model is kept for the process,
keyed by its name and device, so every embedder naming the same model shares one copy.

A local folder never downloads anything. A hub name is downloaded by sentence-transformers into its cache on first
use (a deployment's choice; `HF_HUB_OFFLINE=1` forbids it and loads only what the cache already holds).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

BATCH_SIZE: Final = 64  # texts per forward pass; callers may hand over more at once

_models: dict[tuple[str, str | None], SentenceTransformer] = {}
_loading = threading.Lock()  # two first calls at once load the model once


def _model(name: str, device: str | None) -> SentenceTransformer:
    """The process's copy of the model, imported and loaded on first use (blocking: call it in a thread)."""
    key = (name, device)
    with _loading:
        model = _models.get(key)
        if model is None:
            started = time.perf_counter()
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(name, device=device)
            _models[key] = model
            logger.info(
                "embedding model %s loaded in %.1f s (%s dimensions, on %s)",
                name,
                time.perf_counter() - started,
                model.get_embedding_dimension(),
                model.device,
            )
        return model


class SentenceTransformerEmbedder:
    """An `Embedder` for one sentence-transformers model; nothing is imported or loaded until the first `embed`."""

    def __init__(self, model: str, *, device: str | None = None, batch_size: int = BATCH_SIZE) -> None:
        self._model = model
        self._device = device  # None: sentence-transformers picks (the CPU with maeum's torch build)
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return self._model

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return await asyncio.to_thread(self._encode, list(texts))

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        model = _model(self._model, self._device)
        if not texts:
            return np.zeros((0, model.get_embedding_dimension() or 0), dtype=np.float32)
        rows = model.encode(
            texts,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(rows, dtype=np.float32)
