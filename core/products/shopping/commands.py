"""Broadcast alerts' commands: watch a product, list and remove watches, and how early to be told."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command

# recipes and /similar: their commands are this product's too (the handler check reads this module)
from core.products.shopping.recipes_commands import (
    CookWith,
    FindSimilar,
    OpenRecipe,
    ShowRecipe,
    WatchIngredient,
)


@dataclass(frozen=True, kw_only=True)
class WatchProduct(Command):
    text: str  # a keyword or a product name, as typed ("삼겹살", "비비고 왕교자")


@dataclass(frozen=True, kw_only=True)
class ListWatches(Command):
    pass


@dataclass(frozen=True, kw_only=True)
class Unwatch(Command):
    number: int  # the watch's own number, as /watches shows it (it never changes)


@dataclass(frozen=True, kw_only=True)
class SetWatchLead(Command):
    length: str  # as typed: "30m", "1시간"


__all__ = [
    "CookWith",
    "FindSimilar",
    "ListWatches",
    "OpenRecipe",
    "SetWatchLead",
    "ShowRecipe",
    "Unwatch",
    "WatchIngredient",
    "WatchProduct",
]
