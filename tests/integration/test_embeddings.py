"""The Embedder: products get it through the Kit; EMBEDDING_MODEL names a sentence-transformers model; unset, none.

The real-model tests load a tiny model built on the fly (`tiny_embedding_model`, tests/embedding_model.py) through
the adapter, by path, in Hugging Face's offline mode: the same loading code a deployment runs, nothing downloaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.adapters import embeddings
from core.adapters.embeddings import SentenceTransformerEmbedder
from core.bootstrap import bootstrap, build_embedder
from core.products.bookclub.ranking import CandidateRanker, ReadingPersona, build_index, persona_text, rank
from core.registration import Built, Kit, Product
from tests.bookclub_books import sample_books
from tests.conftest import make_settings
from tests.embedding_model import FakeEmbedder

REPO = Path(__file__).resolve().parents[2]


def probe() -> tuple[Product, list[Kit]]:
    kits: list[Kit] = []

    def build(kit: Kit) -> Built:
        kits.append(kit)
        return Built(handlers={})

    return Product(name="probe", verbs=(), build=build), kits


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """HF_HUB_OFFLINE=1, also for a huggingface_hub imported before (it reads the variable once, at import)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)


@pytest.fixture
def model_path(tiny_embedding_model: Path, offline: None) -> str:
    return str(tiny_embedding_model)


async def test_the_adapter_loads_a_model_by_path_and_returns_unit_float32_rows(model_path: str) -> None:
    embedder = SentenceTransformerEmbedder(model_path)
    assert embedder.name == model_path
    texts = ["우주 정거장에서 살아남기", "우주 정거장에서 살아남기", "A quiet story about a cat", "골목의 작은 서점"]
    rows = await embedder.embed(texts)
    assert rows.dtype == np.float32 and rows.shape == (4, 16)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert float(rows[0] @ rows[1]) == pytest.approx(1.0, abs=1e-5)  # identical texts
    assert float(rows[0] @ rows[2]) < 0.999
    assert (await embedder.embed([])).shape == (0, 16)


async def test_batches_give_the_rows_one_text_at_a_time_gives(model_path: str) -> None:
    texts = [book.description for book in sample_books()[:150]]  # three batches of 64 and less
    together = await SentenceTransformerEmbedder(model_path, batch_size=64).embed(texts)
    alone = np.vstack([await SentenceTransformerEmbedder(model_path).embed([text]) for text in texts[::37]])
    assert together.shape == (150, 16)
    assert np.allclose(together[::37], alone, atol=1e-5)


async def test_one_loaded_model_per_process_and_name(model_path: str) -> None:
    first, second = SentenceTransformerEmbedder(model_path), SentenceTransformerEmbedder(model_path)
    await first.embed(["하나"])
    await second.embed(["둘"])
    assert sum(name == model_path for name, _ in embeddings._models) == 1


async def test_build_embedder_takes_the_model_from_settings_and_products_get_it(model_path: str) -> None:
    settings = make_settings(embedding_model=model_path)
    built = build_embedder(settings)
    assert isinstance(built, SentenceTransformerEmbedder) and built.name == model_path

    product, kits = probe()
    app = bootstrap(settings, products=(product,))
    try:
        [kit] = kits
        assert isinstance(kit.embedder, SentenceTransformerEmbedder) and kit.embedder is app.embedder
        assert kit.embedder.name == model_path
    finally:
        await app.aclose()


async def test_candidate_ranker_ranks_the_catalog_through_the_real_model(model_path: str) -> None:
    books = sample_books()
    embedder = SentenceTransformerEmbedder(model_path)
    ranker = CandidateRanker(embedder=embedder)
    persona = ReadingPersona(genres=("SF",), moods=("긴장감",), keywords=("우주",))

    top = await ranker.rank(persona, books, version=1)
    index = await ranker.index(books, version=1)
    assert index.embedder_name == model_path
    assert index.vectors is not None and index.vectors.shape == (len(books), 16)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)
    assert len(top) == 20 and top[0].genre_match

    # the ranking went the semantic way: the same as ranking with the model's own vector of the persona
    [vector] = await embedder.embed([persona_text(persona)])
    semantic = rank(index, persona, persona_vector=vector)
    assert [c.book.id for c in top] == [c.book.id for c in semantic]
    assert [c.relevance for c in top] != [c.relevance for c in rank(build_index(books), persona)]


async def test_a_hub_name_is_not_downloaded_offline_and_ranking_stays_lexical(
    offline: None, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = SentenceTransformerEmbedder("maeum-tests/no-such-model")
    with pytest.raises(OSError, match="cached files"):
        await embedder.embed(["책"])
    books = sample_books()
    persona = ReadingPersona(genres=("SF",))
    ranked = await CandidateRanker(embedder=embedder).rank(persona, books, version=1)
    assert [c.book.id for c in ranked] == [c.book.id for c in rank(build_index(books), persona)]
    assert "ranking lexically" in caplog.text


def test_a_process_that_never_embeds_never_imports_sentence_transformers() -> None:
    script = (
        "import sys\n"
        "from core.bootstrap import build_embedder\n"
        "from core.settings import load_settings\n"
        "embedder = build_embedder(load_settings(_env_file=None, embedding_model='/models/ko-sbert'))\n"
        "assert embedder is not None and embedder.name == '/models/ko-sbert'\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sentence_transformers', 'torch', 'transformers'})\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


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
