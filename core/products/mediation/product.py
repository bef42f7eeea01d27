"""The mediation product's registration: in a two-person group chat an AI child hears each partner's side
privately (by DM) and posts a neutral summary, the need under each side and one compromise to the group."""

from __future__ import annotations

from core.products.mediation.account import ACCOUNT
from core.products.mediation.comic import ComicService
from core.products.mediation.commands import (
    AllowQuote,
    CancelMediation,
    DrawComic,
    GiveSide,
    JoinMediation,
    NameChild,
    OpenMediation,
    ResumeMediation,
)
from core.products.mediation.service import MediationService
from core.products.mediation.verbs import VERBS
from core.registration import DIRECT, Built, Kit, Listener, Product


def _build(kit: Kit) -> Built:
    mediation = MediationService(
        uow=kit.uow, clock=kit.clock, catalog=kit.catalog, llm=kit.llm, budget=kit.budget, gate=kit.gate
    )
    comic = ComicService(uow=kit.uow, clock=kit.clock, catalog=kit.catalog, images=kit.images, budget=kit.budget)
    return Built(
        handlers={
            OpenMediation: mediation.open,
            JoinMediation: mediation.join,
            NameChild: mediation.name,
            CancelMediation: mediation.cancel,
            ResumeMediation: mediation.resume,
            GiveSide: mediation.side,
            AllowQuote: mediation.quote,
            DrawComic: comic.draw,
        },
        clock_steps=(mediation.expire_due, mediation.finish_stuck),
        # a direct message while this person's side is awaited is that side, not a worry
        listeners=(Listener(where=DIRECT, claim=mediation.claim, crisis=mediation.crisis_in_side),),
    )


PRODUCT = Product(name="mediation", verbs=VERBS, build=_build, account=ACCOUNT)
