"""Recipes without a database: the bundle, reading an import, finding a dish by a typo'd name, and ranking dishes
by how much of what you have they use."""

from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources

import pytest

from core.products.shopping.recipes import (
    Ingredient,
    Match,
    Recipe,
    RecipeBook,
    RecipeId,
    UnreadableRecipes,
    ingredient_word,
    main_ingredients,
    parse_recipes,
    read_recipes,
    recipe_key,
    sample_recipes,
    shop_link,
)
from core.products.shopping.shop_catalog import glossary, shop_products


@pytest.fixture(scope="module")
def book() -> RecipeBook:
    recipes = [
        Recipe(id=RecipeId(n), **{f.name: getattr(r, f.name) for f in fields(r)})
        for n, r in enumerate(sample_recipes(), start=1)
    ]
    return RecipeBook(recipes=recipes, words=glossary())


def test_the_bundle_holds_over_100_distinct_recipes_with_amounts_steps_and_english_names() -> None:
    recipes = sample_recipes()
    assert len(recipes) >= 100
    assert len({r.key for r in recipes}) == len(recipes)
    for recipe in recipes:
        assert len(recipe.ingredients) >= 3 and len(recipe.steps) >= 3, recipe.name
        assert all(i.amount for i in recipe.ingredients), recipe.name
        assert recipe.name_en and recipe.serves, recipe.name


def test_every_bundled_ingredient_worth_buying_links_to_a_food_product_of_the_catalog() -> None:
    words, products = glossary(), shop_products()
    for recipe in sample_recipes():
        for ingredient in main_ingredients(recipe, words):
            product = shop_link(ingredient, products, words)
            assert product is not None and product.food, (recipe.name, ingredient.name)


def test_an_ingredient_links_to_the_cut_its_amount_names_and_is_shopped_by_its_food_word() -> None:
    words, products = glossary(), shop_products()
    beef = Ingredient(name="소고기", amount="150g (국거리 양지)")
    linked = shop_link(beef, products, words)
    assert linked is not None and linked.keyword == "양지"
    assert ingredient_word(Ingredient(name="국물용 멸치", amount="10마리"), words) == "멸치"
    assert ingredient_word(Ingredient(name="신김치", amount="1컵"), words) == "김치"
    assert not main_ingredients(
        Recipe(
            id=RecipeId(1),
            name="양념장",
            ingredients=(Ingredient(name="진간장", amount="1큰술"), Ingredient(name="다진 마늘", amount="1작은술")),
            steps=("섞어요.",),
        ),
        words,
    )


@pytest.mark.parametrize(
    ("typed", "dish"),
    [
        ("김치찌게", "김치찌개"),
        ("된장찌게", "된장찌개"),
        ("떡볶기", "떡볶이"),
        ("김치볶음밮", "김치볶음밥"),
        ("kimchi stw", "김치찌개"),
        ("냉국", "오이냉국"),  # part of one dish's name
    ],
)
def test_a_typo_or_a_part_of_the_name_finds_the_dish(book: RecipeBook, typed: str, dish: str) -> None:
    found = book.find(typed)
    assert found.match is Match.CLOSE and [r.name for r in found.recipes] == [dish]


@pytest.mark.parametrize("typed", ["김치찌개", "김치 찌개", " 김치찌개 ", "Kimchi Stew"])
def test_the_exact_name_in_any_spacing_or_english_is_exact(book: RecipeBook, typed: str) -> None:
    found = book.find(typed)
    assert found.match is Match.EXACT and found.recipes[0].name == "김치찌개"


def test_a_word_in_many_names_lists_them(book: RecipeBook) -> None:
    found = book.find("김치")
    names = [r.name for r in found.recipes]
    assert found.match is Match.SEVERAL and {"김치찌개", "김치전", "김치볶음밥"} <= set(names)
    assert names[0].startswith("김치")  # names starting with it come first


def test_an_unknown_dish_offers_the_closest_only_when_it_is_near(book: RecipeBook) -> None:
    near = book.find("잡체")
    assert near.match is Match.NONE and near.closest is not None and near.closest.name == "잡채"
    far = book.find("짬뽕")
    assert far.match is Match.NONE and far.closest is None
    assert book.find("").match is Match.NONE


def test_recipes_rank_by_how_much_of_what_you_have_they_use(book: RecipeBook) -> None:
    cooking = book.cook_with(book.have_terms("두부 김치 돼지고기"))
    used = [len(c.used) for c in cooking.ranked]
    assert used == sorted(used, reverse=True) and used[0] == 3 and len(cooking.ranked) == 5
    top_two = {c.recipe.name for c in cooking.ranked[:2]}
    assert top_two == {"김치찌개", "두부김치"}
    kimchi_stew = next(c for c in cooking.ranked if c.recipe.name == "김치찌개")
    assert [i.name for i in kimchi_stew.missing] == ["양파", "대파", "청양고추"]  # staples never missing
    assert cooking.unused == ()


