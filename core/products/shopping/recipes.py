"""Recipes: the bundled Korean home recipes, `maeum recipes import`, and finding a recipe by name or by what is
in the fridge. Pure rules and the two load/import use cases; the conversation is `recipes_service.py`.

**The bundle** (`core/data/shopping/recipes.jsonl`, 121 recipes written for this project) goes into an empty
recipe table on first use (`ensure_sample_recipes`), one recipe per line in the import's own item format.

**An import** is a JSON list of `{"name", "ingredients": [{"name", "amount"}], "steps": [...]}` (optional
`name_en`, `serves`), upserted by name: "김치 찌개" and "김치찌개" are one dish (the key drops spaces and
punctuation). An item that is not such an object — no name, no ingredient, an ingredient without a name, no
step, a text too long — is *bad*: counted and reported by its position, never stored. The same name twice in a
file is one recipe, the later item winning, counted as updated, so added + updated + bad = items.

**By name** (`RecipeBook.find`), in order: the exact name (or English name); the names containing what was
typed (김치 → 김치찌개, 김치전…); else the closest names by the Indel similarity of their Hangul *letters*, so a
typo costs one letter rather than a syllable ("김치찌게" is 0.9 from 김치찌개, 0.75 syllable by syllable). From
0.85 up it is taken for that dish (the reply says what was read); below, the closest is offered.

**By ingredients** (`RecipeBook.cook_with`): each thing you have names an ingredient the way shop words do
(`Glossary.covers`: 김치 is the recipe's 신김치 and 묵은지; 삼겹살 is its 돼지고기; 파 is 대파 but not 양파).
Recipes are ranked by how many of the things you have they use, then by how many of those they use as named
(삼겹살 is the very 삼겹살 of 삼겹살구이, only a stand-in for 제육볶음's 돼지고기), then by how few ingredients they
still need (pantry staples — salt, soy sauce, sesame oil… — never count as needed), then by name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, NewType

from rapidfuzz import fuzz, process

from core.products.shopping.shop_catalog import Glossary, ShopProduct, letters, normalize, words_of

if TYPE_CHECKING:
    from core.ports import Clock, UnitOfWorkFactory

RecipeId = NewType("RecipeId", int)

SOURCE_SAMPLE: Final = "sample"
SOURCE_IMPORT: Final = "import"
SAMPLE_FILE: Final = ("data", "shopping", "recipes.jsonl")  # under the `core` package

MAX_NAME: Final = 60
MAX_INGREDIENTS: Final = 40
MAX_INGREDIENT_NAME: Final = 40
MAX_AMOUNT: Final = 60
MAX_STEPS: Final = 30
MAX_STEP: Final = 400
MAX_SERVES: Final = 100

TAKE_AS_TYPO: Final = 85.0  # letter similarity (0-100) from which a name is read as that dish
OFFER_CLOSEST: Final = 50.0  # below it nothing is offered as "did you mean"
MAX_LISTED: Final = 8
MAX_HAVE: Final = 15
TOP_COOKABLE: Final = 5


@dataclass(frozen=True, kw_only=True)
class Ingredient:
    name: str
    amount: str = ""


@dataclass(frozen=True, kw_only=True)
class NewRecipe:
    name: str
    ingredients: tuple[Ingredient, ...]
    steps: tuple[str, ...]
    name_en: str | None = None
    serves: int | None = None
    source: str = SOURCE_IMPORT

    @property
    def key(self) -> str:
        return recipe_key(self.name)


@dataclass(frozen=True, kw_only=True)
class Recipe(NewRecipe):
    id: RecipeId


@dataclass(frozen=True, kw_only=True)
class RecipesUpserted:
    added: int = 0
    updated: int = 0


_NOT_LETTER: Final = re.compile(r"[^\w]+")


def recipe_key(name: str) -> str:
    """A dish's identity: its name without spaces or punctuation, case folded ("김치 찌개" = "김치찌개")."""
    return _NOT_LETTER.sub("", unicodedata.normalize("NFC", name).casefold()).replace("_", "")


def _clean(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split()) if isinstance(value, str) else ""


# --- reading items ---------------------------------------------------------------------------------------------


class BadRecipe(ValueError):
    """An item that is not a recipe; the message says why, in a few words."""


class UnreadableRecipes(ValueError):
    """The file is not a JSON list of recipes."""


def _text(raw: Mapping[str, Any], name: str, limit: int, *, required: bool) -> str:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRecipe(f'"{name}" is not text')
    text = _clean(value)
    if not text and required:
        raise BadRecipe(f'no "{name}"')
    if len(text) > limit:
        raise BadRecipe(f'"{name}" is longer than {limit} characters')
    return text


