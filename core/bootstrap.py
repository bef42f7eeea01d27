"""The composition root: the one place that picks concrete adapters for the ports."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.charts import MatplotlibChartRenderer
from core.adapters.clock import SystemClock
from core.adapters.crisis_classifier import shipped_classifier
from core.adapters.crypto import FernetCipher, PlainCipher
from core.adapters.db.engine import create_app_engine, session_factory
from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
from core.adapters.embeddings import SentenceTransformerEmbedder  # light: sentence-transformers loads on first use
from core.adapters.intent_corpus import shipped_intent_model
from core.adapters.locks import InProcessLocks, RedisLocks
from core.adapters.metrics import InProcessMetrics, RedisMetrics
from core.adapters.offline_counselor import OfflineCounselor
from core.adapters.ops import LoggingOpsAlerts
from core.adapters.pacing import InProcessPacer, RedisPacer
from core.adapters.presence import InProcessPresence, RedisPresence
from core.adapters.queue import InProcessJobQueue, RqJobQueue
from core.commands import Command
from core.dispatch import Dispatcher
from core.domain.accounts import CodeLimits
from core.domain.budget import BudgetLimits
from core.domain.outbox import QUEUE_GRACE
from core.i18n import Catalog, catalog
from core.ports import (
    Cipher,
    Clock,
    CrisisClassifier,
    Embedder,
    ImageModel,
    JobQueue,
    LanguageModel,
    Locks,
    Messenger,
    Metrics,
    OpsAlerts,
    Pacer,
    Presence,
    UnitOfWorkFactory,
)
from core.products import registered
from core.registration import ConsentHook, Handler, Kit, Listener, Product, Step
from core.routing import VerbTable
from core.settings import Settings
from core.usecases.announcements import AnnouncementService
from core.usecases.choices import Choices
from core.usecases.code_guard import CodeGuard
from core.usecases.dead_letters import DeadLettersService
from core.usecases.delivery import DeliveryService
from core.usecases.inbox_intake import Handle, InboxIntake
from core.usecases.model_budget import ModelBudget
from core.usecases.outbox_relay import OutboxRelay
from core.usecases.retention import RetentionService
from core.usecases.safety_gate import SafetyGate
from core.usecases.talk import Talk

logger = logging.getLogger(__name__)


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
    queue: JobQueue
    metrics: Metrics
    # The clock's periodic steps that every process running the clock takes (the leader only).
    housekeeping: tuple[Callable[[], Awaitable[object]], ...] = ()
    verbs: VerbTable = field(default_factory=lambda: VerbTable(()))
    handled: frozenset[type[Command]] = frozenset()  # every command some product handles
    products: tuple[Product, ...] = ()
    engine: AsyncEngine | None = None
    redis: Any = None
    embedder: Embedder | None = None  # None: lexical matching only (EMBEDDING_MODEL unset)
    images: ImageModel | None = None  # None: LLM_IMAGE_MODEL unset

    def outbox_relay(self, *, holder: str | None = None, queue_grace: timedelta | None = None) -> OutboxRelay:
        """The clock's work for this process; several may exist, one leads (database lease)."""
        name = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        return OutboxRelay(
            uow=self.uow,
            clock=self.clock,
            queue=self.queue,
            holder=name,
            batch_size=self.settings.push_batch_size,
            lease=timedelta(seconds=self.settings.push_lease_seconds),
            queue_grace=queue_grace or QUEUE_GRACE,
        )

    def inbox_intake(self, platform: str, handle: Handle) -> InboxIntake:
        """The durable inbox for one platform's updates, handing each stored update to `handle`."""
        return InboxIntake(
            uow=self.uow,
            clock=self.clock,
            platform=platform,
            handle=handle,
            lease=timedelta(seconds=self.settings.inbox_lease_seconds),
            first_retry=timedelta(seconds=self.settings.inbox_retry_seconds),
            max_attempts=self.settings.inbox_max_attempts,
        )

    async def aclose(self) -> None:
        if isinstance(self.queue, InProcessJobQueue):
            await self.queue.drain()
        elif isinstance(self.queue, RqJobQueue):
            self.queue.close()
        for model in (self.llm, self.images):
            close = getattr(model, "aclose", None)
            if close is not None:
                await close()
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


