"""`/recipe` and `/similar`: the seed's second half — a broadcast, a recipe, its ingredients and where to buy them,
in one flow.

A recipe is shown with each ingredient that is worth buying (pantry staples are listed apart) linked to a shop
product of the bundled catalog, the upcoming broadcasts of those ingredients ("돼지고기: 내일 20:20 NS홈쇼핑 …"),
the steps, and a button to watch an ingredient that is still missing. Broadcasts and watches belong to the
broadcast-alerts half of the product: this half reads them through `UpcomingBroadcasts` and asks for a watch
through the `watch` callable it is built with (`build_recipes`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from core.commands import Command
from core.domain.values import Locale
from core.errors import UsageError
from core.ports import Clock, UnitOfWorkFactory
from core.products.shopping.recipes import (
    Cookable,
    Ingredient,
    Match,
    Recipe,
    RecipeBook,
    RecipeId,
    ensure_sample_recipes,
    ingredient_word,
    main_ingredients,
    shop_link,
)
from core.products.shopping.recipes_commands import CookWith, FindSimilar, OpenRecipe, ShowRecipe, WatchIngredient
from core.products.shopping.shop_catalog import (
    Glossary,
    ProductClass,
    ShopProduct,
    SimilarFinder,
    glossary,
    shop_products,
)
from core.registration import Handler, Kit
from core.replies import Button, Reply, Section
from core.routing import encode_action
from core.usecases.context import Context

logger = logging.getLogger(__name__)

WATCH_BUTTONS = 3  # a recipe's missing ingredients offered for watching, in the recipe's order
ON_AIR_PER_INGREDIENT = 1


@dataclass(frozen=True, kw_only=True)
class SlotView:
    """An upcoming broadcast, as the recipes show it."""

    channel: str
    starts_at: datetime  # aware
    product: str
    price: int | None
    url: str | None


class UpcomingBroadcasts(Protocol):
    """The broadcasts to come that sell an ingredient (the broadcast-alerts half answers it from the schedule)."""

    async def for_ingredient(self, name: str, now: datetime, limit: int) -> Sequence[SlotView]:
        """At most `limit` broadcasts not started by `now` whose product `name` names, soonest first."""
        ...


WatchAction = Callable[[str, Context], Awaitable[None]]  # watch a word for the person asking, and tell them


def price_text(price: int | None, ctx: Context) -> str:
    return ctx.t("recipe.price", price=f"{price:,}") if price else ""


def moment_text(moment: datetime, *, now: datetime, zone: ZoneInfo, ctx: Context) -> str:
    """When a broadcast airs, the way a TV guide says it: "오늘 21:40", "내일 20:20", "11월 29일 (일) 09:00"."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    days = (local.date() - today).days
    named = {0: "recipe.day.today", 1: "recipe.day.tomorrow", 2: "recipe.day.after_tomorrow"}
    if days in named and not (days == 2 and ctx.locale is Locale.EN):  # English has no word for 모레
        day = ctx.t(named[days])
    else:
        day = format_skeleton("MMMEd", local, locale=ctx.locale.value)
    return ctx.t("recipe.when", day=day, time=local.strftime("%H:%M"))


