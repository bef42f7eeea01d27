"""The diary product's registration: the emotion diary: entries read for their feeling with a comment, shared with
friends, weekly stats and the Monday digest, a nightly nudge."""

from __future__ import annotations

from core.products.diary.account import ACCOUNT
from core.products.diary.commands import (
    ChangeEntry,
    CommentOnEntry,
    ListDiaries,
    SetDiaryNudge,
    ShowDiaryNudge,
    ShowFeed,
    ShowStats,
    WriteDiary,
)
from core.products.diary.schedules import SchedulesService
from core.products.diary.service import DiaryService
from core.products.diary.stats import StatsService
from core.products.diary.verbs import VERBS
from core.registration import Built, Kit, Product


def _build(kit: Kit) -> Built:
    diary = DiaryService(uow=kit.uow, clock=kit.clock, llm=kit.llm, gate=kit.gate, budget=kit.budget)
    stats = StatsService(uow=kit.uow, clock=kit.clock, catalog=kit.catalog, chart=kit.chart)
    schedules = SchedulesService(uow=kit.uow, clock=kit.clock, digest=stats.digest)
    return Built(
        handlers={
            WriteDiary: diary.write,
            ListDiaries: diary.list_entries,
            ChangeEntry: diary.change,
            ShowFeed: diary.feed,
            CommentOnEntry: diary.comment,
            ShowStats: stats.show,
            SetDiaryNudge: schedules.set_diary_nudge,
            ShowDiaryNudge: schedules.show_diary_nudge,
        },
        clock_steps=(schedules.materialize_due, diary.purge_pending),
        consent_hooks=(diary.after_consent,),
    )


PRODUCT = Product(name="diary", verbs=VERBS, build=_build, account=ACCOUNT)
