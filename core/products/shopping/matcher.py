"""Matching watches to broadcasts in two steps: the lexical rule (core/products/shopping/matching.py), then, with an
`Embedder` (EMBEDDING_MODEL), semantic similarity for what the lexical step missed.

The semantic step compares a watch's words with the core keyword of a broadcast's product name ("국내산 한돈 삼겹살
1kg" → 삼겹살), by the cosine of their embeddings. It never overrules the lexical step where that one has judged: when a
watch word appears anywhere in the name (김치 in 김치냉장고) the lexical answer is final. Its threshold is calibrated,
for the model in use, on the labelled set (core/products/shopping/labels.py) the first time it is needed in a
process: the threshold that gives the best F1 of lexical-or-semantic over the 4,230 pairs, kept only when that beats
the lexical step alone — a model that does not know Korean (all-MiniLM scores every Korean pair 0.5–0.7) is simply
not used. An embedder that fails leaves matching lexical (logged once per failure).

A watch's vector is made when the watch is (and kept with the model's name); product keywords are embedded as
imports and new watches need them and kept in this process (there are a few hundred distinct ones).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import NDArray

from core.products.shopping.domain import Broadcast, Watch
from core.products.shopping.labels import LabelledSet, Scores, labelled_set, score
from core.products.shopping.matching import (
    ProductWords,
    WatchIndex,
    WatchTerm,
    core_keyword,
    judged_lexically,
    matches,
    product_words,
    term_of_key,
    watch_term,
)

if TYPE_CHECKING:
    from core.ports import Embedder

logger = logging.getLogger(__name__)

KEPT_TEXTS: Final = 20_000  # product keywords whose vectors a process keeps
ROWS_AT_ONCE: Final = 8192  # watch terms scored against the keywords per matrix product (bounds memory)


@dataclass(frozen=True, kw_only=True)
class Calibration:
    model: str
    threshold: float | None  # None: the model does not help on the labelled set; matching stays lexical
    lexical: Scores
    combined: Scores  # lexical or semantic at the threshold (the lexical scores again when there is none)


def _to_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(raw: bytes) -> NDArray[np.float32]:
    return np.frombuffer(raw, dtype=np.float32)


async def calibrate(embedder: Embedder, labels: LabelledSet | None = None) -> Calibration:
    """Find the semantic threshold for `embedder` on the labelled set (see the module's docstring)."""
    labels = labels or labelled_set()
    terms = {w: watch_term(w) for w in labels.watches}
    words = {p: product_words(p) for p, _ in labels.products}
    keywords = {p: core_keyword(p) for p, _ in labels.products}
    lexical_hits = {(w, p) for w, p, _ in labels.pairs() if (t := terms[w]) is not None and matches(t, words[p])}
    lexical = score(labels, lambda w, p: (w, p) in lexical_hits)
    open_pairs = [
        (w, p)
        for w, p, _ in labels.pairs()
        if (w, p) not in lexical_hits and (t := terms[w]) is not None and not judged_lexically(t, words[p])
    ]
    texts = sorted({t.key for t in terms.values() if t is not None} | set(keywords.values()))
    vectors = await embedder.embed(texts)
    row = {text: i for i, text in enumerate(texts)}
    similarity: dict[tuple[str, str], float] = {}
    for w, p in open_pairs:
        term = terms[w]
        assert term is not None
        similarity[(w, p)] = float(vectors[row[term.key]] @ vectors[row[keywords[p]]])
    wanted = {(w, p) for w, p, match in labels.pairs() if match}
    # Lower the threshold one open pair at a time (most similar first), counting as it goes.
    tp, fp, fn = lexical.true_positives, lexical.false_positives, lexical.false_negatives
    best: tuple[float, float, Scores] | None = None
    ranked = sorted(similarity.items(), key=lambda item: -item[1])
    for i, (pair, similar) in enumerate(ranked):
        if pair in wanted:
            tp, fn = tp + 1, fn - 1
        else:
            fp += 1
        if i + 1 < len(ranked) and ranked[i + 1][1] == similar:
            continue  # a threshold takes every pair of the same similarity
        combined = Scores(true_positives=tp, false_positives=fp, false_negatives=fn)
        if best is None or combined.f1 > best[0]:
            best = (combined.f1, similar, combined)
    if best is None or best[0] <= lexical.f1:
        return Calibration(model=embedder.name, threshold=None, lexical=lexical, combined=lexical)
    return Calibration(model=embedder.name, threshold=best[1], lexical=lexical, combined=best[2])


@dataclass(kw_only=True)
class _Prepared:
    """What matching a set of watches needs, whatever the broadcasts: the distinct terms (by key), the ids of the
    watches behind each, the term index, and (once the semantic step has run) the terms' vectors as one matrix.
    An import every few minutes against unchanged watches reuses it."""

    signature: int
    terms: dict[str, WatchTerm]
    ids: dict[str, list[int]]
    index: WatchIndex[str]
    matrix: tuple[tuple[str, int], list[str], NDArray[np.float32]] | None = None  # ((model, vectors), keys, rows)

    @classmethod
    def of(cls, watches: Sequence[Watch], signature: int) -> _Prepared:
        terms: dict[str, WatchTerm] = {}
        ids: dict[str, list[int]] = {}
        for watch in watches:
            if watch.key not in terms:
                term = term_of_key(watch.key)
                if term is None:
                    continue
                terms[watch.key] = term
                ids[watch.key] = []
            ids[watch.key].append(watch.id)
        return cls(signature=signature, terms=terms, ids=ids, index=WatchIndex(terms.items()))

    def term_matrix(self, model: str, vectors: Mapping[int, bytes]) -> tuple[list[str], NDArray[np.float32]] | None:
        """The vectors of the terms that have one, stacked (kept while the watches and their vectors stay)."""
        kept = (model, len(vectors))
        if self.matrix is None or self.matrix[0] != kept:
            keys, rows = [], []
            for key, owners in self.ids.items():
                raw = next((vectors[i] for i in owners if i in vectors), None)
                if raw is not None:
                    keys.append(key)
                    rows.append(from_bytes(raw))
            self.matrix = (kept, keys, np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32))
        _, keys, matrix = self.matrix
        return (keys, matrix) if keys else None


