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
import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from core.domain.safety import ReadText, read

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


_VIEWS: Final = (("spaced", "char_wb", (1, 4)), ("compact", "char", (2, 5)))


class CharNgramCrisisClassifier:
    """The CrisisClassifier port: P(crisis | text), from TF-IDF character n-grams of the text's spaced and squeezed
    views (`core.domain.safety.read`) and a logistic regression over both.

    scikit-learn fits the model; scoring one message does not go through it: its per-call checks cost ~2 ms, and
    the gate has a 5 ms budget. The fitted weights are folded into one table per view (n-gram → idf, coefficient)
    and a message is scored with the same arithmetic — sublinear tf × idf, L2 norm per view, dot product,
    logistic — in a fraction of that (tests/unit/test_safety.py checks both agree).
    """

    def __init__(self, examples: Sequence[Example]) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [read(e.text) for e in examples]
        vectorizers = [
            TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, lowercase=False)
            for _, analyzer, ngrams in _VIEWS
        ]
        matrix = hstack(
            [
                v.fit_transform([getattr(t, view) for t in texts])
                for v, (view, _, _) in zip(vectorizers, _VIEWS, strict=True)
            ]
        ).tocsr()
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=4000, random_state=SEED)
        model.fit(matrix, [int(e.crisis) for e in examples])
        self._fitted = (vectorizers, model)  # kept for the agreement check
        coefficients = model.coef_[0]
        self._intercept = float(model.intercept_[0])
        self._views: list[tuple[str, Callable[[str], list[str]], dict[str, tuple[float, float]]]] = []
        offset = 0
        for vectorizer, (view, _, _) in zip(vectorizers, _VIEWS, strict=True):
            table = {
                term: (float(vectorizer.idf_[column]), float(coefficients[offset + column]))
                for term, column in vectorizer.vocabulary_.items()
            }
            self._views.append((view, vectorizer.build_analyzer(), table))
            offset += len(vectorizer.vocabulary_)

    def probability(self, text: ReadText) -> float:
        logit = self._intercept
        for view, analyzer, table in self._views:
            weighted = 0.0
            norm = 0.0
            for term, count in Counter(analyzer(getattr(text, view))).items():
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
        """The same score through scikit-learn itself."""
        from scipy.sparse import hstack

        vectorizers, model = self._fitted
        view = read(text)
        row = hstack([v.transform([getattr(view, name)]) for v, (name, _, _) in zip(vectorizers, _VIEWS, strict=True)])
        return float(model.predict_proba(row.tocsr())[0][1])


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

    def probability(self, text: ReadText) -> float:
        return self._model().probability(text)


def shipped_classifier() -> ShippedCrisisClassifier:
    return ShippedCrisisClassifier()
