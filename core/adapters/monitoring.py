"""What a web process says about itself: whether it is ready (`/readyz`: the database, its schema, Redis) and its
metrics (`/metrics`, Prometheus text). Platform-free, so the web adapter only routes to it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from core.adapters.db.migrate import SchemaState, read_schema_state
from core.bootstrap import App

logger = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 3.0


class SchemaWatch:
    """Whether the database's schema is the code's, read through Alembic (`read_schema_state`). `/readyz` reads it
    afresh each time; the platform routes, `/metrics` and inbox recovery ask `current()`, which reads it again at
    most every few seconds until it is current — so a `maeum migrate` run while the process is up is noticed."""

    RECHECK_SECONDS = 5.0

    def __init__(self, app: App) -> None:  # the whole App: readiness reads its engine and Redis
        self._app = app
        self.state: SchemaState | None = None
        self._read_at = -1e9

    async def read(self) -> SchemaState:
        """Raises what the database raises when it cannot be reached."""
        engine = self._app.engine
        if engine is None:  # tests that pass their own unit of work: nothing to check
            self.state = SchemaState(database=(), code=())
            return self.state
        async with asyncio.timeout(READY_TIMEOUT_SECONDS), engine.connect() as conn:
            self.state = await conn.run_sync(read_schema_state)
        self._read_at = time.monotonic()
        return self.state

    async def current(self) -> bool:
        """True unless the schema is known to be behind (an unreachable database is the routes' own outage)."""
        if (self.state is None or self.state.behind) and time.monotonic() - self._read_at > self.RECHECK_SECONDS:
            self._read_at = time.monotonic()
            with contextlib.suppress(Exception):
                await self.read()
        return self.state is None or not self.state.behind


async def database_ready(schema: SchemaWatch) -> tuple[str | None, str]:
    """(the problem, if any, that makes the process not ready; what to show as the schema)."""
    try:
        state = await schema.read()
    except Exception as error:  # noqa: BLE001 — any failure means "not ready"
        return f"database: {type(error).__name__}", "not read (database unreachable)"
    if state.behind:
        return f"schema {state.describe()} — run `maeum migrate`", state.describe()
    # A schema newer than the code is shown, not refused: in a rolling deploy the release migrates first and the
    # old web processes must keep serving until the new ones are ready.
    return None, state.describe()


async def redis_ready(app: App) -> str | None:
    if app.redis is None:
        return None
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await app.redis.ping()
    except Exception as error:  # noqa: BLE001
        return f"redis: {type(error).__name__}"
    return None


class _Snapshot:
    """The metric families of one scrape, gathered asynchronously before the registry collects them."""

    def __init__(self) -> None:
        self.families: list[object] = []

    def collect(self) -> list[object]:
        return self.families


async def gather_metrics(app: App, *, database: bool = True) -> bytes:
    """Everything that can be read now: without Redis the counters are left out, without the database (or with its
    schema behind the code, `database=False`) the outbox and model-usage families; /readyz tells why."""
    snapshot = _Snapshot()
    families = snapshot.families

    async def counter_by(name: str, doc: str, label: str, source: str) -> None:
        try:
            values = await app.metrics.read(source)
        except Exception:  # noqa: BLE001 — Redis down: serve the rest; /readyz tells why
            return
        family = CounterMetricFamily(name, doc, labels=[label])
        for key, value in sorted(values.items()):
            family.add_metric([key], value)
        families.append(family)

    await counter_by("maeum_messages_in", "Messages received, by platform", "platform", "messages_in")
    await counter_by("maeum_messages_out", "Messages sent, by platform", "platform", "messages_out")
    await counter_by("maeum_deliveries", "Push delivery attempts, by outcome", "outcome", "deliveries")
    with contextlib.suppress(Exception):
        families.append(GaugeMetricFamily("maeum_queue_depth", "Delivery jobs waiting", value=app.queue.depth()))
    if database:
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                families.extend(await _database_families(app))
        except Exception as error:  # noqa: BLE001 — the database down: serve the rest
            logger.warning("metrics: the database's families left out (%s)", type(error).__name__)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(snapshot)  # type: ignore[arg-type]
    return generate_latest(registry)


async def _database_families(app: App) -> list[object]:
    families: list[object] = []
    async with app.uow() as uow:
        states = await uow.outbox.count_by_state()
        usage = await uow.usage.totals()
    outbox = GaugeMetricFamily("maeum_outbox_rows", "Outbox rows by state", labels=["state"])
    for state, count in sorted(states.items()):
        outbox.add_metric([state], count)
    families.append(outbox)
    families.append(
        GaugeMetricFamily("maeum_dead_letters", "Pushes that failed every attempt", value=states.get("dead", 0))
    )
    families.append(CounterMetricFamily("maeum_llm_calls", "Language model calls", value=usage["calls"]))
    tokens = CounterMetricFamily("maeum_llm_tokens", "Language model tokens", labels=["direction"])
    tokens.add_metric(["in"], usage["tokens_in"])
    tokens.add_metric(["out"], usage["tokens_out"])
    families.append(tokens)
    families.append(
        CounterMetricFamily(
            "maeum_llm_cost", f"Language model cost in {app.settings.budget_currency}", value=usage["cost"]
        )
    )
    families.append(
        CounterMetricFamily(
            "maeum_llm_latency_seconds", "Total language model latency (÷ calls = mean)", value=usage["latency_seconds"]
        )
    )
    return families
