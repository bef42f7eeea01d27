"""Recipes (SQLAlchemy): see core.ports.recipes.Recipes for the contract.

A recipe is a row and its ingredients are rows of their own, in order; steps are JSON text (`JsonStrings`). An
upsert replaces a stored recipe whole — its ingredients deleted and written again — because an import states
the whole recipe, and a half-merged one (old ingredients, new steps) would be neither."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import RecipeIngredientRow, RecipeRow
from core.adapters.db.sql import dialect_insert
from core.products.shopping.recipes import Ingredient, NewRecipe, Recipe, RecipeId, RecipesUpserted


def _values(new: NewRecipe) -> dict[str, Any]:
    return {
        "key": new.key,
        "name": new.name,
        "name_en": new.name_en,
        "serves": new.serves,
        "steps": new.steps,
        "source": new.source,
    }


class SqlAlchemyRecipes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(self, recipes: Sequence[NewRecipe], *, now: datetime) -> RecipesUpserted:
        """A few statements for any number of recipes: the new ones in one INSERT (a key another process stored
        meanwhile comes back as nothing and is updated instead), the stored ones updated, and every recipe's
        ingredients deleted and written again in one go."""
        recipes = list({new.key: new for new in recipes}.values())  # one recipe per key: the later stands
        if not recipes:
            return RecipesUpserted()
        rows = await self._session.execute(
            select(RecipeRow.key, RecipeRow.id).where(RecipeRow.key.in_([new.key for new in recipes]))
        )
        stored: dict[str, int] = {row.key: row.id for row in rows}
        fresh = [new for new in recipes if new.key not in stored]
        added: dict[str, int] = {}
        if fresh:
            inserted = await self._session.execute(
                dialect_insert(self._session, RecipeRow)
                .values([{**_values(new), "created_at": now, "updated_at": now} for new in fresh])
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(RecipeRow.key, RecipeRow.id)
            )
            added = {row.key: row.id for row in inserted}
            raced = [new.key for new in fresh if new.key not in added]
            if raced:
                found = await self._session.execute(select(RecipeRow.key, RecipeRow.id).where(RecipeRow.key.in_(raced)))
                stored.update({row.key: row.id for row in found})
        for new in recipes:
            if new.key in stored:
                await self._session.execute(
                    update(RecipeRow)
                    .where(RecipeRow.id == stored[new.key])
                    .values(**_values(new), updated_at=now)
                    .execution_options(synchronize_session=False)
                )
        if stored:
            await self._session.execute(
                delete(RecipeIngredientRow).where(RecipeIngredientRow.recipe_id.in_(list(stored.values())))
            )
        ids = {**stored, **added}
        await self._session.execute(
            insert(RecipeIngredientRow),
            [
                {"recipe_id": ids[new.key], "position": position, "name": item.name, "amount": item.amount}
                for new in recipes
                for position, item in enumerate(new.ingredients, start=1)
            ],
        )
        return RecipesUpserted(added=len(added), updated=len(recipes) - len(added))

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(RecipeRow)) or 0)

    async def version(self) -> tuple[int, datetime | None]:
        count, latest = (await self._session.execute(select(func.count(), func.max(RecipeRow.updated_at)))).one()
        return int(count or 0), latest

    async def all(self) -> list[Recipe]:
        ingredients: dict[int, list[Ingredient]] = {}
        rows = await self._session.execute(
            select(RecipeIngredientRow.recipe_id, RecipeIngredientRow.name, RecipeIngredientRow.amount).order_by(
                RecipeIngredientRow.recipe_id, RecipeIngredientRow.position
            )
        )
        for recipe_id, name, amount in rows:
            ingredients.setdefault(recipe_id, []).append(Ingredient(name=name, amount=amount))
        recipes = await self._session.scalars(select(RecipeRow).order_by(RecipeRow.id))
        return [
            Recipe(
                id=RecipeId(row.id),
                name=row.name,
                name_en=row.name_en,
                serves=row.serves,
                ingredients=tuple(ingredients.get(row.id, ())),
                steps=tuple(row.steps),
                source=row.source,
            )
            for row in recipes
        ]
