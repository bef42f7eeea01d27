"""The labelled set the matcher is measured and the semantic threshold calibrated on.

`core/data/shopping/watch_labels.jsonl`: its first line lists the watch keywords, each other line a product name and
the keywords a shopper watching them would want to hear about it ("matches"); every other (keyword, product) pair
is a non-match. So 47 keywords × 90 products = 4,230 pairs, with decoys that share syllables (감자/감귤,
김/김치/김치냉장고, 소불고기/돼지불고기, 갈비/갈치, 새우/새우깡…) and names where the lexical rule is known to miss
(포기김치 is a 배추김치, 러닝화 a 운동화) or to err (오징어 땅콩 is a snack). Written for this project.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from core.products.shopping.matching import matches, product_words, watch_term

LABELS_FILE: Final = ("data", "shopping", "watch_labels.jsonl")


@dataclass(frozen=True, kw_only=True)
class LabelledSet:
    watches: tuple[str, ...]
    products: tuple[tuple[str, frozenset[str]], ...]  # (name, the watches it matches)

    def pairs(self) -> Iterable[tuple[str, str, bool]]:
        for product, wanted in self.products:
            for watch in self.watches:
                yield watch, product, watch in wanted


@dataclass(frozen=True, kw_only=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@cache
def labelled_set() -> LabelledSet:
    lines = resources.files("core").joinpath(*LABELS_FILE).read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    products = []
    for line in lines[1:]:
        if line.strip():
            row = json.loads(line)
            products.append((str(row["product"]), frozenset(row["matches"])))
    return LabelledSet(watches=tuple(head["watches"]), products=tuple(products))


def score(labels: LabelledSet, predict: Callable[[str, str], bool]) -> Scores:
    tp = fp = fn = 0
    for watch, product, wanted in labels.pairs():
        found = predict(watch, product)
        tp += found and wanted
        fp += found and not wanted
        fn += wanted and not found
    return Scores(true_positives=tp, false_positives=fp, false_negatives=fn)


def lexical(watch: str, product: str) -> bool:
    term = watch_term(watch)
    return term is not None and matches(term, product_words(product))