class RecipesService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        upcoming: UpcomingBroadcasts,
        watch: WatchAction,
        words: Glossary | None = None,
        products: Sequence[ShopProduct] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._upcoming = upcoming
        self._watch = watch
        self._words = words or glossary()
        self._products = products if products is not None else shop_products()
        self._book: RecipeBook | None = None
        self._version: tuple[int, datetime | None] | None = None

    async def book(self) -> RecipeBook:
        """Every recipe, indexed; read again only when an import changed them (one small query per request)."""
        async with self._uow() as uow:
            version = await uow.recipes.version()
        if version[0] == 0:
            await ensure_sample_recipes(self._uow, self._clock)
            async with self._uow() as uow:
                version = await uow.recipes.version()
        if self._book is None or version != self._version:
            async with self._uow() as uow:
                recipes = await uow.recipes.all()
            self._book, self._version = RecipeBook(recipes=recipes, words=self._words), version
        return self._book

    # --- handlers ----------------------------------------------------------------------------------------------

    async def show(self, command: ShowRecipe, ctx: Context) -> None:
        query = " ".join(command.query.split())
        book = await self.book()
        found = book.find(query)
        if found.match is not Match.EXACT and book.names_ingredients(query):
            await self._cook(book, query, ctx)  # "/recipe 두부 김치 돼지고기": what you have, not a dish
            return
        if found.match in (Match.EXACT, Match.CLOSE):
            [recipe] = found.recipes
            note = (
                ctx.t("recipe.read_as", query=query, name=self._title(recipe, ctx))
                if found.match is Match.CLOSE
                else None
            )
            await self._send_recipe(recipe, ctx, note=note)
            return
        if found.match is Match.SEVERAL:
            lines = "\n".join(f"• {self._title(r, ctx)}" for r in found.recipes)
            await ctx.say("recipe.several", query=query, items=lines, buttons=self._open_buttons(found.recipes, ctx))
            return
        if found.closest is not None:
            closest = found.closest
            await ctx.say(
                "recipe.not_found_closest",
                query=query,
                title=self._title(closest, ctx),
                name=closest.name,  # what to type: the Korean name is always found
                buttons=self._open_buttons((closest,), ctx),
            )
            return
        raise UsageError("recipe.not_found", query=query[:40])

    async def open(self, command: OpenRecipe, ctx: Context) -> None:
        recipe = (await self.book()).by_id.get(RecipeId(command.recipe_id))
        if recipe is None:
            raise UsageError("recipe.gone")
        await self._send_recipe(recipe, ctx, note=None)

    async def cook_with(self, command: CookWith, ctx: Context) -> None:
        await self._cook(await self.book(), command.have, ctx)

    async def watch(self, command: WatchIngredient, ctx: Context) -> None:
        name = " ".join(command.name.split())
        if name.isascii():  # the typed twin in English, /recipe watch pork: broadcasts are sold in Korean
            name = " ".join(self._words.from_english(name))
        if not name:
            raise UsageError("recipe.watch_usage")
        await self._watch(name, ctx)

    # --- replies -----------------------------------------------------------------------------------------------

    async def _cook(self, book: RecipeBook, text: str, ctx: Context) -> None:
        have = book.have_terms(text)
        if not have:
            raise UsageError("recipe.with_usage")
        cooking = book.cook_with(have)
        shown = ", ".join(self._food_word(term, ctx) for term in have)
        if not cooking.ranked:
            await ctx.say("recipe.with_none", items=shown)
            return
        lines = [self._cookable_line(n, c, len(have), ctx) for n, c in enumerate(cooking.ranked, start=1)]
        unused = [self._food_word(term, ctx) for term in cooking.unused]
        note = ctx.t("recipe.with_unused", items=", ".join(unused)) if unused else None
        top = cooking.ranked[0]
        buttons = (
            *self._open_buttons(tuple(c.recipe for c in cooking.ranked), ctx),
            *self._watch_buttons(top.missing, ctx),
        )
        title = ctx.t("recipe.with_title", items=shown)
        await ctx.responder.send(
            Reply(sections=(Section(title=title, body="\n".join(lines), note=note, buttons=buttons),))
        )

    def _cookable_line(self, n: int, cookable: Cookable, have: int, ctx: Context) -> str:
        if cookable.missing:
            more = ctx.t("recipe.with_more", items=", ".join(self._ingredient_name(i, ctx) for i in cookable.missing))
        else:
            more = ctx.t("recipe.with_ready")
        return ctx.t(
            "recipe.with_line",
            n=n,
            name=self._title(cookable.recipe, ctx),
            used=len(cookable.used),
            have=have,
            more=more,
        )

    async def _send_recipe(self, recipe: Recipe, ctx: Context, *, note: str | None) -> None:
        main = main_ingredients(recipe, self._words)
        pantry = [i for i in recipe.ingredients if i not in main]
        lines = []
        for ingredient in main:
            line = ctx.t("recipe.ingredient", name=self._ingredient_name(ingredient, ctx), amount=ingredient.amount)
            product = shop_link(ingredient, self._products, self._words)
            if product is not None:
                line += "\n" + ctx.t("recipe.shop", product=product.name, price=price_text(product.price, ctx))
            lines.append(line)
        if pantry:
            items = ", ".join(f"{self._ingredient_name(i, ctx)} {i.amount}".strip() for i in pantry)
            lines.append(ctx.t("recipe.pantry", items=items))
        serves = ctx.t("recipe.serves", n=recipe.serves) if recipe.serves else ""
        title = ctx.t("recipe.title", name=self._title(recipe, ctx), serves=serves).strip()
        steps = "\n".join(f"{n}. {step}" for n, step in enumerate(recipe.steps, start=1))
        sections = (
            Section(title=title, body="\n".join([note, *lines] if note else lines)),
            Section(title=ctx.t("recipe.on_air_title"), body=await self._on_air(main, ctx)),
            Section(title=ctx.t("recipe.steps_title"), body=steps, buttons=self._watch_buttons(main, ctx)),
        )
        await ctx.responder.send(Reply(sections=sections))

    async def _on_air(self, ingredients: Sequence[Ingredient], ctx: Context) -> str:
        """The next broadcast of each ingredient worth buying, one line each, or a line saying there is none."""
        now, zone = self._clock.now(), ZoneInfo(ctx.user.timezone)
        lines: list[str] = []
        asked: set[str] = set()
        for ingredient in ingredients:
            word = ingredient_word(ingredient, self._words)
            if word in asked:
                continue
            asked.add(word)
            for slot in list(await self._upcoming.for_ingredient(word, now, ON_AIR_PER_INGREDIENT))[
                :ON_AIR_PER_INGREDIENT
            ]:
                price = price_text(slot.price, ctx)
                lines.append(
                    ctx.t(
                        "recipe.on_air_line",
                        ingredient=self._food_word(word, ctx),
                        when=moment_text(slot.starts_at, now=now, zone=zone, ctx=ctx),
                        channel=slot.channel,
                        product=slot.product,
                        price=f" · {price}" if price else "",
                    )
                )
        return "\n".join(lines) or ctx.t("recipe.on_air_none")

    def _watch_buttons(self, missing: Sequence[Ingredient], ctx: Context) -> tuple[Button, ...]:
        buttons: list[Button] = []
        seen: set[str] = set()
        for ingredient in missing:
            word = ingredient_word(ingredient, self._words)
            if word in seen or self._words.staple(word):
                continue
            seen.add(word)
            try:
                action = encode_action("recipe", "watch", word)
            except ValueError:  # a word too long for a button: its typed twin /recipe watch … still works
                continue
            buttons.append(Button(label=ctx.t("recipe.watch_button", name=self._food_word(word, ctx)), action=action))
            if len(buttons) == WATCH_BUTTONS:
                break
        return tuple(buttons)

    def _open_buttons(self, recipes: Sequence[Recipe], ctx: Context) -> tuple[Button, ...]:
        return tuple(
            Button(label=self._title(r, ctx), action=encode_action("recipe", "open", str(r.id))) for r in recipes
        )

    def _title(self, recipe: Recipe, ctx: Context) -> str:
        if ctx.locale is Locale.EN and recipe.name_en:
            return f"{recipe.name_en} ({recipe.name})"
        return recipe.name

    def _food_word(self, word: str, ctx: Context) -> str:
        english = self._words.english(word) if ctx.locale is Locale.EN else None
        return f"{word} ({english})" if english else word

    def _ingredient_name(self, ingredient: Ingredient, ctx: Context) -> str:
        if ctx.locale is not Locale.EN:
            return ingredient.name
        english = self._words.english(ingredient_word(ingredient, self._words))
        return f"{ingredient.name} ({english})" if english else ingredient.name