def test_among_equals_fewer_missing_ingredients_rank_first(book: RecipeBook) -> None:
    cooking = book.cook_with(book.have_terms("감자 당근 양파"))
    first = cooking.ranked[0]
    assert len(first.used) == 3 and first.missing == ()
    assert [len(c.missing) for c in cooking.ranked] == sorted(len(c.missing) for c in cooking.ranked)


def test_the_very_ingredient_ranks_before_a_stand_in_for_a_broader_one(book: RecipeBook) -> None:
    cooking = book.cook_with(["삼겹살"])
    assert cooking.ranked[0].recipe.name == "삼겹살구이"
    assert any(c.recipe.name == "김치찜" for c in cooking.ranked)  # its 돼지고기 can be 삼겹살


def test_what_you_have_is_read_from_commas_particles_and_english(book: RecipeBook) -> None:
    assert book.have_terms("두부, 김치랑 돼지고기") == ["두부", "김치", "돼지고기"]
    assert book.have_terms("tofu kimchi green onion and eggs") == ["두부", "김치", "파", "계란"]
    assert book.have_terms("달걀 계란 파") == ["달걀", "파"]  # the same thing twice is one
    cooking = book.cook_with(book.have_terms("xyz 두부"))
    assert cooking.unused == ("xyz",) and cooking.ranked


def test_food_words_alone_read_as_what_you_have(book: RecipeBook) -> None:
    assert book.names_ingredients("두부 김치 돼지고기")
    assert not book.names_ingredients("김치")  # one word: maybe a dish
    assert not book.names_ingredients("소고기 미역국")


def test_an_import_keeps_good_items_counts_bad_ones_by_position_and_the_later_twin_wins() -> None:
    items = [
        {"name": "버섯 전골", "ingredients": [{"name": "표고버섯", "amount": "3개"}], "steps": ["끓여요."]},
        {"name": "", "ingredients": [{"name": "두부"}], "steps": ["부쳐요."]},
        {"name": "두부 부침", "ingredients": [], "steps": ["부쳐요."]},
        {"name": "두부 부침", "ingredients": [{"amount": "1모"}], "steps": ["부쳐요."]},
        {"name": "두부 부침", "ingredients": [{"name": "두부", "amount": 1}], "steps": []},
        "김치찌개",
        {
            "name": "버섯전골",
            "ingredients": [{"name": "느타리버섯", "amount": "200g"}],
            "steps": ["끓여요.", "먹어요."],
        },
        {"name": "두부구이", "ingredients": [{"name": "두부", "amount": 1}], "steps": ["구워요."], "serves": 0},
    ]
    parsed = parse_recipes(items)
    assert [r.name for r in parsed.recipes] == ["버섯전골"]
    assert parsed.recipes[0].ingredients == (Ingredient(name="느타리버섯", amount="200g"),)
    assert parsed.merged == 1
    assert [n for n, _ in parsed.bad] == [2, 3, 4, 5, 6, 8]
    reasons = dict(parsed.bad)
    assert reasons[2] == 'no "name"' and reasons[3] == 'no "ingredients" list'
    assert reasons[4] == 'ingredient 1: no "name"' and reasons[5] == 'no "steps" list'
    assert reasons[6] == "not an object" and "serves" in reasons[8]
    assert parsed.items == len(items)


def test_a_number_as_an_amount_is_kept_as_written() -> None:
    parsed = parse_recipes(
        [{"name": "계란후라이", "ingredients": [{"name": "계란", "amount": 2}], "steps": ["부쳐요."]}]
    )
    assert parsed.recipes[0].ingredients == (Ingredient(name="계란", amount="2"),)


@pytest.mark.parametrize(("text", "says"), [("<html>", "not JSON"), ('{"name": "김치찌개"}', "not a JSON list")])
def test_a_file_that_is_not_a_list_of_recipes_is_unreadable(text: str, says: str) -> None:
    with pytest.raises(UnreadableRecipes, match=says):
        read_recipes(text)


def test_the_bundle_is_written_in_the_import_format() -> None:
    text = resources.files("core").joinpath("data", "shopping", "recipes.jsonl").read_text(encoding="utf-8")
    parsed = parse_recipes([json.loads(line) for line in text.splitlines() if line.strip()])
    assert not parsed.bad and parsed.merged == 0
    assert [r.key for r in parsed.recipes] == [recipe_key(r.name) for r in sample_recipes()]
