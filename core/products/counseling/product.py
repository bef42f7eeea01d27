"""The counseling product's registration: one worry, two answers (💗 공감 F and 🧠 조언 T), streamed."""

from __future__ import annotations

from core.products.counseling.account import ACCOUNT
from core.products.counseling.commands import AskWorry, MarkHelpful, StartNewConversation
from core.products.counseling.service import CounselingLimits, CounselingService
from core.products.counseling.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    settings = kit.settings
    service = CounselingService(
        uow=kit.uow,
        clock=kit.clock,
        llm=kit.llm,
        fallback=kit.fallback,
        locks=kit.locks,
        gate=kit.gate,
        budget=kit.budget,
        limits=CounselingLimits(
            daily_free_worries=settings.daily_free_worries,
            history_worries=settings.history_worries,
            second_opinion=settings.safety_second_opinion,
        ),
    )
    return Built(
        handlers={
            AskWorry: service.ask,
            StartNewConversation: service.start_new,
            MarkHelpful: service.mark_helpful,
        }
    )


PRODUCT = Product(
    name="counseling",
    verbs=VERBS,
    build=_build,
    account=ACCOUNT,
    plain_text="worry",  # a plain direct message is a worry (once the talk found it no small talk or request)
)