def _ingredient(raw: object, position: int) -> Ingredient:
    if not isinstance(raw, Mapping):
        raise BadRecipe(f'ingredient {position} is not an object with "name" and "amount"')
    amount = raw.get("amount")
    try:
        name = _text(raw, "name", MAX_INGREDIENT_NAME, required=True)
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            written = f"{amount:g}"  # "amount": 2 is as good as "2"
        else:
            written = _text(raw, "amount", MAX_AMOUNT, required=False)
    except BadRecipe as error:
        raise BadRecipe(f"ingredient {position}: {error}") from None
    return Ingredient(name=name, amount=written)


def recipe_item(raw: object, *, source: str = SOURCE_IMPORT) -> NewRecipe:
    """One item of an import (or a line of the bundle) as a recipe; BadRecipe says what is wrong with it."""
    if not isinstance(raw, Mapping):
        raise BadRecipe("not an object")
    name = _text(raw, "name", MAX_NAME, required=True)
    if not recipe_key(name):
        raise BadRecipe('"name" has no letters')
    ingredients = raw.get("ingredients")
    if not isinstance(ingredients, list) or not ingredients:
        raise BadRecipe('no "ingredients" list')
    if len(ingredients) > MAX_INGREDIENTS:
        raise BadRecipe(f"more than {MAX_INGREDIENTS} ingredients")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise BadRecipe('no "steps" list')
    if len(steps) > MAX_STEPS:
        raise BadRecipe(f"more than {MAX_STEPS} steps")
    cleaned_steps = []
    for position, step in enumerate(steps, start=1):
        text = _clean(step)
        if not text:
            raise BadRecipe(f"step {position} is not text")
        if len(text) > MAX_STEP:
            raise BadRecipe(f"step {position} is longer than {MAX_STEP} characters")
        cleaned_steps.append(text)
    serves = raw.get("serves")
    if serves is not None and (isinstance(serves, bool) or not isinstance(serves, int) or not 0 < serves <= MAX_SERVES):
        raise BadRecipe(f'"serves" is not a number from 1 to {MAX_SERVES}')
    return NewRecipe(
        name=name,
        name_en=_text(raw, "name_en", MAX_NAME, required=False) or None,
        serves=serves,
        ingredients=tuple(_ingredient(item, position) for position, item in enumerate(ingredients, start=1)),
        steps=tuple(cleaned_steps),
        source=source,
    )


@dataclass(frozen=True, kw_only=True)
class ParsedRecipes:
    recipes: tuple[NewRecipe, ...]
    bad: tuple[tuple[int, str], ...] = ()  # (item number from 1, why)
    merged: int = 0  # items whose name an earlier item had: the later one stands (reported as updated)

    @property
    def items(self) -> int:
        return len(self.recipes) + self.merged + len(self.bad)


def parse_recipes(data: object) -> ParsedRecipes:
    if not isinstance(data, list):
        raise UnreadableRecipes("not a JSON list of recipes")
    by_key: dict[str, NewRecipe] = {}
    bad: list[tuple[int, str]] = []
    merged = 0
    for number, raw in enumerate(data, start=1):
        try:
            recipe = recipe_item(raw)
        except BadRecipe as error:
            bad.append((number, str(error)))
            continue
        if recipe.key in by_key:
            merged += 1
            del by_key[recipe.key]  # the later item stands, in its own place
        by_key[recipe.key] = recipe
    return ParsedRecipes(recipes=tuple(by_key.values()), bad=tuple(bad), merged=merged)


def read_recipes(text: str) -> ParsedRecipes:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableRecipes(f"not JSON ({error.msg}, line {error.lineno})") from None
    return parse_recipes(data)


@cache
def sample_recipes() -> tuple[NewRecipe, ...]:
    """The bundled recipes, read once per process; a malformed line is a bug in the shipped data."""
    text = resources.files("core").joinpath(*SAMPLE_FILE).read_text(encoding="utf-8")
    recipes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                recipes.append(recipe_item(json.loads(line), source=SOURCE_SAMPLE))
            except (ValueError, TypeError) as error:
                raise ValueError(f"recipes line {number}: {error}") from error
    return tuple(recipes)


# --- use cases: the bundle and imports -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecipeImportReport:
    added: int
    updated: int
    bad: int

    def line(self) -> str:
        return f"added {self.added}, updated {self.updated}, bad {self.bad}"


