"""The points product's verbs: what its commands look like typed, pressed or sent as slash commands."""

from __future__ import annotations

from core.products.points.commands import ShowPoints
from core.registration import DIRECT, Verb
from core.routing import cursor

VERBS: tuple[Verb, ...] = (
    Verb(
        name="points",
        parse=lambda inv: ShowPoints(before_id=cursor(inv)),
        usage_key="points.usage",
        summary_key="points.summary",
        where=DIRECT,
        aliases=("포인트",),
    ),
)
