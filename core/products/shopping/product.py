"""The shopping product's registration: broadcast alerts — watch a product, get told before it airs — fed by
home-shopping schedules (imported, re-read from feeds, or the bundled sample); recipes whose ingredients link to
shop products and to the broadcasts to come; similar products."""

from __future__ import annotations

from datetime import timedelta

from core.products.shopping.account import ACCOUNT
from core.products.shopping.commands import ListWatches, SetWatchLead, Unwatch, WatchProduct
from core.products.shopping.ingest import ScheduleFeeds, ScheduleIngest
from core.products.shopping.matcher import Matcher
from core.products.shopping.recipes_service import build_recipes
from core.products.shopping.recipes_verbs import RECIPE_VERBS
from core.products.shopping.service import AlertSender, WatchesService
from core.products.shopping.upcoming import ScheduleUpcoming
from core.products.shopping.verbs import VERBS
from core.registration import Built, Kit, Product
from core.usecases.context import Context


def build_ingest(kit: Kit, matcher: Matcher | None = None) -> ScheduleIngest:
    """The schedule import on the kit's services (`maeum schedule import` builds its own)."""
    return ScheduleIngest(uow=kit.uow, clock=kit.clock, matcher=matcher or Matcher(kit.embedder))


def _build(kit: Kit) -> Built:
    matcher = Matcher(kit.embedder)  # one per process: it keeps the calibration and the keywords' vectors
    feeds = ScheduleFeeds(
        ingest=build_ingest(kit, matcher),
        uow=kit.uow,
        clock=kit.clock,
        feeds=kit.settings.schedule_feeds,
        sample=kit.settings.schedule_sample,
        every=timedelta(minutes=kit.settings.schedule_feeds_minutes),
        keep=timedelta(days=kit.settings.retention_days),
    )
    watches = WatchesService(uow=kit.uow, clock=kit.clock, gate=kit.gate, matcher=matcher, prepare=feeds.ensure_sample)
    sender = AlertSender(uow=kit.uow, clock=kit.clock, catalog=kit.catalog)

    async def watch_ingredient(name: str, ctx: Context) -> None:  # a recipe's "watch this" button
        await watches.watch(WatchProduct(text=name), ctx)

    recipes = build_recipes(kit, ScheduleUpcoming(uow=kit.uow), watch_ingredient)
    return Built(
        handlers={
            WatchProduct: watches.watch,
            ListWatches: watches.list,
            Unwatch: watches.unwatch,
            SetWatchLead: watches.set_lead,
            **recipes,
        },
        clock_steps=(feeds.refresh, sender.send_due),
    )


PRODUCT = Product(name="shopping", verbs=(*VERBS, *RECIPE_VERBS), build=_build, account=ACCOUNT)
