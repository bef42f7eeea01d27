"""Text embeddings: book-club candidates and broadcast-alert matching compare texts by meaning through this port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # numpy loads only where vectors are used, not with every import of core.ports
    import numpy as np
    from numpy.typing import NDArray


class Embedder(Protocol):
    """Turns texts into unit-length vectors, so a dot product of two rows is their cosine similarity.

    The model is chosen by `EMBEDDING_MODEL`; unset, there is no embedder at all (`None` in the Kit) and every
    caller ranks lexically. Implementations load their model lazily and keep heavy work off the event loop."""

    @property
    def name(self) -> str:
        """The model's name or path, for logs and for keying cached vectors (vectors of two models never mix)."""
        ...

    async def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One row per text, in order: float32 of shape (len(texts), dimension), each row L2-normalized
        (an empty text may give a zero row). Callers batch freely; the implementation batches again inside."""
        ...