def build_image_model(settings: Settings) -> ImageModel | None:
    """The image model for LLM_IMAGE_MODEL on the configured endpoint, or None (no endpoint, or no image model)."""
    if not settings.llm_configured or not settings.llm_image_model:
        return None
    from core.adapters.images import OpenAIImageModel  # the openai package loads only when configured

    assert settings.llm_base_url is not None
    return OpenAIImageModel(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        model=settings.llm_image_model,
        size=settings.llm_image_size,
        timeout_seconds=max(settings.llm_timeout_seconds, 60.0),  # a picture takes longer than a reply
        max_retries=settings.llm_max_retries,
        backoff_seconds=settings.llm_backoff_seconds,
    )


def build_embedder(settings: Settings) -> Embedder | None:
    """The Embedder for EMBEDDING_MODEL, or None (lexical matching only, nothing downloaded) when unset.

    Nothing heavy happens here: sentence-transformers is imported and the model loaded (a hub name downloaded) on
    the first embedding, in a worker thread, so a process that never matches never loads it."""
    if not settings.embedding_model:
        return None
    logger.info("EMBEDDING_MODEL=%s: matching by embeddings (the model loads on first use)", settings.embedding_model)
    return SentenceTransformerEmbedder(settings.embedding_model)


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
    products: Sequence[Product] | None = None,
    embedder: Embedder | None = None,
    presence: Presence | None = None,
    images: ImageModel | None = None,
) -> App:
    """Build the App once per process; tests pass fakes for any port (and may register a product of their own)."""
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
    presence = presence or (RedisPresence(redis) if redis is not None else InProcessPresence())
    llm = llm or build_language_model(settings)
    embedder = embedder if embedder is not None else build_embedder(settings)
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
    products = tuple(products) if products is not None else registered()
    verbs = VerbTable(verb for product in products for verb in product.verbs)
    choices = Choices(uow=uow, clock=clock)
    consent_hooks: list[ConsentHook] = []
    kit = Kit(
        uow=uow,
        clock=clock,
        catalog=messages,
        llm=llm,
        fallback=OfflineCounselor(),
        locks=locks,
        gate=gate,
        budget=budget,
        ops=ops,
        chart=MatplotlibChartRenderer(),
        code_guard=guard,
        settings=settings,
        encrypted_at_rest=bool(settings.maeum_encryption_key),
        verbs=verbs,
        products=tuple(products),
        consent_hooks=consent_hooks,
        embedder=embedder,
        presence=presence,
        images=images if images is not None else build_image_model(settings),
        choices=choices,
    )
    handlers: dict[type[Command], Handler] = {}
    clock_steps: list[Step] = []
    listeners: list[Listener] = []
    for product in products:
        built = product.build(kit)
        for command, handler in built.handlers.items():
            if command in handlers:
                raise ValueError(f"{command.__name__} has two handlers (the second from {product.name})")
            handlers[command] = handler
        clock_steps.extend(built.clock_steps)
        consent_hooks.extend(built.consent_hooks)
        listeners.extend(built.listeners)
    plain_text = [product.plain_text for product in products if product.plain_text is not None]
    if len(plain_text) > 1:
        raise ValueError("more than one product claims plain direct messages")
    if plain_text and verbs.lookup(plain_text[0]) is None:
        raise ValueError(f"plain direct messages go to the verb {plain_text[0]!r}, which no product registers")
    talk = Talk(
        uow=uow,
        clock=clock,
        gate=gate,
        llm=llm,
        budget=budget,
        choices=choices,
        model=shipped_intent_model(),
        verbs=verbs,
        plain_verb=plain_text[0] if plain_text else None,
    )
    delivery = DeliveryService(
        uow=uow,
        clock=clock,
        messengers=dict(messengers or {}),
        pacer=pacer,
        catalog=messages,
        metrics=metrics,
        rate_overrides=settings.push_rate_per_second,
        lease=timedelta(seconds=settings.push_lease_seconds),
        concurrency=settings.push_concurrency,
        paid_broadcast=("telegram",) if settings.telegram_paid_broadcast else (),
    )
    retention = RetentionService(uow=uow, clock=clock, keep=timedelta(days=settings.retention_days))
    if queue is None:
        queue = RqJobQueue(settings.redis_url) if settings.redis_url else InProcessJobQueue(delivery.deliver)
    dispatcher = Dispatcher(
        uow=uow,
        clock=clock,
        catalog=messages,
        handlers=handlers,
        verbs=verbs,
        plain_text=plain_text[0] if plain_text else None,
        listeners=tuple(listeners),
        talk=talk,
        choices=choices,
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
        queue=queue,
        metrics=metrics,
        housekeeping=(*clock_steps, retention.sweep, choices.purge),
        verbs=verbs,
        handled=frozenset(handlers),
        products=tuple(products),
        engine=engine,
        redis=redis,
        embedder=embedder,
        images=kit.images,
    )
