"""Dual counseling through the real `openai` client against a local OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import LlmUsageRow
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.conftest import dm, meet, with_local_model
from tests.fakes import FixedClock, RecordingResponder
from tests.servers.openai_compatible import Fail, FakeOpenAIServer, RecordedRequest, Reply


def by_persona(request: RecordedRequest) -> Reply:
    persona = "F" if "(F)" in request.system_prompt else "T"
    return Reply(chunks=[f"{persona}-{i} " for i in range(8)], chunk_delay=0.03, prompt_tokens=120, completion_tokens=8)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(by_persona, api_key="sk-test") as running:
        yield running


@pytest.fixture
def openai_settings(settings: Settings, server: FakeOpenAIServer) -> Settings:
    server.reset()
    server.responder = by_persona
    return with_local_model(settings, server.base_url, model="counsel-1")


async def test_f_and_t_requests_overlap_in_time_and_stream(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    app = bootstrap(openai_settings, clock=clock, engine=engine)
    responder = RecordingResponder()
    await meet(app)  # a known person: no first-message welcome
    await app.dispatcher.handle(dm("요즘 잠이 안 와요"), responder)

    first, second = sorted(server.requests, key=lambda r: r.arrived_at)
    assert first.stream and second.stream
    assert second.arrived_at < first.completed_at  # type: ignore[operator]  # concurrent, not one after the other
    assert {("(F)" in r.system_prompt) for r in server.requests} == {True, False}

    f_part, t_part = responder.messages
    assert f_part.current.sections[0].body.split() == [f"F-{i}" for i in range(8)]
    assert t_part.current.sections[0].body.split() == [f"T-{i}" for i in range(8)]
    assert len(f_part.edits) >= 8  # streamed: an edit per chunk, then the final one with buttons
    assert f_part.current.sections[0].note is None  # not labelled offline

    async with engine.connect() as conn:
        rows = (await conn.execute(select(LlmUsageRow))).all()
    assert sorted((r.purpose, r.model, r.tokens_in, r.tokens_out) for r in rows) == [
        ("counsel.F", "counsel-1", 120, 8),
        ("counsel.T", "counsel-1", 120, 8),
    ]
    assert all(r.cost_micros == 30_400 for r in rows)  # 120 × 0.2/1k + 8 × 0.8/1k = 0.0304


async def test_server_errors_are_retried_then_answered(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    server.script(Fail(status=500), Fail(status=429, retry_after=0.01))
    app = bootstrap(openai_settings, clock=clock, engine=engine)
    responder = RecordingResponder()
    await app.dispatcher.handle(dm("회사 일이 많아요"), responder)
    assert len(server.requests) == 4
    assert all(m.current.sections[0].note is None for m in responder.messages)


async def test_a_dead_endpoint_gets_the_offline_fallback_never_silence(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    server.responder = lambda _request: Fail(status=503)
    app = bootstrap(openai_settings, clock=clock, engine=engine)
    responder = RecordingResponder()
    await meet(app)  # a known person: no first-message welcome
    await app.dispatcher.handle(dm("요즘 너무 불안해요"), responder)
    assert len(responder.messages) == 2
    assert all(part.current.sections[0].body.strip() for part in responder.messages)
    notes = [part.current.sections[0].note for part in responder.messages if part.current.sections[0].note]
    assert notes == ["AI 연결이 불안정해서 준비된 답변으로 대신했어요"]  # once for the answer, not under each part
    assert len(server.requests) == 2 * (openai_settings.llm_max_retries + 1)


async def test_the_api_key_and_persona_model_overrides_reach_the_server(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    app = bootstrap(openai_settings.model_copy(update={"llm_model_t": "thinker-2"}), clock=clock, engine=engine)
    await app.dispatcher.handle(dm("결정을 못 하겠어요"), RecordingResponder())
    assert {r.authorization for r in server.requests} == {"Bearer sk-test"}
    assert sorted(r.model or "" for r in server.requests) == ["counsel-1", "thinker-2"]