_KIND_KEYS = {
    ProductClass.INGREDIENT: "similar.kind.ingredient",
    ProductClass.FINISHED: "similar.kind.finished",
    ProductClass.NON_FOOD: "similar.kind.non_food",
}


class SimilarService:
    def __init__(self, *, finder: SimilarFinder) -> None:
        self._finder = finder

    async def find(self, command: FindSimilar, ctx: Context) -> None:
        query = " ".join(command.query.split())
        answer = await self._finder.similar(query)
        if answer is None or not any(group.products for group in answer.groups):
            raise UsageError("similar.not_found", query=query[:40])
        if answer.matched is not None:
            kind = ctx.t(_KIND_KEYS[answer.matched.kind])
            note = ctx.t("similar.read_as", name=answer.matched.name, kind=kind)
        else:
            note = ctx.t("similar.read_keyword", keyword=answer.keyword)
        sections = [Section(title=ctx.t("similar.title", query=query), body=note)]
        for group in answer.groups:
            lines = [
                ctx.t(
                    "similar.line",
                    n=n,
                    name=ranked.product.name,
                    category=ranked.product.category,
                    price=price_text(ranked.product.price, ctx),
                )
                for n, ranked in enumerate(group.products, start=1)
            ]
            sections.append(Section(title=ctx.t(_KIND_KEYS[group.kind]), body="\n".join(lines)))
        await ctx.responder.send(Reply(sections=tuple(sections)))


def build_recipes(kit: Kit, upcoming: UpcomingBroadcasts, watch: WatchAction) -> dict[type[Command], Handler]:
    """The handlers of `RECIPE_VERBS`' commands. One service per process: the recipe index and the catalog's
    vectors are kept."""
    recipes = RecipesService(uow=kit.uow, clock=kit.clock, upcoming=upcoming, watch=watch)
    similar = SimilarService(finder=SimilarFinder(embedder=kit.embedder))
    return {
        ShowRecipe: recipes.show,
        OpenRecipe: recipes.open,
        CookWith: recipes.cook_with,
        WatchIngredient: recipes.watch,
        FindSimilar: similar.find,
    }
