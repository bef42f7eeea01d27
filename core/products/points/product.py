"""The points product's registration: points: earned by keeping the diary, spent on worries past the free quota."""

from __future__ import annotations

from core.products.points.account import ACCOUNT
from core.products.points.commands import ShowPoints
from core.products.points.service import PointsService
from core.products.points.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    return Built(handlers={ShowPoints: PointsService(uow=kit.uow).show})


PRODUCT = Product(name="points", verbs=VERBS, build=_build, account=ACCOUNT)
