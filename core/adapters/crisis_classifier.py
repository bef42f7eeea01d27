"""The crisis gate's statistical layer: character n-grams and logistic regression (scikit-learn), trained on
the labelled corpus this project writes and ships (core/data/safety/*.tsv), when first needed in a process.

Character n-grams see through Korean endings and typing variations without a tokenizer; the text is read
through the same normalisation as the rules (`core.domain.safety.read`), so slang and jamo abbreviations are
already spelled out. Training takes well under a second on this corpus and needs no file beyond it, so no
pickled model goes stale when scikit-learn is upgraded.
"""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from core.domain.safety import read

CORPUS_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "safety"
LANGUAGES: Final = ("ko", "en")
SEED: Final = 20261203


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


def shipped_corpus() -> list[Example]:
    examples: list[Example] = []
    for lang in LANGUAGES:
        for label in ("crisis", "safe"):
            examples += read_examples(CORPUS_DIR / f"{label}_{lang}.tsv", lang=lang, crisis=label == "crisis")
    return examples


def _spaced(text: str) -> str:
    return read(text).spaced


def _compact(text: str) -> str:
    return read(text).compact


class CharNgramCrisisClassifier:
    """The CrisisClassifier port: P(crisis | text)."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion(
            [
                (
                    "spaced",
                    TfidfVectorizer(
                        preprocessor=_spaced, analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=1
                    ),
                ),
                (
                    "compact",
                    TfidfVectorizer(
                        preprocessor=_compact, analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=1
                    ),
                ),
            ]
        )
        self._model = make_pipeline(
            features, LogisticRegression(C=8.0, class_weight="balanced", max_iter=4000, random_state=SEED)
        )
        self._model.fit([e.text for e in examples], [int(e.crisis) for e in examples])

    def probability(self, text: str) -> float:
        return float(self._model.predict_proba([text])[0][1])

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [float(p) for p in self._model.predict_proba(list(texts))[:, 1]]


@functools.cache
def _trained() -> CharNgramCrisisClassifier:
    return CharNgramCrisisClassifier(shipped_corpus())


class ShippedCrisisClassifier:
    """Trained once per process on the whole shipped corpus, in the background from start-up (`warm`) so the
    first message does not wait for it; a message that comes sooner waits for the training to finish."""

    _lock = threading.Lock()

    def warm(self) -> None:
        threading.Thread(target=self._model, name="crisis-classifier", daemon=True).start()

    def _model(self) -> CharNgramCrisisClassifier:
        with self._lock:
            return _trained()

    def probability(self, text: str) -> float:
        return self._model().probability(text)


def shipped_classifier() -> ShippedCrisisClassifier:
    return ShippedCrisisClassifier()