KEEP_PREPARED_FROM: Final = 100  # watches: a lone new watch is matched without replacing the import's index


class Matcher:
    """Watches × broadcasts → which watches each broadcast matches. One per process (it keeps the calibration and
    the product keywords' vectors)."""

    def __init__(self, embedder: Embedder | None) -> None:
        self._embedder = embedder
        self._calibration: Calibration | None = None
        self._calibrating = asyncio.Lock()
        self._kept: dict[str, NDArray[np.float32]] = {}
        self._prepared: _Prepared | None = None  # the last import's watches, ready for the next

    @property
    def model(self) -> str | None:
        return self._embedder.name if self._embedder is not None else None

    async def calibration(self) -> Calibration | None:
        if self._embedder is None:
            return None
        async with self._calibrating:
            if self._calibration is None or self._calibration.model != self._embedder.name:
                try:
                    self._calibration = await calibrate(self._embedder)
                except Exception:  # noqa: BLE001 — an unloadable model leaves matching lexical
                    logger.warning("embedding model %s unusable; matching stays lexical", self._embedder.name)
                    return None
                logger.info(
                    "semantic threshold for %s: %s (F1 lexical %.3f, combined %.3f)",
                    self._embedder.name,
                    self._calibration.threshold,
                    self._calibration.lexical.f1,
                    self._calibration.combined.f1,
                )
        return self._calibration

    async def watch_vector(self, key: str) -> bytes | None:
        """The vector kept with a new watch (None without an embedder, or when it fails)."""
        if self._embedder is None:
            return None
        try:
            return _to_bytes((await self._embedder.embed([key]))[0])
        except Exception:  # noqa: BLE001
            logger.warning("embedding a watch failed; it is matched lexically")
            return None

    async def vectors_for(self, keys: Sequence[str]) -> dict[str, bytes]:
        """Vectors for watch keys that have none yet (watches made before EMBEDDING_MODEL was set)."""
        if self._embedder is None or not keys:
            return {}
        try:
            rows = await self._embedder.embed(list(keys))
        except Exception:  # noqa: BLE001
            logger.warning("embedding %d watches failed; they are matched lexically", len(keys))
            return {}
        return {key: _to_bytes(row) for key, row in zip(keys, rows, strict=True)}

    async def _keyword_vectors(self, keywords: Sequence[str]) -> NDArray[np.float32] | None:
        assert self._embedder is not None
        missing = [k for k in dict.fromkeys(keywords) if k not in self._kept]
        if missing:
            try:
                rows = await self._embedder.embed(missing)
            except Exception:  # noqa: BLE001
                logger.warning("embedding %d product keywords failed; matching stays lexical", len(missing))
                return None
            if len(self._kept) + len(missing) > KEPT_TEXTS:
                self._kept.clear()
            self._kept.update(zip(missing, rows, strict=True))
        return np.stack([self._kept[k] for k in keywords]).astype(np.float32)

    def _prepared_for(self, watches: Sequence[Watch]) -> _Prepared:
        signature = hash(tuple((w.id, w.key) for w in watches))
        if self._prepared is not None and self._prepared.signature == signature:
            return self._prepared
        prepared = _Prepared.of(watches, signature)
        if len(watches) >= KEEP_PREPARED_FROM:
            self._prepared = prepared
        return prepared

    async def match(
        self, watches: Sequence[Watch], broadcasts: Sequence[Broadcast], vectors: Mapping[int, bytes] | None = None
    ) -> dict[int, list[int]]:
        """Broadcast id → the ids of the watches it matches, each once (lexically, or semantically given the
        watches' kept `vectors` by watch id and a calibrated threshold)."""
        prepared = self._prepared_for(watches)
        words = {b.id: product_words(b.product) for b in broadcasts}
        found: dict[int, set[str]] = {b.id: prepared.index.matching(words[b.id]) for b in broadcasts}
        calibration = await self.calibration()
        if calibration is not None and calibration.threshold is not None and vectors:
            await self._semantic(
                prepared=prepared,
                broadcasts=broadcasts,
                words=words,
                found=found,
                vectors=vectors,
                threshold=calibration.threshold,
            )
        matched: dict[int, list[int]] = {}
        for broadcast_id, keys in found.items():
            if keys:
                fanned: list[int] = []
                for key in keys:  # a watch has one key: no id twice
                    fanned.extend(prepared.ids[key])
                matched[broadcast_id] = fanned
        return matched

    async def _semantic(
        self,
        *,
        prepared: _Prepared,
        broadcasts: Sequence[Broadcast],
        words: Mapping[int, ProductWords],
        found: dict[int, set[str]],
        vectors: Mapping[int, bytes],
        threshold: float,
    ) -> None:
        assert self._embedder is not None
        stacked = prepared.term_matrix(self._embedder.name, vectors)
        if stacked is None or not broadcasts:
            return
        keys, terms = stacked
        by_keyword: dict[str, list[Broadcast]] = {}
        for broadcast in broadcasts:
            by_keyword.setdefault(core_keyword(broadcast.product), []).append(broadcast)
        keywords = list(by_keyword)
        matrix = await self._keyword_vectors(keywords)
        if matrix is None:
            return
        for start in range(0, len(keys), ROWS_AT_ONCE):
            scores = terms[start : start + ROWS_AT_ONCE] @ matrix.T
            for row, column in zip(*np.nonzero(scores >= threshold), strict=True):
                key = keys[start + int(row)]
                term = prepared.terms[key]
                for broadcast in by_keyword[keywords[int(column)]]:
                    if key not in found[broadcast.id] and not judged_lexically(term, words[broadcast.id]):
                        found[broadcast.id].add(key)
