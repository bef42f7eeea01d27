"""Embedders for tests (book-club ranking now; broadcast-alert matching can reuse them).

`FakeEmbedder` is a dependency-free `Embedder`: character bigrams of each word hashed into a small vector and
L2-normalized, so texts sharing words score high and identical texts score 1.0; unit tests and the benchmark use it.

`build_tiny_model` makes a real sentence-transformers model with nothing downloaded (ARCHITECTURE.md, "A real
embedder in tests"): a WordPiece tokenizer trained on a few hundred Korean and English strings (the sample
catalog's titles and descriptions), a 16-dimensional `StaticEmbedding` over it (random, seeded: it means nothing,
but it is loaded, tokenized and pooled by the same code as a deployment's model), saved to a folder that
`SentenceTransformerEmbedder` then loads by path. The `tiny_embedding_model` fixture (tests/conftest.py) builds it
once per session. sentence-transformers is imported only inside the builder: importing this module stays cheap."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tests.bookclub_books import sample_books

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


ENGLISH = (
    "A quiet story about a cat who visits a small bookshop.",
    "Survival on a space station far from home.",
    "A detective follows the clues of an old murder.",
    "Letters between two friends across a long war.",
    "An essay on slow mornings, coffee and walking.",
    "The history of a city told through its markets.",
    "A family gathers for one last summer by the sea.",
    "How memory shapes who we become.",
)


def training_texts() -> list[str]:
    """A few hundred strings, Korean and English: the sample catalog's titles and descriptions, and a few more."""
    return [text for book in sample_books() for text in (book.title, book.description)] + list(ENGLISH)


def build_tiny_model(
    folder: Path, texts: Iterable[str] | None = None, *, dimension: int = 16, vocabulary: int = 2000, seed: int = 7
) -> Path:
    """Train a WordPiece tokenizer on `texts`, put a random `dimension`-wide StaticEmbedding on it, save the
    sentence-transformers model to `folder` and return it. Takes well under a second once the libraries are
    imported (~5 s, the first time in a process)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=vocabulary, special_tokens=["[UNK]", "[PAD]"], show_progress=False)
    tokenizer.train_from_iterator(list(texts if texts is not None else training_texts()), trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]")
    torch.manual_seed(seed)  # the embedding table is random: the same one every run
    model = SentenceTransformer(modules=[StaticEmbedding(wrapped, embedding_dim=dimension)], device="cpu")
    model.save(str(folder))
    return folder