async def ensure_sample_recipes(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Load the bundled recipes into an empty table ("loaded on first run"); how many were added (0 when there were
    recipes already). Two processes at once add them once: the second finds the names taken and updates."""
    async with uow_factory() as uow:
        if await uow.recipes.count():
            return 0
    async with uow_factory() as uow:
        if await uow.recipes.count():
            return 0
        upserted = await uow.recipes.upsert(sample_recipes(), now=clock.now())
        await uow.commit()
    return upserted.added


IMPORT_CHUNK: Final = 200


async def import_recipes(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    parsed: ParsedRecipes,
    *,
    progress: Callable[[int], object] | None = None,
) -> RecipeImportReport:
    """Upsert an import, a chunk per transaction. The bundle goes in first when the table is empty, so an import
    before the first `/recipe` does not keep the bundle out for good; a bundled name imported again is updated."""
    await ensure_sample_recipes(uow_factory, clock)
    added = updated = 0
    for start in range(0, len(parsed.recipes), IMPORT_CHUNK):
        part = parsed.recipes[start : start + IMPORT_CHUNK]
        async with uow_factory() as uow:
            upserted = await uow.recipes.upsert(part, now=clock.now())
            await uow.commit()
        added += upserted.added
        updated += upserted.updated
        if progress is not None:
            progress(len(part))
    return RecipeImportReport(added=added, updated=updated + parsed.merged, bad=len(parsed.bad))


# --- finding by name -------------------------------------------------------------------------------------------


class Match(StrEnum):
    EXACT = "exact"
    CLOSE = "close"  # one dish, read from a typo or a part of its name
    SEVERAL = "several"
    NONE = "none"


@dataclass(frozen=True, kw_only=True)
class Found:
    match: Match
    recipes: tuple[Recipe, ...] = ()
    closest: Recipe | None = None  # for NONE: the nearest name, when one is near enough to offer


@dataclass(frozen=True, kw_only=True)
class Cookable:
    recipe: Recipe
    used: tuple[str, ...]  # what you have that it uses
    missing: tuple[Ingredient, ...]  # what it still needs (pantry staples aside)


@dataclass(frozen=True, kw_only=True)
class Cooking:
    have: tuple[str, ...]
    ranked: tuple[Cookable, ...]
    unused: tuple[str, ...]  # what you have that no recipe uses


_PARTICLES: Final = ("이랑", "하고", "랑", "과", "와", "도", "만", "이나", "나", "은", "는", "이", "가", "을", "를")
_JOINERS: Final = frozenset({"and", "&", "그리고", "또", "+"})


@dataclass
class RecipeBook:
    """Every recipe, indexed for finding by name and by ingredients (module docstring)."""

    recipes: Sequence[Recipe]
    words: Glossary
    _by_key: dict[str, Recipe] = field(init=False)

    def __post_init__(self) -> None:
        self._by_key = {r.key: r for r in self.recipes}
        self._by_en = {recipe_key(r.name_en): r for r in self.recipes if r.name_en}
        self.by_id = {r.id: r for r in self.recipes}
        self._staples = {i.name: self.words.staple(i.name) for r in self.recipes for i in r.ingredients}
        self._ingredient_names = frozenset(self._staples)
        # one list of spellings to match against: each dish's Hangul letters, and its English name
        self._spellings: list[str] = []
        self._owners: list[Recipe] = []
        for recipe in self.recipes:
            self._spellings.append(letters(recipe.key))
            self._owners.append(recipe)
            if recipe.name_en:
                self._spellings.append(recipe_key(recipe.name_en))
                self._owners.append(recipe)

    def find(self, query: str) -> Found:
        key = recipe_key(query)
        if not key:
            return Found(match=Match.NONE)
        exact = self._by_key.get(key) or self._by_en.get(key)
        if exact is not None:
            return Found(match=Match.EXACT, recipes=(exact,))
        if len(key) >= 2:
            containing = self._containing(key)
            if len(containing) == 1:
                return Found(match=Match.CLOSE, recipes=containing)
            if containing:
                return Found(match=Match.SEVERAL, recipes=containing[:MAX_LISTED])
        return self._closest(key)

    def _closest(self, key: str) -> Found:
        """By the letters of the names (module docstring): one dish from 0.85 up, several when as near."""
        scored: dict[RecipeId, tuple[float, Recipe]] = {}
        for _, score, index in process.extract(letters(key), self._spellings, scorer=fuzz.ratio, limit=MAX_LISTED * 2):
            owner = self._owners[index]
            if owner.id not in scored or scored[owner.id][0] < score:
                scored[owner.id] = (score, owner)
        best = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].name))
        if not best:
            return Found(match=Match.NONE)
        top_score, top = best[0]
        if top_score < TAKE_AS_TYPO:
            return Found(match=Match.NONE, closest=top if top_score >= OFFER_CLOSEST else None)
        near = [recipe for score, recipe in best if score >= TAKE_AS_TYPO and top_score - score < 3]
        if len(near) > 1:
            return Found(match=Match.SEVERAL, recipes=tuple(near[:MAX_LISTED]))
        return Found(match=Match.CLOSE, recipes=(top,))

    def _containing(self, key: str) -> tuple[Recipe, ...]:
        found = [r for r in self.recipes if key in r.key or (r.name_en is not None and key in recipe_key(r.name_en))]
        found.sort(key=lambda r: (not r.key.startswith(key), len(r.key), r.name))
        return tuple(found)

    def names_ingredients(self, text: str) -> bool:
        """Whether a text of two words or more is only food words ("두부 김치"): asked as a dish, it is meant as
        what you have."""
        terms = self.have_terms(text)
        return len(terms) >= 2 and all(self.words.head(term) is not None for term in terms)

    def have_terms(self, text: str) -> list[str]:
        """What you have, one thing each: "두부, 김치랑 돼지고기" → 두부, 김치, 돼지고기; English words in their
        Korean form (tofu → 두부); at most 15, each once."""
        found: list[str] = []
        for part in re.split(r"[,，、/]+", text):
            english: list[str] = []  # a run of English words is read together: "green onion" is one thing
            for word in [*part.split(), ""]:
                if word and word.isascii():
                    english.append(word)
                    continue
                if english:
                    found.extend(self.words.from_english(" ".join(english)))
                    english = []
                if word and normalize(word) not in _JOINERS:
                    found.append(self._without_particle(word))
        unique: dict[str, str] = {}
        for term in found:
            canonical = self.words.canonical(term)
            if canonical and canonical not in _JOINERS:
                unique.setdefault(canonical, term)
        return list(unique.values())[:MAX_HAVE]

    def _without_particle(self, word: str) -> str:
        if self.words.head(word) is not None and self.words.canonical(word) in self.words.entries:
            return word
        for particle in _PARTICLES:
            stem = word.removesuffix(particle)
            if stem != word and stem and self.words.head(stem) is not None:
                return stem
        return word

    def cook_with(self, have: Sequence[str], *, top: int = TOP_COOKABLE) -> Cooking:
        """The recipes that use what you have, best first (module docstring)."""
        ranked: list[tuple[int, Cookable]] = []
        used_any: set[str] = set()
        # the ingredients each thing you have can be, and those it is by name (the sort below needs both)
        serves = {
            t: {n for n in self._ingredient_names if self.words.covers(t, n, narrower_satisfies=True)} for t in have
        }
        is_named = {t: {n for n in serves[t] if self.words.covers(t, n)} for t in have}
        for recipe in self.recipes:
            own = {i.name for i in recipe.ingredients}
            used = tuple(term for term in have if serves[term] & own)
            if not used:
                continue
            used_any.update(used)
            # 삼겹살 is the 삼겹살 of 삼겹살구이 itself, but only one way to make the 돼지고기 of 제육볶음
            direct = sum(bool(is_named[term] & own) for term in used)
            missing = tuple(
                i
                for i in recipe.ingredients
                if not self._staples[i.name] and not any(i.name in serves[term] for term in have)
            )
            ranked.append((direct, Cookable(recipe=recipe, used=used, missing=missing)))
        ranked.sort(key=lambda pair: (-len(pair[1].used), -pair[0], len(pair[1].missing), pair[1].recipe.name))
        return Cooking(
            have=tuple(have),
            ranked=tuple(cookable for _, cookable in ranked[:top]),
            unused=tuple(t for t in have if t not in used_any),
        )


# --- ingredients and the shop ----------------------------------------------------------------------------------


def main_ingredients(recipe: NewRecipe, words: Glossary) -> tuple[Ingredient, ...]:
    """The ingredients worth buying or watching: everything but pantry staples."""
    return tuple(i for i in recipe.ingredients if not words.staple(i.name))


def ingredient_word(ingredient: Ingredient, words: Glossary) -> str:
    """The word an ingredient is shopped and watched by: "국물용 멸치" → 멸치, "신김치" → 김치; else its name."""
    return words.head(ingredient.name) or ingredient.name


def shop_link(ingredient: Ingredient, products: Iterable[ShopProduct], words: Glossary) -> ShopProduct | None:
    """The shop product to buy an ingredient as: food whose keyword the ingredient names. A product named by the
    ingredient's own words comes first ("소고기 150g (국거리 양지)" → the 양지), then the word itself (두부), then a
    kind of it (김치 → 포기김치), an ingredient before a finished good, the cheaper first."""
    word = ingredient_word(ingredient, words)
    own_words = {words.canonical(w) for w in words_of(f"{ingredient.name} {ingredient.amount}")}
    below = words.narrower(word)
    best: tuple[tuple[int, int, int], ShopProduct] | None = None
    for product in products:
        if not product.food:
            continue
        keyword = words.canonical(product.keyword)
        if keyword in own_words and keyword != word and words.covers(word, keyword):
            closeness = 0
        elif keyword == word:
            closeness = 1
        elif keyword in below:
            closeness = 2
        elif words.covers(word, keyword):
            closeness = 3
        else:
            continue
        rank = (closeness, 0 if product.ingredient else 1, product.price or 0)
        if best is None or rank < best[0]:
            best = (rank, product)
    return best[1] if best else None
