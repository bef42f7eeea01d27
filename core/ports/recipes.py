"""The recipes `/recipe` finds: the bundled ones and what `maeum recipes import` brought."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.products.shopping.recipes import NewRecipe, Recipe, RecipesUpserted


class Recipes(Protocol):
    async def upsert(self, recipes: Sequence[NewRecipe], *, now: datetime) -> RecipesUpserted:
        """Add each recipe, or replace the one stored under its key (its name without spaces or punctuation):
        name, English name, servings, ingredients and steps all become the new ones. How many were added and how
        many replaced."""
        ...

    async def count(self) -> int: ...

    async def version(self) -> tuple[int, datetime | None]:
        """How many recipes there are and when one last changed: what a cached index of them is keyed by."""
        ...

    async def all(self) -> list[Recipe]:
        """Every recipe with its ingredients in order, by id."""
        ...
