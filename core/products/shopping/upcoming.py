"""The broadcasts to come that sell an ingredient, for recipes: the schedule read the way a watch reads it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from core.ports import UnitOfWorkFactory
from core.products.shopping.matching import matches, product_words, watch_term
from core.products.shopping.recipes_service import SlotView

HORIZON: Final = timedelta(days=3)  # "곧 방송해요": what airs in the next few days, not next month


class ScheduleUpcoming:
    """`UpcomingBroadcasts` over the imported schedule: an ingredient matches a broadcast as a watch of it would
    (돼지고기 takes "국내산 한돈 삼겹살 1kg"; 김 never takes 김치)."""

    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def for_ingredient(self, name: str, now: datetime, limit: int) -> Sequence[SlotView]:
        term = watch_term(name)
        if term is None or limit <= 0:
            return []
        async with self._uow() as uow:
            coming = await uow.broadcasts.upcoming(now=now, starts_before=now + HORIZON)
        found = [b for b in coming if matches(term, product_words(b.product))][:limit]
        return [
            SlotView(channel=b.channel, starts_at=b.starts_at, product=b.product, price=b.price, url=b.url)
            for b in found
        ]
