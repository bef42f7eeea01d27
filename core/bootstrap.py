"""The composition root: the one place that picks concrete adapters for the ports."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from core import commands as c
from core.adapters.charts import MatplotlibChartRenderer
from core.adapters.clock import SystemClock
from core.adapters.crisis_classifier import shipped_classifier
from core.adapters.crypto import FernetCipher, PlainCipher
from core.adapters.db.engine import create_app_engine, session_factory
from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
from core.adapters.locks import InProcessLocks, RedisLocks
from core.adapters.metrics import InProcessMetrics, RedisMetrics
from core.adapters.offline_counselor import OfflineCounselor
from core.adapters.ops import LoggingOpsAlerts
from core.adapters.pacing import InProcessPacer, RedisPacer
from core.adapters.queue import InProcessJobQueue, RqJobQueue
from core.dispatch import Dispatcher, Handler
from core.domain.budget import BudgetLimits
from core.domain.outbox import QUEUE_GRACE
from core.i18n import Catalog, catalog
from core.ports import (
    Cipher,
    Clock,
    CrisisClassifier,
    JobQueue,
    LanguageModel,
    Locks,
    Messenger,
    Metrics,
    OpsAlerts,
    Pacer,
    UnitOfWorkFactory,
)
from core.products.account.code_guard import CodeGuard
from core.products.account.domain import CodeLimits
from core.products.account.service import AccountService
from core.products.counseling.service import CounselingLimits, CounselingService
from core.products.diary.schedules import SchedulesService
from core.products.diary.service import DiaryService
from core.products.diary.stats import StatsService
from core.products.friends.service import FriendsService
from core.products.points.service import PointsService
from core.products.reminders.service import RemindersService
from core.settings import Settings
from core.usecases.announcements import AnnouncementService
from core.usecases.clock import ClockService
from core.usecases.dead_letters import DeadLettersService
from core.usecases.delivery import DeliveryService
from core.usecases.model_budget import ModelBudget
from core.usecases.retention import RetentionService
from core.usecases.safety_gate import SafetyGate


@dataclass(kw_only=True)
class App:
    settings: Settings
    dispatcher: Dispatcher
    uow: UnitOfWorkFactory
    clock: Clock
    llm: LanguageModel
    catalog: Catalog
    delivery: DeliveryService
    announcements: AnnouncementService
    dead_letters: DeadLettersService
    schedules: SchedulesService
    queue: JobQueue
    metrics: Metrics
    # The clock's periodic steps that every process running the clock takes (the leader only).
    housekeeping: tuple[Callable[[], Awaitable[object]], ...] = ()
    engine: AsyncEngine | None = None
    redis: Any = None

    def clock_service(self, *, holder: str | None = None, queue_grace: timedelta | None = None) -> ClockService:
        """The clock's work for this process; several may exist, one leads (database lease)."""
        name = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        return ClockService(
            uow=self.uow,
            clock=self.clock,
            queue=self.queue,
            holder=name,
            batch_size=self.settings.push_batch_size,
            lease=timedelta(seconds=self.settings.push_lease_seconds),
            queue_grace=queue_grace or QUEUE_GRACE,
        )

    async def aclose(self) -> None:
        if isinstance(self.queue, InProcessJobQueue):
            await self.queue.drain()
        elif isinstance(self.queue, RqJobQueue):
            self.queue.close()
        close_llm = getattr(self.llm, "aclose", None)
        if close_llm is not None:
            await close_llm()
        if self.redis is not None:
            await self.redis.aclose()
        if self.engine is not None:
            await self.engine.dispose()


