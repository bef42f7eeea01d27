"""Recipes' and similar products' commands."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, kw_only=True)
class ShowRecipe(Command):
    query: str  # a dish's name as typed: "김치찌개", "김치찌게", "kimchi stew"


@dataclass(frozen=True, kw_only=True)
class OpenRecipe(Command):
    recipe_id: int  # a button under a list of recipes (or its typed twin, /recipe open N)


@dataclass(frozen=True, kw_only=True)
class CookWith(Command):
    have: str  # what is in the fridge, as typed: "두부 김치 돼지고기", "tofu, kimchi"


@dataclass(frozen=True, kw_only=True)
class WatchIngredient(Command):
    name: str  # an ingredient's shopping word (돼지고기): watched like `/watch 돼지고기`


@dataclass(frozen=True, kw_only=True)
class FindSimilar(Command):
    query: str  # a product's name or a keyword: "종가 포기김치 10kg", "삼겹살"
