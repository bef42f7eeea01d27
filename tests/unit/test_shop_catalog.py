"""The bundled shop catalog, its food words, and `/similar`: food and non-food, ingredients and finished goods are
never mixed, whatever the words share (김치 / 김치냉장고, 감자 / 감자튀김, 삼겹살 / 삼겹살 전기그릴)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.products.shopping.shop_catalog import (
    ProductClass,
    SimilarAnswer,
    SimilarFinder,
    core_keyword,
    glossary,
    shop_products,
)
from tests.embedding_model import FailingEmbedder, FakeEmbedder


@pytest.fixture(scope="module")
def finder() -> SimilarFinder:
    return SimilarFinder()


def test_the_catalog_holds_over_300_products_in_all_three_classes_each_priced_with_a_keyword() -> None:
    products = shop_products()
    classes = Counter(p.kind for p in products)
    assert len(products) >= 300
    assert min(classes.values()) >= 80, classes
    assert len({p.name for p in products}) == len(products)
    assert all(p.keyword and p.category and p.price for p in products)
    assert not any(p.ingredient for p in products if not p.food)  # a non-food product is never an ingredient


@pytest.mark.parametrize(
    ("term", "text", "named"),
    [
        ("김치", "종가 포기김치 10kg", True),
        ("김치", "딤채 김치냉장고", False),
        ("김치", "광천 조미김", False),
        ("김치", "김치 만두 1.5kg", True),  # the word 김치 itself is there
        ("김", "광천 조미김 16봉", True),  # listed under 김
        ("김", "김치", False),
        ("파", "진도 대파 1kg", True),
        ("파", "무안 양파 3kg", False),  # one syllable: only itself and what is listed under it
        ("배", "강원 고랭지 배추 3통", False),
        ("감자", "냉동 감자튀김 2kg", False),
        ("감자", "제주 감귤 5kg", False),
        ("갈비", "제주 은갈치 손질 4마리", False),
        ("갈비", "양념 돼지갈비 2kg", True),
        ("소불고기", "고추장 돼지불고기 1kg", False),
        ("계란", "달걀", True),
        ("귤", "제주 감귤 5kg", True),
        ("돼지고기", "국내산 한돈 삼겹살 1kg", True),
        ("삼겹살", "한돈 목살 구이용 1kg", False),
    ],
)
def test_a_word_names_the_end_of_a_word_after_synonyms_and_broader_words(term: str, text: str, named: bool) -> None:
    assert glossary().covers(term, text) is named


def test_a_narrower_word_satisfies_a_broader_one_only_when_asked() -> None:
    words = glossary()
    assert not words.covers("삼겹살", "돼지고기")
    assert words.covers("삼겹살", "돼지고기", narrower_satisfies=True)  # the recipe's 돼지고기 can be your 삼겹살
    assert not words.covers("목살", "삼겹살", narrower_satisfies=True)


@pytest.mark.parametrize(
    ("name", "keyword"),
    [("국내산 한돈 삼겹살 1kg", "삼겹살"), ("한돈 목살 구이용 1kg", "목살"), ("종가 포기김치 10kg", "포기김치")],
)
def test_the_core_keyword_of_a_product_name(name: str, keyword: str) -> None:
    keywords = {p.keyword for p in shop_products()}
    assert core_keyword(name, keywords, glossary()) == keyword


def _names(answer: SimilarAnswer | None, kind: ProductClass) -> list[str]:
    assert answer is not None
    [group] = [g for g in answer.groups if g.kind is kind]
    return [r.product.name for r in group.products]


@pytest.mark.parametrize(
    ("query", "kind", "first", "never"),
    [
        ("김치냉장고", ProductClass.NON_FOOD, "김치냉장고", ("포기김치", "김치통")),
        ("종가 포기김치 10kg", ProductClass.FINISHED, "전라도 포기김치 5kg", ("김치냉장고", "절임배추", "배추")),
        ("김치", ProductClass.FINISHED, "김치", ("김치냉장고", "김치통", "절임배추")),
        ("삼겹살", ProductClass.INGREDIENT, "삼겹살", ("전기그릴", "양념 돼지갈비")),
        ("감자", ProductClass.INGREDIENT, "강원도 감자 3kg", ("감자튀김", "감자탕", "필러")),
        ("비타민", ProductClass.FINISHED, "종합 비타민 180정", ("앰플",)),
        ("오이", ProductClass.INGREDIENT, "백오이 5개", ("수딩젤", "오이소박이")),
    ],
)
async def test_similar_products_stay_in_the_class_of_the_query(
    finder: SimilarFinder, query: str, kind: ProductClass, first: str, never: tuple[str, ...]
) -> None:
    answer = await finder.similar(query)
    assert answer is not None and [g.kind for g in answer.groups] == [kind]
    names = _names(answer, kind)
    assert len(names) == 5 and first in names[0]
    assert not [name for name in names for word in never if word in name]
    by_name = {p.name: p for p in shop_products()}
    assert {by_name[name].kind for name in names} == {kind}


async def test_a_keyword_sold_raw_and_ready_gives_two_groups_told_apart(finder: SimilarFinder) -> None:
    answer = await finder.similar("돼지갈비")
    assert answer is not None
    assert [g.kind for g in answer.groups] == [ProductClass.INGREDIENT, ProductClass.FINISHED]
    assert _names(answer, ProductClass.INGREDIENT)[0] == "한돈 돼지갈비 찜용 1kg"
    assert _names(answer, ProductClass.FINISHED)[0] == "양념 돼지갈비 2kg"


async def test_a_product_name_is_read_as_that_product_even_without_spaces_and_is_left_out(
    finder: SimilarFinder,
) -> None:
    answer = await finder.similar("종가포기김치")
    assert answer is not None and answer.matched is not None and answer.matched.name == "종가 포기김치 10kg"
    assert "종가 포기김치 10kg" not in _names(answer, ProductClass.FINISHED)


async def test_english_food_words_are_read_in_korean(finder: SimilarFinder) -> None:
    answer = await finder.similar("pork belly")
    assert answer is not None and answer.keyword == "삼겹살"
    assert "삼겹살" in _names(answer, ProductClass.INGREDIENT)[0]


async def test_nothing_known_is_none(finder: SimilarFinder) -> None:
    assert await finder.similar("xyz qwerty") is None
    assert await finder.similar("   ") is None


@pytest.mark.parametrize("embedder", [FakeEmbedder(), FailingEmbedder()], ids=["fake", "failing"])
async def test_an_embedder_reranks_within_the_class_and_a_failing_one_leaves_the_lexical_ranking(
    embedder: FakeEmbedder | FailingEmbedder,
) -> None:
    finder = SimilarFinder(embedder=embedder)
    answer = await finder.similar("김치냉장고")
    names = _names(answer, ProductClass.NON_FOOD)
    assert "김치냉장고" in names[0]
    assert not any(p.food for p in shop_products() if p.name in names)