def build_language_model(settings: Settings) -> LanguageModel:
    if not settings.llm_configured:
        return OfflineCounselor()
    from core.adapters.llm import OpenAILanguageModel  # the openai package loads only when configured
    from core.domain.values import Persona

    assert settings.llm_base_url is not None
    overrides = {
        persona: model
        for persona, model in ((Persona.F, settings.llm_model_f), (Persona.T, settings.llm_model_t))
        if model
    }
    model: LanguageModel = OpenAILanguageModel(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        model=settings.llm_model,
        persona_models=overrides,
        timeout_seconds=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
        backoff_seconds=settings.llm_backoff_seconds,
    )
    return model


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    llm: LanguageModel | None = None,
    uow: UnitOfWorkFactory | None = None,
    engine: AsyncEngine | None = None,
    locks: Locks | None = None,
    ops: OpsAlerts | None = None,
    cipher: Cipher | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    queue: JobQueue | None = None,
    pacer: Pacer | None = None,
    redis: Any = None,
    metrics: Metrics | None = None,
    crisis_classifier: CrisisClassifier | None = None,
) -> App:
    """Build the App once per process; tests pass fakes for any port."""
    clock = clock or SystemClock()
    cipher = cipher or (FernetCipher(settings.maeum_encryption_key) if settings.maeum_encryption_key else PlainCipher())
    if uow is None:
        engine = engine or create_app_engine(settings.database_url)
        uow = SqlAlchemyUnitOfWorkFactory(session_factory(engine), cipher)
    if redis is None and settings.redis_url and (locks is None or pacer is None):
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
    locks = locks or (RedisLocks(redis) if redis is not None else InProcessLocks())
    pacer = pacer or (RedisPacer(redis) if redis is not None else InProcessPacer())
    metrics = metrics or (RedisMetrics(redis) if redis is not None else InProcessMetrics())
    llm = llm or build_language_model(settings)
    ops = ops or LoggingOpsAlerts()
    messages = catalog()

    if crisis_classifier is None:
        shipped = shipped_classifier(settings.crisis_cache_dir)
        shipped.warm()
        crisis_classifier = shipped
    gate = SafetyGate(uow=uow, clock=clock, classifier=crisis_classifier, ops=ops)
    budget = ModelBudget(
        clock=clock,
        limits=BudgetLimits(
            monthly_budget=settings.monthly_budget,
            budget_timezone=settings.default_timezone,
            user_daily_calls=settings.user_daily_model_calls,
            user_monthly_share=settings.user_monthly_budget_share,
            price_input_per_1k=settings.llm_price_input_per_1k,
            price_output_per_1k=settings.llm_price_output_per_1k,
        ),
    )
    guard = CodeGuard(
        uow=uow,
        clock=clock,
        limits=CodeLimits(
            wrong_tries=settings.code_wrong_tries,
            window=timedelta(minutes=settings.code_wrong_tries_minutes),
            codes_per_day=settings.codes_per_day,
        ),
    )
    counseling = CounselingService(
        uow=uow,
        clock=clock,
        llm=llm,
        fallback=OfflineCounselor(),
        locks=locks,
        gate=gate,
        budget=budget,
        limits=CounselingLimits(
            daily_free_worries=settings.daily_free_worries,
            history_worries=settings.history_worries,
            second_opinion=settings.safety_second_opinion,
        ),
    )
    reminders = RemindersService(uow=uow, clock=clock, gate=gate)
    diary = DiaryService(
        uow=uow,
        clock=clock,
        llm=llm,
        gate=gate,
        budget=budget,
    )
    account = AccountService(
        uow=uow,
        clock=clock,
        encrypted_at_rest=bool(settings.maeum_encryption_key),
        guard=guard,
        consent_hooks=(diary.after_consent,),
    )
    friends = FriendsService(uow=uow, clock=clock, gate=gate, guard=guard)
    stats = StatsService(uow=uow, clock=clock, catalog=messages, chart=MatplotlibChartRenderer())
    schedules = SchedulesService(uow=uow, clock=clock, digest=stats.digest)
    delivery = DeliveryService(
        uow=uow,
        clock=clock,
        messengers=dict(messengers or {}),
        pacer=pacer,
        catalog=messages,
        metrics=metrics,
        rate_overrides=settings.push_rate_per_second,
        lease=timedelta(seconds=settings.push_lease_seconds),
    )
    retention = RetentionService(uow=uow, clock=clock, keep=timedelta(days=settings.retention_days))
    if queue is None:
        queue = RqJobQueue(settings.redis_url) if settings.redis_url else InProcessJobQueue(delivery.deliver)
    handlers: dict[type[c.Command], Handler] = {
        c.Start: account.start,
        c.SetConsent: account.set_consent,
        c.ShowHelp: account.help,
        c.ShowHome: account.home,
        c.SetLanguage: account.set_language,
        c.SetTimezone: account.set_timezone,
        c.SetQuietHours: account.set_quiet_hours,
        c.LinkAccount: account.link,
        c.ListLinkedAccounts: account.list_linked,
        c.UnlinkAccount: account.unlink,
        c.ExportData: account.export,
        c.RequestForget: account.request_forget,
        c.ConfirmForget: account.confirm_forget,
        c.AskWorry: counseling.ask,
        c.StartNewConversation: counseling.start_new,
        c.MarkHelpful: counseling.mark_helpful,
        c.SetReminder: reminders.set,
        c.ListReminders: reminders.list,
        c.CancelReminder: reminders.cancel,
        c.WriteDiary: diary.write,
        c.ListDiaries: diary.list_entries,
        c.ChangeEntry: diary.change,
        c.ShowFeed: diary.feed,
        c.CommentOnEntry: diary.comment,
        c.InviteFriend: friends.invite,
        c.AcceptFriend: friends.accept,
        c.ListFriends: friends.list_friends,
        c.RemoveFriend: friends.remove,
        c.WriteGuestbook: friends.write_guestbook,
        c.ShowGuestbook: friends.show_guestbook,
        c.ShowPoints: PointsService(uow=uow).show,
        c.ShowStats: stats.show,
        c.SetDiaryNudge: schedules.set_diary_nudge,
    }
    dispatcher = Dispatcher(
        uow=uow,
        clock=clock,
        catalog=messages,
        handlers=handlers,
        max_input_chars=settings.max_input_chars,
        default_locale=settings.default_locale,
        default_timezone=settings.default_timezone,
        metrics=metrics,
    )
    return App(
        settings=settings,
        dispatcher=dispatcher,
        uow=uow,
        clock=clock,
        llm=llm,
        catalog=messages,
        delivery=delivery,
        announcements=AnnouncementService(uow=uow, clock=clock),
        dead_letters=DeadLettersService(uow=uow, clock=clock),
        schedules=schedules,
        queue=queue,
        metrics=metrics,
        housekeeping=(schedules.materialize_due, diary.purge_pending, retention.sweep),
        engine=engine,
        redis=redis,
    )
