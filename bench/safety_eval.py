"""Crisis gate quality: the tables of SAFETY.md — 5-fold cross-validation on the shipped corpus (fixed seed),
and the independent held-out sets (tests/data/safety_holdout*.tsv) scored by a classifier trained on the
whole corpus. Rules alone against the layered gate, per language and per signal family.

    .venv/bin/python bench/safety_eval.py
"""

from __future__ import annotations

from pathlib import Path

from core.adapters.crisis_classifier import read_examples, shipped_corpus
from core.adapters.safety_evaluation import cross_validate, held_out, markdown

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HOLDOUTS = ("safety_holdout.tsv", "safety_holdout_2.tsv", "safety_holdout_3.tsv")


def main() -> None:
    corpus = shipped_corpus()
    print("## 5-fold cross-validation on the shipped corpus\n")
    print(markdown(cross_validate(corpus)))
    for name in HOLDOUTS:
        print(f"\n## Independent held-out set {name}\n")
        print(markdown(held_out(corpus, read_examples(DATA / name))))


if __name__ == "__main__":
    main()
