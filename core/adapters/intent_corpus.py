"""The labelled intent set the project writes and ships (core/data/intents/): `train.tsv` builds the model the bot
reads messages with, `heldout.tsv` only measures it (tests/unit/test_intents.py, bench/intents.py)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Final, Literal

from core.domain.intents import Example, IntentModel, examples_of

CORPUS_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "intents"


def read_examples(path: Path) -> list[Example]:
    """A TSV with the header `intent, lang, text`."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return examples_of((row["intent"], row["lang"], row["text"]) for row in rows if row.get("text"))


def shipped_examples(part: Literal["train", "heldout"]) -> list[Example]:
    return read_examples(CORPUS_DIR / f"{part}.tsv")


@functools.cache
def shipped_intent_model() -> IntentModel:
    """Built once per process from the training part (a few milliseconds)."""
    return IntentModel(shipped_examples("train"))
