"""The Embedder reaches products only through the Kit; with EMBEDDING_MODEL unset there is none.

The real-model test ARCHITECTURE.md describes (a tiny sentence-transformers model built on the fly and loaded back
through the adapter) waits for sentence-transformers to become a dependency; until then the Kit carries the test
fake, and ranking runs through it."""

from __future__ import annotations

from core.bootstrap import bootstrap
from core.products.bookclub.ranking import CandidateRanker, ReadingPersona
from core.registration import Built, Kit, Product
from tests.bookclub_books import sample_books
from tests.conftest import make_settings
from tests.embedding_model import FakeEmbedder


def probe() -> tuple[Product, list[Kit]]:
    kits: list[Kit] = []

    def build(kit: Kit) -> Built:
        kits.append(kit)
        return Built(handlers={})

    return Product(name="probe", verbs=(), build=build), kits


async def test_the_embedder_reaches_products_through_the_kit_and_ranks_the_catalog() -> None:
    product, kits = probe()
    embedder = FakeEmbedder()
    app = bootstrap(make_settings(), products=(product,), embedder=embedder)
    try:
        [kit] = kits
        assert kit.embedder is embedder and app.embedder is embedder
        assert kit.embedder is not None
        ranker = CandidateRanker(embedder=kit.embedder)
        top = await ranker.rank(ReadingPersona(genres=("SF",), keywords=("우주",)), sample_books(), version=1)
        assert len(top) == 20 and top[0].genre_match
        assert (await ranker.index(sample_books(), version=1)).embedder_name == embedder.name
    finally:
        await app.aclose()


async def test_without_embedding_model_there_is_no_embedder() -> None:
    product, kits = probe()
    app = bootstrap(make_settings(), products=(product,))
    try:
        assert make_settings().embedding_model is None
        assert kits[0].embedder is None and app.embedder is None
    finally:
        await app.aclose()
