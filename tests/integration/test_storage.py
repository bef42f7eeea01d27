"""Encryption at rest, the unit of work, and the worry lock on Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import PlainCipher, new_key
from core.adapters.db.engine import session_factory
from core.adapters.db.models import TurnRow, UserRow, WorryRow
from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
from core.adapters.locks import InProcessLocks, RedisLocks
from core.bootstrap import bootstrap
from core.domain.values import Locale
from core.ports import Locks
from core.settings import Settings
from tests.conftest import REDIS_URL, _unavailable, dm, meet
from tests.fakes import FixedClock, RecordingResponder, ScriptedLanguageModel


async def test_worry_text_is_encrypted_at_rest_when_a_key_is_set(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    app = bootstrap(
        settings.model_copy(update={"maeum_encryption_key": new_key()}), clock=clock, llm=llm, engine=engine
    )
    await app.dispatcher.handle(dm("/consent yes"), RecordingResponder())
    await app.dispatcher.handle(dm("아무도 몰랐으면 하는 고민"), RecordingResponder())
    async with engine.connect() as conn:
        stored = [*(await conn.scalars(select(WorryRow.text))).all(), *(await conn.scalars(select(TurnRow.text))).all()]
    assert stored and all(s.startswith("enc1:") for s in stored)
    assert not any("고민" in s for s in stored)
    export = RecordingResponder()
    await app.dispatcher.handle(dm("/export"), export)
    assert "아무도 몰랐으면 하는 고민" in export.last.current.attachments[0].content.decode()


async def test_unit_of_work_without_commit_stores_nothing(engine: AsyncEngine, clock: FixedClock) -> None:
    uow = SqlAlchemyUnitOfWorkFactory(session_factory(engine), PlainCipher())
    async with uow() as work:
        await work.users.create(
            platform="t", external_id="x", display_name="x", locale=Locale.KO, timezone="Asia/Seoul", now=clock.now()
        )
    async with engine.connect() as conn:
        assert (await conn.scalars(select(UserRow.id))).all() == []


@asynccontextmanager
async def connected_redis_locks() -> AsyncIterator[RedisLocks]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:  # noqa: BLE001 — any connection failure means "no server"
        await client.aclose()
        _unavailable("Redis", error)
    try:
        yield RedisLocks(client, prefix=f"maeum:test:{uuid.uuid4().hex}:")
    finally:
        await client.aclose()


@pytest.fixture
async def redis_locks() -> AsyncIterator[RedisLocks]:
    async with connected_redis_locks() as locks:
        yield locks


@pytest.fixture(params=["redis", "in-process"])
async def locks(request: pytest.FixtureRequest) -> AsyncIterator[Locks]:
    if request.param == "in-process":
        yield InProcessLocks()
        return
    async with connected_redis_locks() as shared:
        yield shared


async def test_a_lock_has_one_holder_and_frees_on_exit(locks: Locks) -> None:
    async with locks.hold("worry:1", ttl_seconds=30) as first:
        async with locks.hold("worry:1", ttl_seconds=30) as second:
            assert first and not second
        async with locks.hold("worry:2", ttl_seconds=30) as other:
            assert other
    async with locks.hold("worry:1", ttl_seconds=30) as again:
        assert again


async def test_redis_lock_expires_so_a_crashed_holder_frees_itself(redis_locks: RedisLocks) -> None:
    async with redis_locks.hold("worry:9", ttl_seconds=1) as first:
        assert first
        await asyncio.sleep(1.1)
        async with redis_locks.hold("worry:9", ttl_seconds=30) as second:
            assert second


async def test_parallel_worries_of_one_user_get_one_answer_and_one_busy_note(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, redis_locks: RedisLocks
) -> None:
    gate, started = asyncio.Event(), asyncio.Event()

    class SlowModel(ScriptedLanguageModel):
        async def stream(self, call):  # type: ignore[no-untyped-def,override]
            started.set()
            await gate.wait()
            async for event in super().stream(call):
                yield event

    app = bootstrap(settings, clock=clock, llm=SlowModel(), engine=engine, locks=redis_locks)
    first, second = RecordingResponder(), RecordingResponder()
    await meet(app)  # a known person: no first-message welcome
    task = asyncio.create_task(app.dispatcher.handle(dm("첫 고민"), first))
    await started.wait()
    await app.dispatcher.handle(dm("두 번째 고민"), second)
    gate.set()
    await task
    assert "답하는 중" in second.all_text()
    assert len(first.messages) == 2
