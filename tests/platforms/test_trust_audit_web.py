"""Issue 13, the web process: strangers get 4xx, never a 500 or an ERROR (each ERROR is an ops alert anyone
could trigger), and no route reads a body over 1 MB."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bots.web import MAX_BODY_BYTES, create_web_app
from core.adapters.db.engine import create_sync_engine
from core.adapters.db.models import WorryRow
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.servers.openai_compatible import DEFAULT_TEXT, FakeOpenAIServer, Hang
from tests.servers.slack_api import FakeSlackServer
from tests.servers.slack_signing import signed_headers
from tests.servers.telegram_api import FakeTelegramServer

SLACK_TOKEN = "xoxb-maeum-test"
SLACK_SECRET = "signing-secret-for-tests"
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "s3cret-webhook"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with FakeSlackServer(token=SLACK_TOKEN) as slack, FakeTelegramServer(TELEGRAM_TOKEN) as telegram:
        configured = settings.model_copy(
            update={
                "slack_bot_token": SLACK_TOKEN,
                "slack_signing_secret": SLACK_SECRET,
                "slack_api_url": slack.base_url,
                "telegram_bot_token": TELEGRAM_TOKEN,
                "telegram_api_base_url": telegram.base_url,
                "telegram_webhook_secret": TELEGRAM_SECRET,
            }
        )
        with TestClient(create_web_app(lambda: bootstrap(configured)), raise_server_exceptions=False) as test_client:
            yield test_client


def _no_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:80]}" for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", {"Content-Type": "application/json"}),
        (b"payload=%7Bnot-json", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b'{"type":"event_callback"}', {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}),
        (b'{"type":"event_callback"}', {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=ñ"}),
        (b'{"type":"event_callback"}', {"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠", "X-Slack-Signature": "v0=00"}),
    ],
)
def test_k04_malformed_slack_requests_get_4xx_and_no_error(
    client: TestClient, caplog: pytest.LogCaptureFixture, body: bytes, headers: dict[str, str]
) -> None:
    with caplog.at_level(logging.INFO):
        raw = {name: value.encode() for name, value in headers.items()}  # as sent on the wire, non-ASCII too
        answer = client.post("/slack/events", content=body, headers=raw)
    assert 400 <= answer.status_code < 500, answer.status_code
    assert _no_errors(caplog) == []


def test_k04_a_correctly_signed_but_malformed_slack_body_gets_4xx(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (b"{not json", b"payload=%7Bnot-json"):
        with caplog.at_level(logging.INFO):
            answer = client.post("/slack/events", content=body, headers=signed_headers(body, SLACK_SECRET))
        assert 400 <= answer.status_code < 500, answer.status_code
    assert _no_errors(caplog) == []


@pytest.mark.parametrize("payload", [b"[]", b"{}", b'{"update_id": "x"}', b'{"message": 5}', b"123", b"null"])
def test_k04_json_that_is_no_telegram_update_gets_400_and_no_error(
    client: TestClient, caplog: pytest.LogCaptureFixture, payload: bytes
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "Content-Type": "application/json"}
    with caplog.at_level(logging.INFO):
        answer = client.post("/telegram/webhook", content=payload, headers=headers)
    assert answer.status_code == 400
    assert _no_errors(caplog) == []


@pytest.mark.parametrize("path", ["/slack/events", "/telegram/webhook", "/discord/interactions"])
def test_k05_bodies_over_a_megabyte_are_refused_before_any_route_reads_them(client: TestClient, path: str) -> None:
    big = b"x" * (MAX_BODY_BYTES + 1)
    assert client.post(path, content=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"y" * 65536

    assert client.post(path, content=chunks()).status_code == 413
    assert client.get("/healthz").status_code == 200


def test_k02_a_request_failing_verification_leaves_its_body_out_of_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = '{"type":"event_callback","event":{"type":"message","text":"아무에게도 말 못 한 고민"}}'.encode()
    stale = signed_headers(body, SLACK_SECRET, timestamp=1_600_000_000)  # a clock far off: verification fails
    with caplog.at_level(logging.DEBUG):
        assert client.post("/slack/events", content=body, headers=stale).status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "아무에게도" not in logged and SLACK_SECRET not in logged


async def test_k02_doctor_names_endpoints_without_passwords_or_keys() -> None:
    from core.adapters.health import check_database, check_language_model
    from tests.conftest import make_settings

    for url in ("postgresql://maeum:hunter2@127.0.0.1:1/none", "postgresql://maeum:hunter2@[bad/none?x=1"):
        assert "hunter2" not in (await check_database(make_settings(url))).detail
    llm = make_settings(llm_base_url="http://user:sk-inpath@127.0.0.1:9/v1?api-key=sk-inquery", llm_api_key="sk-key")
    detail = (await check_language_model(llm)).detail
    assert "127.0.0.1:9/v1" in detail
    assert not any(secret in detail for secret in ("sk-inpath", "sk-inquery", "sk-key", "user:"))


# --- k10: `maeum serve` killed between the webhook's 200 and the answer answers once after a restart ------------

REPO = Path(__file__).resolve().parents[2]
WORRY = "요즘 잠이 잘 안 와요"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str], port: int, cwd: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (process.stderr.read() if process.stderr else b"").decode()[-3000:]
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        assert time.monotonic() < deadline, "maeum serve did not start"
        time.sleep(0.1)


def _wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stderr is not None:
        process.stderr.close()


def _worries(database: str) -> list[tuple[bool, str | None]]:
    engine = create_sync_engine(database)
    try:
        with engine.connect() as conn:
            return [(bool(a), k) for a, k in conn.execute(select(WorryRow.answered, WorryRow.update_key)).all()]
    finally:
        engine.dispose()


def test_k10_serve_killed_between_the_200_and_the_answer_answers_exactly_once_after_a_restart(
    database: str, tmp_path: Path
) -> None:
    with FakeTelegramServer(TELEGRAM_TOKEN) as telegram, FakeOpenAIServer() as llm:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        env.update(
            PYTHONPATH=str(REPO),
            DATABASE_URL=database,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            LLM_BASE_URL=llm.base_url,
            LLM_API_KEY="sk-test",
            LLM_MAX_RETRIES="0",
            INBOX_LEASE_SECONDS="1",
        )
        llm.script(Hang(seconds=60), Hang(seconds=60))  # F and T: slow, so the process dies in the middle
        update = {**telegram.text_update(WORRY), "update_id": 910_000_001}
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}

        first_port = _free_port()
        first = _serve(env, first_port, tmp_path)
        try:
            answer = httpx.post(f"http://127.0.0.1:{first_port}/telegram/webhook", json=update, headers=headers)
            assert answer.status_code == 200
            _wait_for(lambda: len(llm.requests) == 2, seconds=30, what="both answers to be asked of the model")
            first.kill()  # kill -9: after the 200 (the placeholders are out), before the answer
            first.wait()
        finally:
            _stop(first)
        assert len(telegram.sent) == 2 and not any(DEFAULT_TEXT in e["text"] for e in telegram.edits)
        assert _worries(database) == [(False, "telegram:910000001")]

        second_port = _free_port()
        second = _serve(env, second_port, tmp_path)  # the restart: it takes the update once the lease is over
        try:
            _wait_for(lambda: _worries(database)[0][0], seconds=30, what="the worry to be answered")
            # Telegram repeats an update it has no 200 for: the repeat is recognised, not answered again
            again = httpx.post(f"http://127.0.0.1:{second_port}/telegram/webhook", json=update, headers=headers)
            assert again.status_code == 200
        finally:
            _stop(second)

        sent = telegram.sent
        assert len(sent) == 2, [s["text"][:40] for s in sent]  # one answer: the F and T messages, sent once
        final = {key: message["text"] for key, message in telegram.messages.items() if message.get("from_bot")}
        assert sorted(final) == sorted((s["chat_id"], s["message_id"]) for s in sent)
        assert all(DEFAULT_TEXT in text for text in final.values())  # …each brought to the finished answer
        assert _worries(database) == [(True, "telegram:910000001")]
        assert len(llm.requests) == 4  # two for the attempt that died, two for the one that answered


_OURS = ("DATABASE_URL", "REDIS_URL", "TELEGRAM_", "SLACK_", "DISCORD_", "LLM_", "OPS_", "INBOX_", "MAEUM_", "PORT")
