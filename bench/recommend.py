"""Book-club candidate ranking: a 10,000-book catalog and a 20-member room, against a naive full scan.

The catalog is the bundled 342-book sample plus variations of it (tests/bookclub_books.py). Each request is a
different room: 20 random reading personas, combined (`combine_personas`, timed as part of the request), then the
top 20 candidates. Measured in one run:

  ours, lexical        `rank(index, room)` over the index built once per catalog version, its persona-word
                       matches kept (the quiz's genre and mood words recur: after the warm-up nearly all are kept)
  ours, lexical, cold  the same with the kept matches dropped before each request: every persona word is matched
                       against the catalog's vocabulary again (one rapidfuzz `cdist`)
  ours, embeddings     `CandidateRanker(embedder=…)`: book vectors built once; per request the persona is embedded
                       and one matrix-vector product added. The embedder is tests/embedding_model.FakeEmbedder
                       (384 dimensions, hashing, in the event loop)
  ours, tiny model     the same through the real adapter, `SentenceTransformerEmbedder`, loading the 16-dimension
                       model tests/embedding_model.build_tiny_model makes (nothing downloaded): the adapter's own
                       cost per request (a worker thread, tokenizing, pooling); a real multilingual model adds its
                       forward pass on one short text. Skipped with --no-tiny-model (it imports sentence-transformers)
  naive full scan      the same formula with nothing kept between requests: every book's text tokenized, each
                       persona word's best match in each book found with rapidfuzz's `extractOne`, the idf and
                       popularity scale computed, every book scored in Python, all sorted

The naive scan must return the same 20 books as ours; the benchmark checks it.
Usage: .venv/bin/python bench/recommend.py [--books 10000] [--members 20] [--requests 300] [--naive-requests 10]
                                          [--no-tiny-model]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import extractOne

from core.adapters.embeddings import SentenceTransformerEmbedder
from core.products.bookclub.ranking import (
    FICTION,
    GENRE,
    LENGTH,
    MATCH_STRENGTH,
    MOOD,
    PACE,
    SIMILAR,
    BookLike,
    CandidateRanker,
    ReadingPersona,
    Weights,
    book_text,
    build_index,
    combine_personas,
    rank,
    words,
)
from tests.bookclub_books import SampleBook, sample_books, synthetic_catalog
from tests.embedding_model import FakeEmbedder, build_tiny_model

KEYWORDS = ("우주", "가족", "사랑", "전쟁", "고양이", "여행", "우정", "기억", "바다", "도시", "죽음", "음식", "시간")


def random_room(rng: random.Random, members: int, genres: list[str], moods: list[str]) -> list[ReadingPersona]:
    return [
        ReadingPersona(
            genres=tuple(rng.sample(genres, rng.randint(1, 4))),
            moods=tuple(rng.sample(moods, rng.randint(1, 3))),
            pace=rng.choice(("느린", "빠른", None)),
            length=rng.choice(("짧은", "보통", "긴", None)),
            fiction=rng.choice((True, False, None)),
            keywords=tuple(rng.sample(KEYWORDS, rng.randint(0, 2))),
        )
        for _ in range(members)
    ]


def naive_rank(books: list[SampleBook], personas: list[ReadingPersona], n: int = 20) -> list[str]:
    """The same score as ours, computed from scratch for every request, one book at a time."""
    weights = Weights()
    wanted = combine_personas(personas).weighted()
    persona_words: dict[str, float] = {}
    for key, share in wanted.items():
        facet, _, value = key.partition(":")
        if facet in (GENRE, MOOD, "keyword"):
            for word in words(value):
                persona_words[word] = persona_words.get(word, 0.0) + share
    # every book's best match for every persona word, scored pair by pair (rapidfuzz's extractOne per book)
    best: list[dict[str, float]] = []
    for book in books:
        own = list(dict.fromkeys(words(book_text(book))))
        longer = [w for w in own if len(w) > 1]
        found = {}
        for word in persona_words:
            if len(word) == 1:
                score = 1.0 if word in own else 0.0
            else:
                hit = extractOne(word, longer, scorer=Indel.normalized_similarity, score_cutoff=SIMILAR)
                score = hit[1] if hit else 0.0
            if score:
                found[word] = score
        best.append(found)
    df = Counter(word for found in best for word in found)
    idf = {word: math.log((1 + len(books)) / (1 + df[word])) + 1.0 for word in persona_words if df[word]}
    logs = [math.log1p(max(b.popularity, 0.0)) for b in books]
    low, high = min(logs), max(logs)

    def facet_values(book: BookLike) -> dict[str, set[str]]:
        return {
            GENRE: {*book.genres, book.category},
            MOOD: set(book.mood),
            PACE: {book.pace} if book.pace else set(),
            LENGTH: {book.length} if book.length else set(),
            FICTION: {"true" if book.fiction else "false"} if book.fiction is not None else set(),
        }

    expressed = {
        facet for facet in (GENRE, MOOD, PACE, LENGTH, FICTION) if any(k.startswith(f"{facet}:") for k in wanted)
    }
    scored = []
    for position, (book, found) in enumerate(zip(books, best, strict=True)):
        values = facet_values(book)
        parts: list[tuple[float, float]] = []
        for facet, weight, noisy in (
            (GENRE, weights.genre, True),
            (MOOD, weights.mood, True),
            (PACE, weights.pace, False),
            (LENGTH, weights.length, False),
            (FICTION, weights.fiction, False),
        ):
            if facet not in expressed:
                continue
            shares = [wanted.get(f"{facet}:{v}", 0.0) for v in values[facet]]
            noisy_or = 1.0 - math.prod(1.0 - MATCH_STRENGTH * s for s in shares)
            part = noisy_or if noisy else max(shares, default=0.0)
            parts.append((weight, part))
        genre_match = GENRE not in expressed or parts[0][1] > 0
        if idf:
            text_total = sum(persona_words[word] * idf[word] for word in idf)
            text = sum(persona_words[word] * idf[word] * found.get(word, 0.0) for word in idf) / text_total
            parts.append((weights.text, text))
        total = sum(w for w, _ in parts)
        relevance = sum(w / total * p for w, p in parts) if total else 0.0
        popularity = (logs[position] - low) / (high - low) if high > low else 0.0
        score = weights.relevance * relevance + weights.popularity * popularity
        scored.append((genre_match + score, -position, book.id))
    scored.sort(reverse=True)
    return [book_id for _, _, book_id in scored[:n]]


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text()
    cpu = next((line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line), "?")
    cores = sum(line.startswith("processor") for line in info.splitlines())
    return f"machine: {cpu}, {cores} cores, Python {platform.python_version()}, numpy {np.__version__}"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def row(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.2f} ms | {percentile(ms, 0.99):.2f} ms | {max(ms):.2f} ms |"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--naive-requests", type=int, default=10)
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--tiny-model", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()

    rng = random.Random(20261204)
    base = sample_books()
    genres = sorted({g for b in base for g in b.genres})
    moods = sorted({m for b in base for m in b.mood})
    books = synthetic_catalog(args.books)
    rooms = [random_room(rng, args.members, genres, moods) for _ in range(args.requests)]

    started = time.perf_counter()
    index = build_index(books)
    build_lexical = time.perf_counter() - started

    embedder = FakeEmbedder(args.dimension, name=f"fake-{args.dimension}")
    ranker = CandidateRanker(embedder=embedder)
    started = time.perf_counter()
    await ranker.index(books, version=1)
    build_vectors = time.perf_counter() - started

    tiny: CandidateRanker | None = None
    build_tiny = 0.0
    if args.tiny_model:
        os.environ["HF_HUB_OFFLINE"] = "1"
        folder = build_tiny_model(Path(tempfile.mkdtemp(prefix="tiny-embedding-model-")))
        tiny = CandidateRanker(embedder=SentenceTransformerEmbedder(str(folder)))
        started = time.perf_counter()
        await tiny.index(books, version=1)
        build_tiny = time.perf_counter() - started
        shutil.rmtree(folder)  # loaded: the files are no longer needed

    for room in rooms[:5]:  # warm-up
        rank(index, combine_personas(room))
        await ranker.rank(combine_personas(room), books, version=1)
        if tiny is not None:
            await tiny.rank(combine_personas(room), books, version=1)

    lexical: list[float] = []
    results: list[list[str]] = []
    for room in rooms:
        started = time.perf_counter()
        top = rank(index, combine_personas(room))
        lexical.append(time.perf_counter() - started)
        results.append([c.book.id for c in top])

    cold: list[float] = []
    for room, ours in zip(rooms, results, strict=True):
        index.matches.clear()
        started = time.perf_counter()
        top = rank(index, combine_personas(room))
        cold.append(time.perf_counter() - started)
        if [c.book.id for c in top] != ours:
            raise SystemExit("kept and fresh word matches rank differently")

    embedded: list[float] = []
    for room in rooms:
        started = time.perf_counter()
        await ranker.rank(combine_personas(room), books, version=1)
        embedded.append(time.perf_counter() - started)

    real: list[float] = []
    for room in rooms if tiny is not None else ():
        started = time.perf_counter()
        await tiny.rank(combine_personas(room), books, version=1)  # type: ignore[union-attr]
        real.append(time.perf_counter() - started)

    naive: list[float] = []
    agree = 0
    for room, ours in zip(rooms[: args.naive_requests], results, strict=False):
        started = time.perf_counter()
        theirs = naive_rank(books, room)
        naive.append(time.perf_counter() - started)
        agree += theirs == ours

    print(machine())
    print(f"catalog: {len(books)} books; room: {args.members} members; top 20")
    print(
        f"index build (once per catalog version): lexical {build_lexical * 1000:.0f} ms; "
        f"+ vectors with {embedder.name} {build_vectors * 1000:.0f} ms"
        + (f"; + vectors with the tiny model {build_tiny * 1000:.0f} ms" if tiny is not None else "")
    )
    print(f"persona words matched against a vocabulary of {len(index.vocabulary)} words")
    print()
    print("| ranking | requests | p50 | p99 | max |")
    print("|---|---|---|---|---|")
    print(row("ours, lexical (index kept)", lexical))
    print(row("ours, lexical, cold (word matches recomputed)", cold))
    print(row(f"ours, embeddings ({embedder.name}, vectors kept)", embedded))
    if real:
        print(row("ours, embeddings (tiny real model via SentenceTransformerEmbedder)", real))
    print(row("naive full scan (nothing kept)", naive))
    print()
    print(f"naive and ours agree on the top 20: {agree}/{len(naive)}")
    print(f"p50 naive / ours lexical: {statistics.median(naive) / statistics.median(lexical):.0f}x")
    if agree != len(naive):
        raise SystemExit("the naive scan and ours disagree")


if __name__ == "__main__":
    asyncio.run(main())
