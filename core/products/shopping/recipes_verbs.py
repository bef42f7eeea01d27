"""Recipes' verbs: `/recipe` (by name, `with` what you have, and the buttons' `open` and `watch`) and `/similar`."""

from __future__ import annotations

from core.commands import Command
from core.errors import UsageError
from core.inbound import Invocation
from core.products.shopping.recipes_commands import CookWith, FindSimilar, OpenRecipe, ShowRecipe, WatchIngredient
from core.registration import BOTH, Verb, Words

_WITH = {"with", "재료", "냉장고"}
_WATCH = {"watch", "알림"}
_OPEN = {"open", "보기"}
MAX_QUERY = 100
MAX_WATCH_NAME = 40


def _rest_after_first(inv: Invocation) -> str:
    parts = inv.rest.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


def _recipe(inv: Invocation) -> Command:
    if not inv.args:
        raise UsageError("recipe.usage")
    head, rest = inv.args[0].lower(), _rest_after_first(inv)
    if head in _WITH:
        if not rest:
            raise UsageError("recipe.with_usage")
        return CookWith(have=rest[:MAX_QUERY])
    if head in _WATCH and rest:
        if len(rest) > MAX_WATCH_NAME:
            raise UsageError("recipe.watch_usage")
        return WatchIngredient(name=rest)
    if head in _OPEN and len(inv.args) == 2 and inv.args[1].isdecimal() and len(inv.args[1]) < 10:
        return OpenRecipe(recipe_id=int(inv.args[1]))
    if len(inv.rest) > MAX_QUERY:
        raise UsageError("recipe.usage")
    return ShowRecipe(query=inv.rest)


def _similar(inv: Invocation) -> Command:
    if not inv.rest.strip() or len(inv.rest) > MAX_QUERY:
        raise UsageError("similar.usage")
    return FindSimilar(query=inv.rest)


RECIPE_VERBS: tuple[Verb, ...] = (
    Verb(
        name="recipe",
        parse=_recipe,
        usage_key="recipe.usage",
        summary_key="recipe.summary",
        where=BOTH,
        aliases=("레시피", "요리"),
        words=Words(key="recipe_query", max_length=MAX_QUERY),
    ),
    Verb(
        name="similar",
        parse=_similar,
        usage_key="similar.usage",
        summary_key="similar.summary",
        where=BOTH,
        aliases=("비슷한상품", "유사상품"),
        words=Words(key="similar_query", max_length=MAX_QUERY),
    ),
)
