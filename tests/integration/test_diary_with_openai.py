"""The diary's reading (emotion, intensity, comment) as JSON through the real `openai` client and a local
OpenAI-compatible server; out-of-shape answers fall back to the offline reading."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import DiaryEntryRow, LlmUsageRow
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.conftest import dm, with_local_model
from tests.fakes import FixedClock, RecordingResponder
from tests.servers.openai_compatible import FakeOpenAIServer, RecordedRequest, Reply


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(api_key="sk-test") as running:
        yield running


@pytest.fixture
def openai_settings(settings: Settings, server: FakeOpenAIServer) -> Settings:
    server.reset()
    return with_local_model(settings, server.base_url, model="diary-1", llm_max_retries=0)


async def write(settings: Settings, engine: AsyncEngine, clock: FixedClock, text: str) -> str:
    app = bootstrap(settings, clock=clock, engine=engine)
    await app.dispatcher.handle(dm("/consent yes"), RecordingResponder())
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(f"/diary {text}"), responder)
    return responder.all_text()


async def test_the_models_json_reading_is_validated_and_used(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    reading = {"emotion": "tiredness", "intensity": 4, "comment": "오늘 정말 애쓰셨어요. 푹 쉬어요."}
    server.responder = lambda request: Reply(text=json.dumps(reading, ensure_ascii=False))
    answer = await write(openai_settings, engine, clock, "야근만 일주일째라 몸이 천근만근")
    assert "지침" in answer and "오늘 정말 애쓰셨어요" in answer
    [request] = server.requests
    assert "<worry>" in request.messages[-1]["content"]  # the entry reaches the model delimited as data
    async with engine.connect() as conn:
        assert (await conn.execute(select(DiaryEntryRow.emotion, DiaryEntryRow.intensity))).one() == ("tiredness", 4)
        assert await conn.scalar(select(LlmUsageRow.purpose)) == "diary"


async def test_an_out_of_shape_answer_falls_back_to_the_offline_reading(
    openai_settings: Settings, engine: AsyncEngine, clock: FixedClock, server: FakeOpenAIServer
) -> None:
    def wrong(request: RecordedRequest) -> Reply:
        return Reply(text=json.dumps({"emotion": "ecstatic", "intensity": 9, "comment": ""}))

    server.responder = wrong
    answer = await write(openai_settings, engine, clock, "내일 면접이라 너무 불안해")
    assert "불안" in answer and "📔" in answer
    async with engine.connect() as conn:
        assert await conn.scalar(select(DiaryEntryRow.emotion)) == "anxiety"
