"""Broadcast-alert matching: 1,000 broadcasts × 100,000 watches, the matcher beside a naive pair loop, in one run.

Measured:

  quality          lexical precision and recall on the labelled set (core/products/shopping/labels.py, 4,230
                   pairs); with EMBEDDING_MODEL set, the calibrated threshold and lexical+embedder precision/recall
  ours, lexical    `Matcher.match(watches, broadcasts)` as an import runs it: the 100,000 watches grouped by their
                   words, each distinct term read once, the term index built, every broadcast's name looked up by
                   the endings of its words, matches fanned out to watch ids. Cold: a fresh process (nothing read
                   yet); warm: the same matcher and watches again (the clock re-reading a feed every few minutes
                   keeps the terms' index), median of --repeat runs. Peak memory of a cold run (tracemalloc:
                   Python and numpy allocations made during the call)
  ours, semantic   the same with the semantic step on: every distinct term has a 384-d unit vector (random: what
                   is timed is the scoring, one matrix product per 8,192 terms against the broadcasts' keyword
                   vectors), the threshold forced to 0.5; with EMBEDDING_MODEL, the model's own vectors instead
  naive            for each broadcast, for each watch: `matches(term, words)` — terms and product words prepared
                   once beforehand, in the naive loop's favour. Run over the first --naive-watches watches only
                   and projected linearly to all of them; its matches must equal ours on that slice (checked)
  embedding cost   what a watch costs to embed when it is made (apart from matching): the model (EMBEDDING_MODEL,
                   or with --tiny-model the 16-d test model tests/embedding_model.py builds) embedding the distinct
                   terms, per watch
  alert writing    `AlertSender.send_due` on SQLite: --alert-users alerts due at once, one per person, turned into
                   grouped pushes (DUE_BATCH per clock step)
  fan-out          the time 100,000 alerts take to reach Telegram at its 30 messages/s, projected from the delivery
                   road's measured figures in BENCHMARKS.md (pacing efficiency 0.968 of the limit; capacity 68.9
                   messages/s on 2 workers) — not measured here

The watches: 70 % drawn (Zipf-like) from ~400 popular terms (the labelled set's keywords, the words and keywords of
product names, brand + product pairs, English words), 30 % random 2–4-syllable Hangul words that rarely match.
The broadcasts: names from the bundled sample and the labelled set, with brand, origin, pack and quantity words
varied.

Usage: .venv/bin/python bench/matching.py [--broadcasts 1000] [--watches 100000] [--naive-watches 2000]
                                          [--repeat 3] [--tiny-model] [--alert-users 10000]
                                          [--popular-share 0.7]   (0: every watch a term of its own, the worst case)
       EMBEDDING_MODEL=/path/to/model .venv/bin/python bench/matching.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from core.domain.values import UserId
from core.products.shopping.domain import Broadcast, Watch
from core.products.shopping.labels import labelled_set, lexical, score
from core.products.shopping.lexicon import ENGLISH
from core.products.shopping.matcher import Calibration, Matcher, calibrate
from core.products.shopping.matching import core_keyword, matches, product_words, watch_term, words_of
from core.products.shopping.sample import CHANNELS, PRODUCTS

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
BRANDS = (
    "종가",
    "비비고",
    "CJ",
    "풀무원",
    "청정원",
    "해태",
    "오뚜기",
    "농협",
    "하림",
    "동원",
    "사조",
    "LG",
    "삼성",
    "쿠쿠",
)
ORIGINS = ("국내산", "제주", "완도", "강원도", "해남", "청송", "나주", "프리미엄", "무항생제", "[특가]", "(방송에서만)")
PACKS = ("1kg", "2kg", "500g x 4팩", "10팩", "3봉", "30구", "5kg", "1.5kg", "x 2세트", "20미")


def product_names(count: int, rng: random.Random) -> list[str]:
    base = [name for name, _ in PRODUCTS] + [name for name, _ in labelled_set().products]
    names = []
    for _ in range(count):
        words = [w for w in rng.choice(base).split() if not any(ch.isdigit() for ch in w)]
        if rng.random() < 0.4:
            words.insert(0, rng.choice(BRANDS))
        if rng.random() < 0.4:
            words.insert(0, rng.choice(ORIGINS))
        words.append(rng.choice(PACKS))
        names.append(" ".join(words))
    return names


def hangul_word(rng: random.Random) -> str:
    return "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 4)))


def popular_terms() -> list[str]:
    labels = labelled_set()
    terms = list(labels.watches)
    for name, _ in [*PRODUCTS, *((p, 0) for p, _ in labels.products)]:
        terms.append(core_keyword(name))
        terms += [w for w in words_of(name) if len(w) > 1]
    terms += [f"{b} {core_keyword(n)}" for b in BRANDS[:6] for n, _ in PRODUCTS[:20]]
    terms += list(ENGLISH)[:30]
    return list(dict.fromkeys(t for t in terms if watch_term(t) is not None))


def make_watches(count: int, rng: random.Random, popular_share: float = 0.7) -> list[Watch]:
    popular = popular_terms()
    weights = [1.0 / (rank + 1) for rank in range(len(popular))]
    watches = []
    for i in range(count):
        text = rng.choices(popular, weights)[0] if rng.random() < popular_share else hangul_word(rng)
        term = watch_term(text)
        assert term is not None
        watches.append(
            Watch(id=i + 1, user_id=UserId(i // 5 + 1), number=i % 5 + 1, text=text, key=term.key, created_at=NOW)
        )
    return watches


def make_broadcasts(count: int, rng: random.Random) -> list[Broadcast]:
    names = product_names(count, rng)
    return [
        Broadcast(
            id=i + 1,
            channel=CHANNELS[i % len(CHANNELS)],
            starts_at=NOW + timedelta(minutes=20 * (i // len(CHANNELS) + 1)),
            ends_at=NOW + timedelta(minutes=20 * (i // len(CHANNELS) + 2)),
            product=name,
            price=None,
            url=None,
            source="bench",
        )
        for i, name in enumerate(names)
    ]


class RandomEmbedder:
    """Unit vectors of a fixed dimension, the same for the same text: stands in for a model to time the scoring."""

    def __init__(self, dimension: int = 384) -> None:
        self.dimension = dimension
        self.name = f"random-{dimension}"

    async def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.stack(
            [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dimension) for t in texts]
        ).astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


async def timed_match(
    make: Callable[[], Matcher],
    watches: list[Watch],
    broadcasts: list[Broadcast],
    vectors: dict[int, bytes] | None,
    repeat: int,
) -> tuple[float, float, float, dict[int, list[int]]]:
    """Seconds of a cold run (a fresh process: a new matcher, nothing read yet), the median of `repeat` warm runs
    (the same matcher and watches, as the clock re-reads a feed every few minutes: the terms' index is kept), peak
    MiB of a cold run (tracemalloc, in a run of its own: tracing slows Python down), and the result."""
    watch_term.cache_clear()
    matcher = make()
    await matcher.match(watches[:10], broadcasts, vectors)  # the product keywords' vectors, as a warm process has
    started = time.perf_counter()
    result = await matcher.match(watches, broadcasts, vectors)
    cold = time.perf_counter() - started
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await matcher.match(watches, broadcasts, vectors)
        seconds.append(time.perf_counter() - started)
    watch_term.cache_clear()
    matcher = make()
    await matcher.match(watches[:10], broadcasts, vectors)
    tracemalloc.start()
    await matcher.match(watches, broadcasts, vectors)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return cold, statistics.median(seconds), peak, result


def naive(watches: list[Watch], broadcasts: list[Broadcast]) -> tuple[float, dict[int, set[int]]]:
    terms = {w.id: watch_term(w.key) for w in watches}
    names = {b.id: product_words(b.product) for b in broadcasts}
    started = time.perf_counter()
    found: dict[int, set[int]] = {}
    for broadcast in broadcasts:
        words = names[broadcast.id]
        hits = {w.id for w in watches if (t := terms[w.id]) is not None and matches(t, words)}
        if hits:
            found[broadcast.id] = hits
    return time.perf_counter() - started, found


async def alert_writing(users: int) -> tuple[float, int]:
    """Seconds `AlertSender.send_due` takes (all clock steps) to turn `users` due alerts into pushes, on SQLite."""
    from sqlalchemy import insert

    from core.adapters.crypto import PlainCipher
    from core.adapters.db.engine import create_app_engine, session_factory
    from core.adapters.db.migrate import upgrade
    from core.adapters.db.models import BroadcastRow, UserRow, WatchAlertRow, WatchRow
    from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
    from core.i18n import catalog
    from core.products.shopping.service import AlertSender
    from tests.fakes import FixedClock

    folder = Path(tempfile.mkdtemp(prefix="maeum-bench-"))
    url = f"sqlite:///{folder / 'alerts.db'}"
    upgrade(url=url)
    engine = create_app_engine(url)
    start = NOW + timedelta(minutes=5)
    async with engine.begin() as conn:
        await conn.execute(
            insert(UserRow),
            [{"id": u, "locale": "ko", "timezone": "Asia/Seoul", "created_at": NOW} for u in range(1, users + 1)],
        )
        await conn.execute(
            insert(BroadcastRow),
            [
                {
                    "id": 1,
                    "channel": "NS홈쇼핑",
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=20),
                    "product": "국내산 한돈 삼겹살 1kg",
                    "price": 26900,
                    "url": "https://example.com/1",
                    "source": "bench",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        await conn.execute(
            insert(WatchRow),
            [
                {"id": u, "user_id": u, "number": 1, "text": "삼겹살", "key": "삼겹살", "created_at": NOW}
                for u in range(1, users + 1)
            ],
        )
        await conn.execute(
            insert(WatchAlertRow),
            [
                {"user_id": u, "watch_id": u, "broadcast_id": 1, "due_at": NOW, "state": "pending", "created_at": NOW}
                for u in range(1, users + 1)
            ],
        )
    sender = AlertSender(
        uow=SqlAlchemyUnitOfWorkFactory(session_factory(engine), PlainCipher()),
        clock=FixedClock(NOW),
        catalog=catalog(),
    )
    pushes = 0
    started = time.perf_counter()
    while made := await sender.send_due():
        pushes += made
    seconds = time.perf_counter() - started
    await engine.dispose()
    return seconds, pushes


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broadcasts", type=int, default=1000)
    parser.add_argument("--watches", type=int, default=100_000)
    parser.add_argument("--naive-watches", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tiny-model", action="store_true", help="time the 16-d test model's embedding of watches")
    parser.add_argument("--alert-users", type=int, default=10_000)
    parser.add_argument("--popular-share", type=float, default=0.7, help="watches drawn from popular terms")
    args = parser.parse_args()
    rng = random.Random(16)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    labels = labelled_set()
    scores = score(labels, lexical)
    print(
        f"labelled set: {len(labels.watches)} keywords × {len(labels.products)} products = "
        f"{len(labels.watches) * len(labels.products)} pairs, {scores.true_positives + scores.false_negatives} matches"
    )
    print(
        f"lexical: precision {scores.precision:.3f}, recall {scores.recall:.3f}, F1 {scores.f1:.3f} "
        f"(TP {scores.true_positives}, FP {scores.false_positives}, FN {scores.false_negatives})"
    )

    model = os.environ.get("EMBEDDING_MODEL")
    embedder = None
    if model:
        from core.adapters.embeddings import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(model)
        calibration = await calibrate(embedder)
        c = calibration.combined
        print(
            f"EMBEDDING_MODEL={model}: threshold {calibration.threshold}; lexical+embedder "
            f"precision {c.precision:.3f}, recall {c.recall:.3f}, F1 {c.f1:.3f}"
        )
    else:
        print("EMBEDDING_MODEL: none could be had offline (unset): lexical only")

    broadcasts = make_broadcasts(args.broadcasts, rng)
    watches = make_watches(args.watches, rng, args.popular_share)
    distinct = len({w.key for w in watches})
    print(f"{len(broadcasts):,} broadcasts × {len(watches):,} watches ({distinct:,} distinct terms)")

    cold, seconds, peak, ours = await timed_match(lambda: Matcher(None), watches, broadcasts, None, args.repeat)
    pairs = sum(len(v) for v in ours.values())
    print(
        f"ours, lexical: {cold:.3f} s cold (a fresh process), {seconds:.3f} s warm (median of {args.repeat}), "
        f"peak {peak:.1f} MiB; {pairs:,} (broadcast, watch) matches"
    )

    slice_ = watches[: args.naive_watches]
    naive_seconds, naive_found = naive(slice_, broadcasts)
    slice_ids = {w.id for w in slice_}
    ours_on_slice = {b: set(ids) & slice_ids for b, ids in ours.items() if set(ids) & slice_ids}
    assert ours_on_slice == naive_found, "the index and the pair loop disagree"
    projected = naive_seconds * len(watches) / len(slice_)
    print(
        f"naive pair loop: {naive_seconds:.2f} s for {len(slice_):,} watches (same matches as ours), "
        f"projected {projected:.0f} s for {len(watches):,}  ({projected / cold:.0f}× ours cold)"
    )

    scorer = embedder or RandomEmbedder()
    keys = sorted({w.key for w in watches})
    started = time.perf_counter()
    key_vectors = dict(zip(keys, await scorer.embed(keys), strict=True))
    embed_seconds = time.perf_counter() - started
    vectors = {w.id: key_vectors[w.key].tobytes() for w in watches}

    def semantic() -> Matcher:
        matcher = Matcher(scorer)  # type: ignore[arg-type]
        if embedder is None:  # random vectors calibrate nothing: the threshold is forced, to time the scoring
            matcher._calibration = Calibration(model=scorer.name, threshold=0.5, lexical=scores, combined=scores)
        return matcher

    cold_s, seconds_s, peak_s, with_semantic = await timed_match(semantic, watches, broadcasts, vectors, args.repeat)
    added = sum(len(v) for v in with_semantic.values()) - pairs
    label = model or f"random {scorer.dimension}-d vectors (no model), threshold forced to 0.5"
    print(
        f"ours, lexical + semantic ({label}): {cold_s:.3f} s cold, {seconds_s:.3f} s warm, peak {peak_s:.1f} MiB; "
        f"{added:,} semantic matches added"
    )
    if embedder is not None:
        print(
            f"watch embedding ({model}): {embed_seconds:.1f} s for {len(keys):,} terms = "
            f"{1000 * embed_seconds / len(keys):.2f} ms a watch"
        )

    if args.tiny_model:
        from core.adapters.embeddings import SentenceTransformerEmbedder
        from tests.embedding_model import build_tiny_model

        folder = Path(tempfile.mkdtemp(prefix="maeum-tiny-"))
        os.environ["HF_HUB_OFFLINE"] = "1"
        tiny = SentenceTransformerEmbedder(str(build_tiny_model(folder)))
        await tiny.embed(["워밍업"])
        one = []
        for key in keys[:200]:
            started = time.perf_counter()
            await tiny.embed([key])
            one.append(time.perf_counter() - started)
        started = time.perf_counter()
        await tiny.embed(keys)
        batch = time.perf_counter() - started
        print(
            f"watch embedding, tiny 16-d test model: one watch {1000 * statistics.median(one):.2f} ms (median of 200); "
            f"all {len(keys):,} distinct terms in one batch {batch:.1f} s"
        )

    if args.alert_users:
        seconds_a, pushes = await alert_writing(args.alert_users)
        print(
            f"alert writing (SQLite): {args.alert_users:,} due alerts → {pushes:,} pushes in {seconds_a:.1f} s "
            f"= {pushes / seconds_a:.0f} pushes/s of step time"
        )

    efficiency, capacity = 0.968, 68.9
    rate = min(30 * efficiency, capacity)
    print(
        f"fan-out projection: 100,000 alerts to 100,000 people at Telegram's 30/s × {efficiency} (the road's "
        f"measured pacing efficiency) = {rate:.1f}/s → {100_000 / rate / 60:.1f} min; with TELEGRAM_PAID_BROADCAST "
        f"(1,000/s) the road's own capacity binds: {capacity}/s on 2 workers → {100_000 / capacity / 60:.1f} min"
    )


if __name__ == "__main__":
    asyncio.run(main())
