"""Shared fixtures: every database-backed test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.engine import create_app_engine, create_sync_engine
from core.adapters.db.migrate import upgrade
from core.adapters.db.models import Base
from core.bootstrap import App, bootstrap
from core.domain.values import ChatKind
from core.inbound import ChatRef, IncomingMessage, Invocation, Sender
from core.settings import Settings
from tests.embedding_model import build_tiny_model
from tests.fakes import FixedClock, RecordingOpsAlerts, ScriptedLanguageModel

POSTGRES_URL = os.environ.get("MAEUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MAEUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def schema_url(schema: str) -> str:
    """The test database with its search path set to `schema`: the URL alone describes the database."""
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def services_required() -> bool:
    """Under CI (or `make test`) a missing PostgreSQL or Redis is a failure, not a skip."""
    return bool(os.environ.get("CI") or os.environ.get("MAEUM_REQUIRE_SERVICES"))


def _unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def empty_postgres_schema() -> Iterator[str]:
    """A new, empty schema in the `test` database (dropped afterwards), as a URL."""
    schema = f"maeum_t_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_sync_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 — any connection failure means "no server"
        _unavailable("PostgreSQL", error)
    try:
        yield schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def empty_redis_db(number: int) -> Iterator[str]:
    """A Redis database of its own (emptied before and after), as a URL."""
    from redis import Redis

    url = REDIS_URL.rsplit("/", 1)[0] + f"/{number}"
    client = Redis.from_url(url)
    try:
        client.flushdb()
    except Exception as error:  # noqa: BLE001 — any connection failure means "no server"
        client.close()
        _unavailable("Redis", error)
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private schema, migrated once per test session; `database` empties it for each test."""
    with empty_postgres_schema() as url:
        upgrade(url=url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'maeum.db'}"
        upgrade(url=url)
        yield url
        return
    url = request.getfixturevalue("postgres_schema")
    engine = create_sync_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture(scope="session")
def tiny_embedding_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real sentence-transformers model (16 dimensions, its tokenizer trained on the sample catalog), built once
    per session into a temporary folder, with nothing downloaded (tests/embedding_model.py). The session runs in
    Hugging Face's offline mode from here on: huggingface_hub reads HF_HUB_OFFLINE once, when first imported."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield build_tiny_model(tmp_path_factory.mktemp("tiny-embedding-model"))


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    created = create_app_engine(database)
    yield created
    await created.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def llm() -> ScriptedLanguageModel:
    return ScriptedLanguageModel(lambda call: f"{call.persona} 답변: 천천히 함께 생각해 봐요")


@pytest.fixture
def ops() -> RecordingOpsAlerts:
    return RecordingOpsAlerts()


def make_settings(database_url: str = "sqlite:///:memory:", **overrides: Any) -> Settings:
    return Settings(_env_file=None, database_url=database_url, **overrides)  # type: ignore[call-arg]


def with_local_model(settings: Settings, base_url: str, *, model: str, **overrides: Any) -> Settings:
    """`settings` pointed at the local OpenAI-compatible server, with quick retries for tests."""
    return settings.model_copy(
        update={
            "llm_base_url": base_url,
            "llm_api_key": "sk-test",
            "llm_model": model,
            "llm_backoff_seconds": 0.01,
            "llm_timeout_seconds": 2.0,
            **overrides,
        }
    )


@pytest.fixture
def settings(database: str) -> Settings:
    return make_settings(database)


@pytest.fixture
async def app(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel, ops: RecordingOpsAlerts
) -> AsyncIterator[App]:
    built = bootstrap(settings, clock=clock, llm=llm, engine=engine, ops=ops)
    yield built
    if built.redis is not None:
        await built.redis.aclose()


def dm(
    text: str | None = None,
    *,
    user: str = "u1",
    locale: str | None = None,
    invocation: Invocation | None = None,
    platform: str = "terminal",
) -> IncomingMessage:
    return IncomingMessage(
        platform=platform,
        chat=ChatRef(id=f"dm:{user}", kind=ChatKind.DIRECT),
        sender=Sender(external_id=user, name=user, locale=locale),
        text=text,
        invocation=invocation,
    )


def group(text: str, *, user: str = "u1", room: str = "club") -> IncomingMessage:
    return IncomingMessage(
        platform="terminal",
        chat=ChatRef(id=f"group:{room}", kind=ChatKind.GROUP),
        sender=Sender(external_id=user, name=user),
        text=text,
    )


async def meet(app: Any, user: str = "u1") -> None:
    """The person has talked to maeum before (a /help): their next plain message is not their first, so it comes
    without the one-line welcome a first message gets (tests/integration/test_talk.py covers that)."""
    from tests.fakes import RecordingResponder

    await app.dispatcher.handle(dm("/help", user=user), RecordingResponder())
