"""Book-club candidates: the top 20 of the catalog for a persona, by relevance and popularity (SPEC §4)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.products.bookclub import ranking
from core.products.bookclub.ranking import (
    CandidateRanker,
    ReadingPersona,
    build_index,
    combine_personas,
    content_key,
    persona_text,
    rank,
    word_similarity,
)
from tests.bookclub_books import SampleBook, sample_books, synthetic_catalog
from tests.embedding_model import FailingEmbedder, FakeEmbedder


def book(book_id: str, **fields: object) -> SampleBook:
    base = SampleBook(
        id=book_id,
        title=f"책 {book_id}",
        authors=("작가",),
        category="소설/시/희곡",
        genres=("한국소설",),
        mood=("잔잔한",),
        pace="느린",
        length="보통",
        fiction=True,
        description="평범한 하루를 그린 이야기.",
        popularity=1000.0,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


MYSTERY_FAN = ReadingPersona(genres=("추리/미스터리",), moods=("긴장감",), pace="빠른", fiction=True)


def test_lexical_ranking_puts_matching_genre_and_mood_first() -> None:
    books = sample_books()
    mysteries = sum("추리/미스터리" in b.genres for b in books)
    assert mysteries == 17  # the sample has fewer than 20: the list is filled from the rest
    top = rank(build_index(books), MYSTERY_FAN)
    assert len(top) == 20
    assert all(c.genre_match and "추리/미스터리" in c.book.genres for c in top[:mysteries])
    assert not any(c.genre_match for c in top[mysteries:])
    assert sum("긴장감" in c.book.mood for c in top) >= 15
    for tier in (top[:mysteries], top[mysteries:]):
        assert [c.score for c in tier] == sorted((c.score for c in tier), reverse=True)


def test_mood_and_pace_decide_between_books_of_the_preferred_genre() -> None:
    books = [
        book("calm-slow", genres=("SF",), mood=("잔잔한",), pace="느린"),
        book("tense-fast", genres=("SF",), mood=("긴장감",), pace="빠른"),
        book("tense-slow", genres=("SF",), mood=("긴장감",), pace="느린"),
        book("romance", genres=("로맨스",), mood=("긴장감",), pace="빠른", popularity=90_000.0),
    ]
    persona = ReadingPersona(genres=("SF",), moods=("긴장감",), pace="빠른")
    ranked = [c.book.id for c in rank(build_index(books), persona)]
    assert ranked == ["tense-fast", "tense-slow", "calm-slow", "romance"]  # the genre filter beats popularity


def test_popularity_breaks_ties_between_equally_relevant_books() -> None:
    books = [book(f"b{i}", popularity=float(p)) for i, p in enumerate((500, 80_000, 3_000))]
    ranked = rank(build_index(books), ReadingPersona(genres=("한국소설",), moods=("잔잔한",)))
    assert [c.book.id for c in ranked] == ["b1", "b2", "b0"]
    assert ranked[0].relevance == pytest.approx(ranked[2].relevance)
    assert ranked[0].popularity == 1.0 and ranked[-1].popularity == 0.0  # log-scaled over the catalog


def test_a_keyword_finds_books_whose_description_uses_it_with_particles() -> None:
    books = [
        book("cat", description="길고양이가 골목의 작은 서점에 찾아온다."),
        book("dog", description="늙은 개와 소년의 여름."),
        book("plain", popularity=50_000.0),
    ]
    ranked = rank(build_index(books), ReadingPersona(keywords=("고양이",)))
    assert ranked[0].book.id == "cat"


def test_words_match_across_particles_and_suffixes_but_not_neighbours() -> None:
    assert word_similarity("우주", "우주") == 1.0
    assert word_similarity("우주", "우주를") == pytest.approx(0.8)
    assert word_similarity("고양이", "길고양이가") == pytest.approx(0.75)
    assert word_similarity("우주", "우주에서") == pytest.approx(2 / 3)
    assert word_similarity("사랑", "사람") == 0.0  # one syllable apart: below the 0.6 cut
    assert word_similarity("시", "시간") == 0.0  # a one-character word matches only itself
    assert word_similarity("추리", "리") == 0.0
    assert word_similarity("시", "시") == 1.0
    assert word_similarity("sf", "sf") == 1.0


def test_a_keyword_finds_its_stem_with_particles_and_not_a_word_one_syllable_away() -> None:
    books = [
        book("people", description="사람들이 모이는 광장의 하루.", popularity=90_000.0),
        book("love", description="사랑에 빠진 두 사람의 편지."),
        book("plain"),
    ]
    ranked = rank(build_index(books), ReadingPersona(keywords=("사랑",)))
    assert ranked[0].book.id == "love"
    relevance = {c.book.id: c.relevance for c in ranked}
    assert relevance["love"] == pytest.approx(0.8)  # 사랑에: its best match
    assert relevance["people"] == relevance["plain"] == 0.0


def test_the_index_keeps_each_persona_word_s_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    index = build_index(sample_books())
    persona = ReadingPersona(genres=("SF",), moods=("긴장감",), keywords=("우주 정거장",))
    first = rank(index, persona)
    assert {"sf", "긴장감", "우주", "정거장"} <= index.matches.keys()

    def no_more_matching(*args: object, **kwargs: object) -> None:
        raise AssertionError("matched again")

    monkeypatch.setattr(ranking.process, "cdist", no_more_matching)
    assert [c.book.id for c in rank(index, persona)] == [c.book.id for c in first]


def test_equal_scores_at_the_cut_are_taken_in_catalog_order() -> None:
    books = [book(f"b{i}") for i in range(60)]
    assert [c.book.id for c in rank(build_index(books), ReadingPersona(), n=7)] == [f"b{i}" for i in range(7)]
    ranked = rank(build_index(books), ReadingPersona(genres=("한국소설",)), n=5, exclude=["b0", "b2"])
    assert [c.book.id for c in ranked] == ["b1", "b3", "b4", "b5", "b6"]


def test_fewer_matching_books_than_candidates_are_filled_from_the_rest() -> None:
    books = [book(f"sf{i}", genres=("SF",)) for i in range(3)] + [book(f"x{i}") for i in range(30)]
    top = rank(build_index(books), ReadingPersona(genres=("SF",)))
    assert len(top) == 20
    assert {c.book.id for c in top[:3]} == {"sf0", "sf1", "sf2"}
    assert not any(c.genre_match for c in top[3:])


def test_picked_books_are_never_candidates_again() -> None:
    books = sample_books()
    index = build_index(books)
    first = rank(index, MYSTERY_FAN, n=3)
    again = rank(index, MYSTERY_FAN, n=20, exclude=[c.book.id for c in first])
    assert not {c.book.id for c in first} & {c.book.id for c in again}
    assert len(again) == 20


def test_no_preferences_means_the_most_popular_books() -> None:
    books = sample_books()
    top = rank(build_index(books), ReadingPersona())
    assert [c.book.popularity for c in top] == sorted((b.popularity for b in books), reverse=True)[:20]


def test_top_20_of_300_books_are_distinct_ordered_and_better_than_the_rest() -> None:
    books = synthetic_catalog(300)
    persona = ReadingPersona(genres=("SF", "판타지"), moods=("유쾌한",), length="짧은", keywords=("우주",))
    index = build_index(books)
    top = rank(index, persona)
    everything = rank(index, persona, n=300)
    assert len(top) == 20 and len({c.book.id for c in top}) == 20
    assert [c.book.id for c in top] == [c.book.id for c in everything[:20]]
    assert len(everything) == 300
    assert all(c.genre_match for c in top)


def test_combine_personas_weighs_each_value_by_the_share_of_members() -> None:
    room = combine_personas(
        [
            ReadingPersona(genres=("SF", "에세이"), moods=("유쾌한",), pace="빠른", fiction=True, keywords=("우주",)),
            ReadingPersona(genres=("SF",), moods=("잔잔한",), pace="빠른", fiction=False),
            ReadingPersona(genres=("역사", "SF"), pace="느린", length="짧은", fiction=True),
            ReadingPersona(genres=("에세이",), length="긴", fiction=False),
        ]
    )
    assert room.genres == ("SF", "에세이", "역사")  # most shared first, then first met
    assert room.shares["genre:SF"] == 0.75
    assert room.shares["genre:에세이"] == 0.5
    assert room.shares["keyword:우주"] == 0.25
    assert room.pace == "빠른"  # two of the three who said
    assert room.length is None  # one each: a tie
    assert room.fiction is None  # two against two
    assert room.keywords == ("우주",)
    assert combine_personas([]) == ReadingPersona()


def test_a_genre_the_whole_room_wants_outranks_one_member_s_genre() -> None:
    books = [book("sf", genres=("SF",)), book("essay", genres=("에세이",), fiction=False)]
    room = combine_personas(
        [ReadingPersona(genres=("SF",)), ReadingPersona(genres=("SF",)), ReadingPersona(genres=("SF", "에세이"))]
    )
    ranked = rank(build_index(books), room)
    assert [c.book.id for c in ranked] == ["sf", "essay"]
    assert ranked[0].relevance > ranked[1].relevance > 0


def test_persona_text_reads_as_korean_with_the_most_shared_values_first() -> None:
    text = persona_text(combine_personas([MYSTERY_FAN, ReadingPersona(genres=("SF", "추리/미스터리"))]))
    assert text.startswith("장르: 추리/미스터리, SF")
    assert "전개: 빠른" in text and "소설" in text


async def test_with_an_embedder_the_catalog_is_embedded_once_per_version_and_changes_only_again() -> None:
    books = sample_books()
    embedder = FakeEmbedder()
    ranker = CandidateRanker(embedder=embedder)

    top = await ranker.rank(MYSTERY_FAN, books, version=1)
    assert len(top) == 20 and all(c.genre_match for c in top[:17])
    assert sum(embedder.calls[:-1]) == len(books) and embedder.calls[-1] == 1  # the catalog, then the persona
    index = await ranker.index(books, version=1)
    assert index.vectors is not None and index.vectors.shape == (len(books), embedder.dimension)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-5)

    embedder.calls.clear()
    await ranker.rank(MYSTERY_FAN, books, version=1)
    assert embedder.calls == [1]  # only the persona

    changed = [replace(books[0], description="완전히 새로 쓴 소개."), *books[1:], book("new")]
    embedder.calls.clear()
    await ranker.rank(MYSTERY_FAN, changed, version=2)
    assert embedder.calls == [2, 1]  # the changed book and the new one, then the persona
    assert content_key(changed[0]) != content_key(books[0])


def test_with_vectors_the_semantic_part_takes_the_place_of_the_text_part() -> None:
    books = [
        book("words", description="우주 정거장 이야기."),  # shares the persona's words
        book("meaning", description="궤도 위의 고립과 생존."),  # shares its meaning, as a model would say
    ]
    persona = ReadingPersona(keywords=("우주 정거장",))
    lexical = build_index(books)
    assert rank(lexical, persona)[0].book.id == "words"
    vectors = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    semantic = replace(lexical, vectors=vectors, embedder_name="test")
    ranked = rank(semantic, persona, persona_vector=np.array([0.6, 0.8], dtype=np.float32))
    assert [c.book.id for c in ranked] == ["meaning", "words"]
    assert ranked[0].relevance == pytest.approx(1.0)  # the only part this persona expresses, at cosine 1


async def test_a_failing_embedder_leaves_ranking_lexical(caplog: pytest.LogCaptureFixture) -> None:
    books = sample_books()
    lexical = rank(build_index(books), MYSTERY_FAN)
    ranked = await CandidateRanker(embedder=FailingEmbedder()).rank(MYSTERY_FAN, books, version=1)
    assert [c.book.id for c in ranked] == [c.book.id for c in lexical]
    assert "ranking lexically" in caplog.text


async def test_a_loader_is_called_only_when_the_catalog_version_changes() -> None:
    books = sample_books()
    loads = []

    async def load() -> list[SampleBook]:
        loads.append(1)
        return books

    ranker = CandidateRanker()
    for version in (1, 1, 1, 2):
        assert len(await ranker.rank(MYSTERY_FAN, load, version=version)) == 20
    assert len(loads) == 2
