"""The crisis gate's statistical layer: TF-IDF character n-grams and a logistic regression, fitted with
scikit-learn on the labelled corpus this project writes and ships (core/data/safety/*.tsv).

Character n-grams see through Korean endings and typing variations without a tokenizer; the text is read
through the same normalisation as the rules (`core.domain.safety.read`), so slang and jamo abbreviations are
already spelled out.

Scoring a message does not go through scikit-learn: its per-call checks cost ~2 ms and the gate has 5 ms. The
fitted weights are folded into one table per view (n-gram → idf, coefficient) and a message is scored with the
same arithmetic — sublinear tf × idf, L2 norm per view, dot product, logistic — in a fraction of that. The
tables are cached on disk (`CRISIS_CACHE_DIR`), keyed by the corpus, this module's version and scikit-learn's,
so a process starts in a fraction of a second without importing scikit-learn, and the cache can never be stale:
another corpus or version gives another file. Tests check the tables, the n-gram readers and scikit-learn agree.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from core.domain.safety import ReadText, read

logger = logging.getLogger(__name__)

CORPUS_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "safety"
LANGUAGES: Final = ("ko", "en")
SEED: Final = 20261203
MODEL_VERSION: Final = "char-ngram-lr-1"  # change it with anything below that changes the fitted tables

# (view of the text, n-gram kind, n-gram lengths)
VIEWS: Final = (("spaced", "char_wb", (1, 4)), ("compact", "char", (2, 5)))
_C: Final = 4.0


@dataclass(frozen=True, kw_only=True)
class Example:
    lang: str
    crisis: bool
    family: str
    text: str


def read_examples(path: Path, *, lang: str | None = None, crisis: bool | None = None) -> list[Example]:
    """A TSV with a header: `family, text` (language and label from the arguments) or `lang, label, family, text`."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Example(
            lang=lang or row["lang"],
            crisis=crisis if crisis is not None else row["label"] == "crisis",
            family=row["family"],
            text=row["text"],
        )
        for row in rows
        if row.get("text")
    ]


def _corpus_files() -> list[tuple[str, bool, Path]]:
    return [
        (lang, label == "crisis", CORPUS_DIR / f"{label}_{lang}.tsv")
        for lang in LANGUAGES
        for label in ("crisis", "safe")
    ]


def shipped_corpus() -> list[Example]:
    examples: list[Example] = []
    for lang, crisis, path in _corpus_files():
        examples += read_examples(path, lang=lang, crisis=crisis)
    return examples


# --- the n-gram readers, as scikit-learn's TfidfVectorizer has them ---------------------------------------------

_WHITE_SPACES: Final = re.compile(r"\s\s+")


def _char_ngrams(text: str, low: int, high: int) -> list[str]:
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text) if low == 1 else []
    for n in range(max(low, 2) if low == 1 else low, min(high + 1, len(text) + 1)):
        grams += [text[i : i + n] for i in range(len(text) - n + 1)]
    return grams


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def ngram_reader(kind: str, lengths: tuple[int, int]) -> Callable[[str], list[str]]:
    ngrams = _char_wb_ngrams if kind == "char_wb" else _char_ngrams
    return lambda text: ngrams(text, *lengths)


# --- the classifier -------------------------------------------------------------------------------------------

Table = dict[str, tuple[float, float]]  # n-gram → (idf, coefficient)


