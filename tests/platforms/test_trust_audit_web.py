"""Issue 13, the web process: strangers get 4xx, never a 500 or an ERROR (each ERROR is an ops alert anyone
could trigger), and no route reads a body over 1 MB."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bots.web import MAX_BODY_BYTES, create_web_app
from core.bootstrap import bootstrap
from core.settings import Settings
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
