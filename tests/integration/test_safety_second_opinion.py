"""The model's second opinion on the crisis gate, through the real `openai` client against the local
OpenAI-compatible server: it runs beside F and T, and when it says crisis the streamed answers give way to the
crisis reply and nothing of the worry's text is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import LlmUsageRow, WorryRow
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.conftest import dm, meet, with_local_model
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder
from tests.servers.openai_compatible import FakeOpenAIServer, RecordedRequest, Reply

VERDICT: dict[str, str] = {"value": "false"}


def responder(request: RecordedRequest) -> Reply:
    if "You screen messages" in request.system_prompt:
        return Reply(
            text=f'{{"crisis": {VERDICT["value"]}, "signal": "passive"}}', prompt_tokens=50, completion_tokens=9
        )
    persona = "F" if "(F)" in request.system_prompt else "T"
    return Reply(
        chunks=[f"{persona}-{i} " for i in range(20)], chunk_delay=0.05, prompt_tokens=120, completion_tokens=20
    )


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder, api_key="sk-test") as running:
        yield running


@pytest.fixture
def second_opinion_settings(settings: Settings, server: FakeOpenAIServer) -> Settings:
    server.reset()
    server.responder = responder
    return with_local_model(
        settings, server.base_url, model="counsel-1", llm_timeout_seconds=5.0, safety_second_opinion=True
    )


async def test_a_crisis_verdict_replaces_the_streamed_answers_and_keeps_no_text(
    second_opinion_settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    VERDICT["value"] = "true"
    ops = RecordingOpsAlerts()
    app = bootstrap(second_opinion_settings, clock=clock, engine=engine, ops=ops)
    responder_ = RecordingResponder()
    await meet(app)  # a known person: no first-message welcome
    await app.dispatcher.handle(dm("요즘 회사 일이 너무 많아서 지쳐요"), responder_)

    f_part, t_part = responder_.messages
    assert "109" in f_part.text and "💗" not in f_part.text
    assert "안전" in t_part.text and "🧠" not in t_part.text
    async with engine.connect() as conn:
        worries = (await conn.execute(select(WorryRow.text, WorryRow.crisis))).all()
        purposes = set((await conn.execute(select(LlmUsageRow.purpose))).scalars())
    assert worries == [(None, True)]
    assert "safety.second_opinion" in purposes
    assert [fields["reason"] for event, fields in ops.alerts if event == "crisis_gate"] == ["second_opinion"]
    await app.aclose()


async def test_a_calm_verdict_lets_both_answers_through_and_is_paid_for(
    second_opinion_settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    VERDICT["value"] = "false"
    app = bootstrap(second_opinion_settings, clock=clock, engine=engine, ops=RecordingOpsAlerts())
    responder_ = RecordingResponder()
    await meet(app)  # a known person: no first-message welcome
    await app.dispatcher.handle(dm("요즘 잠이 안 와요"), responder_)

    f_part, t_part = responder_.messages
    assert f_part.current.sections[0].body.split() == [f"F-{i}" for i in range(20)]
    assert t_part.current.sections[0].body.split() == [f"T-{i}" for i in range(20)]
    async with engine.connect() as conn:
        purposes = sorted((await conn.execute(select(LlmUsageRow.purpose))).scalars())
        worries = (await conn.execute(select(WorryRow.crisis))).scalars().all()
    assert purposes == ["counsel.F", "counsel.T", "safety.second_opinion"]
    assert worries == [False]
    await app.aclose()