class CharNgramCrisisClassifier:
    """The CrisisClassifier port: P(crisis | text)."""

    def __init__(self, *, intercept: float, tables: Sequence[Table]) -> None:
        self._intercept = intercept
        self._tables = list(tables)
        self._views = [
            (view, ngram_reader(kind, lengths), table)
            for (view, kind, lengths), table in zip(VIEWS, tables, strict=True)
        ]
        self.fitted: Any = None  # scikit-learn's own objects, when this process fitted them

    @classmethod
    def train(cls, examples: Sequence[Example]) -> CharNgramCrisisClassifier:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [read(e.text) for e in examples]
        vectorizers = [
            TfidfVectorizer(analyzer=kind, ngram_range=lengths, sublinear_tf=True, lowercase=False)
            for _, kind, lengths in VIEWS
        ]
        matrix = hstack(
            [
                v.fit_transform([getattr(t, view) for t in texts])
                for v, (view, _, _) in zip(vectorizers, VIEWS, strict=True)
            ]
        ).tocsr()
        model = LogisticRegression(C=_C, class_weight="balanced", max_iter=4000, random_state=SEED)
        model.fit(matrix, [int(e.crisis) for e in examples])
        coefficients = model.coef_[0]
        tables: list[Table] = []
        offset = 0
        for vectorizer in vectorizers:
            tables.append(
                {
                    term: (float(vectorizer.idf_[column]), float(coefficients[offset + column]))
                    for term, column in vectorizer.vocabulary_.items()
                }
            )
            offset += len(vectorizer.vocabulary_)
        classifier = cls(intercept=float(model.intercept_[0]), tables=tables)
        classifier.fitted = (vectorizers, model)
        return classifier

    def probability(self, text: ReadText) -> float:
        logit = self._intercept
        for view, ngrams, table in self._views:
            weighted = 0.0
            norm = 0.0
            for term, count in Counter(ngrams(getattr(text, view))).items():
                known = table.get(term)
                if known is None:
                    continue
                idf, coefficient = known
                tfidf = (1.0 + math.log(count)) * idf
                norm += tfidf * tfidf
                weighted += tfidf * coefficient
            if norm:
                logit += weighted / math.sqrt(norm)
        return 1.0 / (1.0 + math.exp(-logit))

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [self.probability(read(text)) for text in texts]

    def fitted_probability(self, text: str) -> float:
        """The same score through scikit-learn itself (only in the process that fitted the model)."""
        from scipy.sparse import hstack

        vectorizers, model = self.fitted
        view = read(text)
        row = hstack([v.transform([getattr(view, name)]) for v, (name, _, _) in zip(vectorizers, VIEWS, strict=True)])
        return float(model.predict_proba(row.tocsr())[0][1])

    # --- the cache: plain arrays, no pickles ---

    def save(self, path: Path) -> None:
        import numpy as np

        arrays: dict[str, Any] = {"intercept": np.array([self._intercept])}
        for index, table in enumerate(self._tables):
            arrays[f"terms{index}"] = np.array(list(table), dtype=str)
            arrays[f"weights{index}"] = np.array(list(table.values()), dtype=np.float64).reshape(-1, 2)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial.npz")
        np.savez(partial, **arrays)
        partial.replace(path)  # atomic: another process never reads half a file

    @classmethod
    def load(cls, path: Path) -> CharNgramCrisisClassifier:
        import numpy as np

        with np.load(path, allow_pickle=False) as arrays:
            tables = [
                dict(zip(arrays[f"terms{index}"].tolist(), map(tuple, arrays[f"weights{index}"].tolist()), strict=True))
                for index in range(len(VIEWS))
            ]
            return cls(intercept=float(arrays["intercept"][0]), tables=tables)


def cache_key() -> str:
    digest = hashlib.sha256(f"{MODEL_VERSION}|{version('scikit-learn')}".encode())
    for _, _, path in _corpus_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def trained_or_cached(cache_dir: Path | None) -> CharNgramCrisisClassifier:
    """The classifier for the shipped corpus: from the cache when it holds this corpus's tables, else trained
    (and cached). A cache that cannot be read or written only costs the training."""
    path = cache_dir / f"crisis-classifier-{cache_key()}.npz" if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            return CharNgramCrisisClassifier.load(path)
        except (OSError, ValueError, KeyError) as error:
            logger.warning("crisis classifier cache unreadable (%s); training", type(error).__name__)
    classifier = CharNgramCrisisClassifier.train(shipped_corpus())
    if path is not None:
        try:
            classifier.save(path)
        except OSError as error:
            logger.warning("crisis classifier cache not written (%s)", type(error).__name__)
    return classifier


class ShippedCrisisClassifier:
    """The classifier of the shipped corpus, made ready in the background from start-up (`warm`) so the first
    message seldom waits for it; one that comes sooner waits. One per process (`shipped_classifier`)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._ready: CharNgramCrisisClassifier | None = None

    def warm(self) -> None:
        threading.Thread(target=self._model, name="crisis-classifier", daemon=True).start()

    def _model(self) -> CharNgramCrisisClassifier:
        with self._lock:
            if self._ready is None:
                self._ready = trained_or_cached(self._cache_dir)
            return self._ready

    def probability(self, text: ReadText) -> float:
        return self._model().probability(text)


_SHIPPED: dict[Path | None, ShippedCrisisClassifier] = {}
_SHIPPED_LOCK = threading.Lock()


def shipped_classifier(cache_dir: Path | None = None) -> ShippedCrisisClassifier:
    with _SHIPPED_LOCK:
        return _SHIPPED.setdefault(cache_dir, ShippedCrisisClassifier(cache_dir))
