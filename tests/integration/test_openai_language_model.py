"""OpenAILanguageModel through the real `openai` client against the local FakeOpenAIServer (127.0.0.1 only)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import openai
import pytest
from pydantic import BaseModel

from core.adapters.llm import MAX_RETRY_AFTER_SECONDS, OpenAILanguageModel, estimate_tokens, retry_after_seconds
from core.domain.values import Locale, Persona
from core.errors import LanguageModelUnavailable
from core.ports import CallFinished, ChatMessage, ModelCall, StreamEvent, TextDelta
from tests.servers.openai_compatible import Fail, FakeOpenAIServer, Hang, RecordedRequest, Reply

SECRET_WORRY = "요즘 회사에서 너무 지쳐서 잠이 안 와요"
SYSTEM_F = "너는 공감하는 상담사 F야."
SYSTEM_T = "너는 조언하는 상담사 T야."

ModelFactory = Callable[..., OpenAILanguageModel]


class Mood(BaseModel):
    label: str
    score: int


def make_call(*, persona: Persona | None = None, system: str = SYSTEM_F, max_tokens: int = 321) -> ModelCall:
    return ModelCall(
        purpose="test",
        messages=(ChatMessage(role="system", content=system), ChatMessage(role="user", content=SECRET_WORRY)),
        locale=Locale.KO,
        subject=SECRET_WORRY,
        persona=persona,
        max_tokens=max_tokens,
    )


async def collect(events: AsyncIterator[StreamEvent]) -> tuple[list[str], CallFinished]:
    texts: list[str] = []
    finished: list[CallFinished] = []
    async for event in events:
        assert not finished, "nothing may follow CallFinished"
        if isinstance(event, TextDelta):
            texts.append(event.text)
        else:
            finished.append(event)
    assert len(finished) == 1
    return texts, finished[0]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
def server(shared_server: FakeOpenAIServer) -> FakeOpenAIServer:
    """One server for the module (starting and stopping takes ~0.2 s), reset for every test."""
    shared_server.reset()
    return shared_server


@pytest.fixture
async def make_model(server: FakeOpenAIServer) -> AsyncIterator[ModelFactory]:
    made: list[OpenAILanguageModel] = []

    def factory(**overrides: object) -> OpenAILanguageModel:
        options: dict[str, object] = {
            "base_url": server.base_url,
            "api_key": "sk-test-key",
            "model": "gpt-test",
            "timeout_seconds": 5.0,
            "max_retries": 2,
            "backoff_seconds": 0.001,
        }
        options.update(overrides)
        model = OpenAILanguageModel(**options)  # type: ignore[arg-type]
        made.append(model)
        return model

    yield factory
    for model in made:
        await model.aclose()


async def eventually(check: Callable[[], bool], within: float = 2.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


# --- streaming ------------------------------------------------------------------------------


async def test_stream_yields_the_scripted_text_in_order_then_server_usage(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    chunks = ["많이 ", "지치셨", "겠어요. ", "오늘은 ", "푹 쉬어요."]
    server.script(Reply(chunks=chunks, prompt_tokens=42, completion_tokens=17))
    model = make_model()

    texts, finished = await collect(model.stream(make_call()))

    assert texts == chunks
    assert finished == CallFinished(
        model="gpt-test", tokens_in=42, tokens_out=17, latency_ms=finished.latency_ms, offline=False
    )
    assert finished.latency_ms >= 0
    assert model.offline is False
    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "gpt-test"
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.body["max_tokens"] == 321
    assert request.body["messages"] == [
        {"role": "system", "content": SYSTEM_F},
        {"role": "user", "content": SECRET_WORRY},
    ]


async def test_stream_estimates_tokens_when_the_server_reports_no_usage(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    server.script(Reply(text="천천히 말해 주세요.", usage=False))

    texts, finished = await collect(make_model().stream(make_call()))

    assert "".join(texts) == "천천히 말해 주세요."
    assert finished.tokens_in == math.ceil(len(SYSTEM_F + SECRET_WORRY) / 2)
    assert finished.tokens_out == estimate_tokens("천천히 말해 주세요.") == 6


async def test_the_authorization_header_carries_the_key_and_sdk_retries_are_off(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    await collect(make_model(api_key="sk-secret-123").stream(make_call()))
    await collect(make_model(api_key=None).stream(make_call()))

    first, second = server.requests
    assert first.authorization == "Bearer sk-secret-123"
    assert second.authorization == "Bearer unused"
    assert first.headers.get("x-stainless-retry-count") == "0"


async def test_a_persona_model_override_is_sent_and_reported(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    def by_persona(request: RecordedRequest) -> Reply:
        if request.model == "gpt-thinker":
            assert SYSTEM_T in request.system_prompt
            return Reply(text="T의 조언입니다.")
        return Reply(text="F의 공감입니다.")

    server.responder = by_persona
    model = make_model(persona_models={Persona.T: "gpt-thinker"})

    t_texts, t_done = await collect(model.stream(make_call(persona=Persona.T, system=SYSTEM_T)))
    f_texts, f_done = await collect(model.stream(make_call(persona=Persona.F)))

    assert "".join(t_texts) == "T의 조언입니다."
    assert "".join(f_texts) == "F의 공감입니다."
    assert (t_done.model, f_done.model) == ("gpt-thinker", "gpt-test")
    assert [r.model for r in server.requests] == ["gpt-thinker", "gpt-test"]


async def test_two_concurrent_streams_overlap_on_the_server(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.responder = lambda request: Reply(chunks=["하나 ", "둘 ", "셋 ", "넷"], chunk_delay=0.05)
    model = make_model()

    (a_texts, _), (b_texts, _) = await asyncio.gather(
        collect(model.stream(make_call())), collect(model.stream(make_call()))
    )

    assert "".join(a_texts) == "".join(b_texts) == "하나 둘 셋 넷"
    first, second = sorted(server.requests, key=lambda r: r.arrived_at)
    assert first.completed_at is not None
    assert second.arrived_at < first.completed_at


async def test_a_failure_before_the_first_text_is_retried(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    # The first attempt sends headers, then stalls longer than the read timeout before any text.
    server.script(Reply(chunks=["늦은 ", "답"], chunk_delay=2.0), Reply(text="제때 온 답"))

    texts, _ = await collect(make_model(timeout_seconds=0.3).stream(make_call()))

    assert "".join(texts) == "제때 온 답"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "broken", [Reply(chunks=["하나 ", "둘 ", "셋"], drop_after=2), Reply(chunks=["하나 ", "둘 ", "셋"], error_after=2)]
)
async def test_a_failure_mid_stream_raises_unavailable_without_retrying(
    server: FakeOpenAIServer, make_model: ModelFactory, broken: Reply
) -> None:
    server.script(broken)
    received: list[str] = []

    async def consume() -> None:
        async for event in make_model().stream(make_call()):
            assert isinstance(event, TextDelta), "no CallFinished after a broken stream"
            received.append(event.text)

    with pytest.raises(LanguageModelUnavailable) as caught:
        await consume()

    assert received == ["하나 ", "둘 "]
    assert isinstance(caught.value.__cause__, openai.OpenAIError)
    assert len(server.requests) == 1


async def test_a_stream_without_text_is_unavailable(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Reply(chunks=[]))

    with pytest.raises(LanguageModelUnavailable):
        await collect(make_model(max_retries=0).stream(make_call()))


async def test_leaving_a_stream_early_releases_the_connection(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    server.script(Reply(chunks=["a "] * 50, chunk_delay=0.02))
    events = make_model().stream(make_call())
    assert isinstance(events, AsyncIterator)

    first = await anext(events)
    await events.aclose()  # type: ignore[attr-defined]

    assert first == TextDelta(text="a ")
    [request] = server.requests
    await eventually(lambda: request.completed_at is not None)
    assert request.completed_at is not None
    assert request.completed_at - request.arrived_at < 0.9  # well before the 50 chunks (1 s) were sent


# --- retries --------------------------------------------------------------------------------


async def test_a_429_is_retried_after_its_retry_after(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Fail(status=429, retry_after=0.25), Reply(text="이제 답할게요."))

    texts, _ = await collect(make_model(backoff_seconds=0.001).stream(make_call()))

    assert "".join(texts) == "이제 답할게요."
    limited, answered = server.requests
    assert limited.status == 429
    assert answered.arrived_at - limited.arrived_at >= 0.2  # the hint, not the 1 ms backoff


async def test_two_500s_then_success_with_two_retries(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Fail(status=500), Fail(status=502), Reply(text="세 번째에 성공"))

    texts, _ = await collect(make_model(max_retries=2).stream(make_call()))

    assert "".join(texts) == "세 번째에 성공"
    assert [r.status for r in server.requests] == [500, 502, 200]


@pytest.mark.parametrize("max_retries", [0, 2])
async def test_a_server_that_always_fails_is_unavailable_after_all_tries(
    server: FakeOpenAIServer, make_model: ModelFactory, max_retries: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="core.adapters.llm")
    server.responder = lambda request: Fail(status=500, message=f"upstream said: {request.last_user_text}")

    with pytest.raises(LanguageModelUnavailable) as caught:
        await collect(make_model(max_retries=max_retries).stream(make_call()))

    assert isinstance(caught.value.__cause__, openai.InternalServerError)
    assert len(server.requests) == max_retries + 1
    ours = [record.getMessage() for record in caplog.records if record.name == "core.adapters.llm"]
    assert ours, "retries and the failure are logged"
    assert not any(SECRET_WORRY in line or SYSTEM_F in line for line in ours)


@pytest.mark.parametrize("status", [400, 401, 404])
async def test_client_errors_are_not_retried(server: FakeOpenAIServer, make_model: ModelFactory, status: int) -> None:
    server.responder = lambda request: Fail(status=status)

    with pytest.raises(LanguageModelUnavailable) as caught:
        await make_model(max_retries=3).complete_json(make_call(), Mood)

    assert isinstance(caught.value.__cause__, openai.APIStatusError)
    assert caught.value.__cause__.status_code == status
    assert len(server.requests) == 1


async def test_a_wrong_key_is_a_401_and_not_retried(make_model: ModelFactory) -> None:
    with FakeOpenAIServer(api_key="sk-right") as strict:
        model = make_model(base_url=strict.base_url, api_key="sk-wrong")
        with pytest.raises(LanguageModelUnavailable) as caught:
            await collect(model.stream(make_call()))
        await model.aclose()
        assert isinstance(caught.value.__cause__, openai.AuthenticationError)
        assert len(strict.requests) == 1


async def test_a_hanging_server_times_out_quickly(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.responder = lambda request: Hang(seconds=5)
    model = make_model(timeout_seconds=0.3, max_retries=1)

    started = time.monotonic()
    with pytest.raises(LanguageModelUnavailable) as caught:
        await collect(model.stream(make_call()))
    with pytest.raises(LanguageModelUnavailable):
        await model.complete_json(make_call(), Mood)
    elapsed = time.monotonic() - started

    assert isinstance(caught.value.__cause__, openai.APITimeoutError)
    assert len(server.requests) == 4
    assert 1.1 < elapsed < 2.5  # 2 calls x 2 tries x 0.3 s


# --- JSON -----------------------------------------------------------------------------------


async def test_complete_json_parses_valid_json(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Reply(text='{"label": "지침", "score": 3}', prompt_tokens=30, completion_tokens=9))

    parsed, finished = await make_model().complete_json(make_call(persona=Persona.F), Mood)

    assert parsed == Mood(label="지침", score=3)
    assert (finished.model, finished.tokens_in, finished.tokens_out) == ("gpt-test", 30, 9)
    [request] = server.requests
    assert request.body["response_format"] == {"type": "json_object"}
    assert "stream" not in request.body
    assert request.body["max_tokens"] == 321


async def test_complete_json_accepts_a_fenced_object(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Reply(text='```json\n{"label": "fine", "score": 1}\n```'))

    parsed, _ = await make_model().complete_json(make_call(), Mood)

    assert parsed == Mood(label="fine", score=1)


async def test_complete_json_repairs_invalid_output_once(
    server: FakeOpenAIServer, make_model: ModelFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="core.adapters.llm")
    server.script(
        Reply(text="기분은 지침, 점수는 3", prompt_tokens=30, completion_tokens=8),
        Reply(text='{"label": "지침", "score": 3}', prompt_tokens=50, completion_tokens=9),
    )

    parsed, finished = await make_model().complete_json(make_call(), Mood)

    assert parsed == Mood(label="지침", score=3)
    assert (finished.tokens_in, finished.tokens_out) == (80, 17)  # both requests are paid for
    first, second = server.requests
    assert second.body["messages"][: len(first.body["messages"])] == first.body["messages"]
    assistant, correction = second.body["messages"][-2:]
    assert assistant == {"role": "assistant", "content": "기분은 지침, 점수는 3"}
    assert correction["role"] == "user"
    assert "not valid JSON" in correction["content"]
    assert '"score"' in correction["content"]
    assert '"label"' in correction["content"]
    assert second.body["response_format"] == {"type": "json_object"}
    ours = [record.getMessage() for record in caplog.records if record.name == "core.adapters.llm"]
    assert not any(SECRET_WORRY in line or "기분은" in line for line in ours)


async def test_complete_json_gives_up_when_invalid_twice(server: FakeOpenAIServer, make_model: ModelFactory) -> None:
    server.script(Reply(text="not json"), Reply(text='{"label": "ok"}'))  # the second lacks "score"

    with pytest.raises(LanguageModelUnavailable):
        await make_model().complete_json(make_call(), Mood)

    assert len(server.requests) == 2


async def test_complete_json_retries_a_rate_limit_before_parsing(
    server: FakeOpenAIServer, make_model: ModelFactory
) -> None:
    server.script(Fail(status=429, retry_after=0.01), Reply(text='{"label": "ok", "score": 2}'))

    parsed, _ = await make_model().complete_json(make_call(), Mood)

    assert parsed.score == 2
    assert [r.status for r in server.requests] == [429, 200]


# --- the retry-after hint -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "150", "retry-after": "9"}, 0.15),
        ({"retry-after": "3600"}, MAX_RETRY_AFTER_SECONDS),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_seconds(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    header = {"retry-after": format_datetime(now + timedelta(seconds=4), usegmt=True)}

    assert retry_after_seconds(header, now=now) == pytest.approx(4.0)


def test_the_client_is_created_lazily() -> None:
    model = OpenAILanguageModel(
        base_url="http://127.0.0.1:9/v1", api_key=None, model="m", timeout_seconds=1, max_retries=0, backoff_seconds=0
    )

    assert model._client is None
    assert model.model_for(None) == model.model_for(Persona.F) == "m"
