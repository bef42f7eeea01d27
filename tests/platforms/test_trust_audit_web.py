"""Issue 13, the web process: strangers get 4xx, never a 500 or an ERROR (each ERROR is an ops alert anyone
could trigger), and no route reads a body over 1 MB; and a worry told on any platform leaves neither its text nor a
configured secret in the logs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.testclient import TestClient

from bots.discord.messenger import DiscordMessenger
from bots.messengers import build_messengers
from bots.slack.app import run_socket_mode
from bots.web import MAX_BODY_BYTES, create_web_app
from core.adapters.db.engine import create_sync_engine
from core.adapters.db.models import WorryRow
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.conftest import with_local_model
from tests.platforms.test_discord_bot import ask as discord_ask
from tests.platforms.test_discord_bot import custom_ids, post_signed
from tests.platforms.test_discord_bot import gateway as discord_gateway
from tests.platforms.test_slack_app import texts as slack_texts
from tests.platforms.test_slack_app import wait_for as slack_wait_for
from tests.platforms.test_telegram_bot import answered_parts
from tests.platforms.test_telegram_bot import polling as telegram_polling
from tests.platforms.test_telegram_bot import wait_for as telegram_wait_for
from tests.servers.discord_api import APPLICATION_ID as DISCORD_APPLICATION_ID
from tests.servers.discord_api import DEFAULT_USER_ID as DISCORD_USER_ID
from tests.servers.discord_api import FakeDiscordServer, StoredMessage, pointed_at
from tests.servers.loopback import LoopbackServer
from tests.servers.openai_compatible import DEFAULT_TEXT, Fail, FakeOpenAIServer, Hang, RecordedRequest
from tests.servers.openai_compatible import Reply as LlmReply
from tests.servers.slack_api import FakeSlackServer
from tests.servers.slack_signing import (
    dm_message_event,
    event_body,
    signed_headers,
    slash_command_body,
    slash_command_payload,
)
from tests.servers.telegram_api import FakeTelegramServer

SLACK_TOKEN = "xoxb-maeum-test"
SLACK_SECRET = "signing-secret-for-tests"
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "s3cret-webhook"
SETTINGS_PREFIXES = ("DATABASE_URL", "REDIS_URL", "TELEGRAM_", "SLACK_", "DISCORD_", "LLM_", "OPS_", "PLATFORM_")
T = TypeVar("T")


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
        # a first message: the welcome line, then the F and T placeholders
        assert len(telegram.sent) == 3 and not any(DEFAULT_TEXT in e["text"] for e in telegram.edits)
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
        # one answer: the welcome (the attempt that answered knew this update made the user, and said it again in
        # the same place), the F and T messages, each sent once
        assert len(sent) == 3, [s["text"][:40] for s in sent]
        assert "처음 오셨네요" in sent[0]["text"]
        final = {key: message["text"] for key, message in telegram.messages.items() if message.get("from_bot")}
        assert sorted(final) == sorted((s["chat_id"], s["message_id"]) for s in sent)
        answers = [text for text in final.values() if "처음 오셨네요" not in text]
        assert len(answers) == 2 and all(DEFAULT_TEXT in text for text in answers)  # …brought to the finished answer
        assert _worries(database) == [(True, "telegram:910000001")]
        assert len(llm.requests) == 4  # two for the attempt that died, two for the one that answered


_OURS = ("DATABASE_URL", "REDIS_URL", "TELEGRAM_", "SLACK_", "DISCORD_", "LLM_", "OPS_", "INBOX_", "MAEUM_", "PORT")


# --- item 13: one platform that cannot start takes nothing else down ---------------------------------------------

QUICK_RETRIES = {
    "platform_start_backoff_seconds": 0.05,
    "platform_start_backoff_max_seconds": 0.2,
    "platform_start_timeout_seconds": 5.0,
}
REPO = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    """A port nothing listens on (yet): connecting to it is refused, as an unreachable API is."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _eventually(check: Callable[[], T | None], *, seconds: float = 15.0) -> T:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def _platform_states(client: TestClient) -> dict[str, Any]:
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text  # platforms never make the process unready
    return dict(ready.json()["platforms"])


def _when(client: TestClient, platform: str, state: str) -> dict[str, Any] | None:
    """Every platform's state, once `platform` is in `state`."""
    states = _platform_states(client)
    return states if states[platform]["state"] == state else None


def test_k13_serve_stays_up_while_telegram_is_unreachable_and_starts_it_once_it_answers(settings: Settings) -> None:
    port = _closed_port()
    telegram = FakeTelegramServer(TELEGRAM_TOKEN)
    webhook = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    with FakeSlackServer(token=SLACK_TOKEN) as slack:
        configured = settings.model_copy(
            update={
                "slack_bot_token": SLACK_TOKEN,
                "slack_signing_secret": SLACK_SECRET,
                "slack_api_url": slack.base_url,
                "telegram_bot_token": TELEGRAM_TOKEN,
                "telegram_api_base_url": f"http://127.0.0.1:{port}/bot",
                "telegram_webhook_secret": TELEGRAM_SECRET,
                **QUICK_RETRIES,
            }
        )
        try:
            with TestClient(create_web_app(lambda: bootstrap(configured))) as client:
                assert client.get("/healthz").status_code == 200
                states = _eventually(lambda: _when(client, "telegram", "retrying"))
                assert states["telegram"]["last_error"] == "NetworkError"
                assert 0 <= states["telegram"]["next_attempt_in_seconds"] <= 0.2 + 0.025
                assert "next_attempt_at" in states["telegram"]
                assert states["slack"]["state"] == "running"
                assert states["discord"] == {"state": "off"}
                assert client.get("/metrics").status_code == 200
                update = telegram.text_update("/help")
                update["update_id"] = 1
                assert client.post("/telegram/webhook", json=update, headers=webhook).status_code == 503  # sent again
                body = b'{"type":"url_verification","challenge":"c"}'  # Slack is served meanwhile
                assert client.post(
                    "/slack/events", content=body, headers=signed_headers(body, SLACK_SECRET)
                ).json() == {"challenge": "c"}

                telegram.start(port)  # the Bot API answers again: the next attempt starts Telegram
                running = _eventually(lambda: _when(client, "telegram", "running"))
                assert running["telegram"]["attempts"] >= 2
                assert client.post("/telegram/webhook", json=update, headers=webhook).status_code == 200
                answered = [m for m in telegram.sent if "마음 사용법" in m["text"]]
        finally:
            telegram.stop()
    assert len(answered) == 1


def test_k13_discords_login_is_retried_and_its_interactions_answered_once_it_succeeds(settings: Settings) -> None:
    from tests.servers.discord_api import API_PREFIX, FakeDiscordServer, pointed_at

    port = _closed_port()
    discord_server = FakeDiscordServer(token="discord-bot-token")
    configured = settings.model_copy(
        update={
            "discord_bot_token": "discord-bot-token",
            "discord_public_key": discord_server.public_key,
            "discord_api_base": f"http://127.0.0.1:{port}{API_PREFIX}",
            **QUICK_RETRIES,
        }
    )
    ping = json.dumps(discord_server.ping_interaction()).encode()
    with pointed_at(discord_server), TestClient(create_web_app(lambda: bootstrap(configured))) as client:  # restores
        states = _eventually(lambda: _when(client, "discord", "retrying"))
        assert states["discord"]["last_error"] == "ClientConnectorError"
        assert states["telegram"] == {"state": "off"}
        signed = discord_server.sign_interaction(ping)
        assert client.post("/discord/interactions", content=ping, headers=signed).status_code == 503
        try:
            discord_server.start(port)
            _eventually(lambda: _platform_states(client)["discord"]["state"] == "running")
            answer = client.post("/discord/interactions", content=ping, headers=discord_server.sign_interaction(ping))
        finally:
            discord_server.stop()
    assert (answer.status_code, answer.json()) == (200, {"type": 1})


async def test_k13_a_failing_start_backs_off_exponentially_up_to_the_cap_and_a_hung_one_times_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bots.shared.starting import Backoff, PlatformStarter, PlatformState

    failures = 6

    async def start() -> str:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionRefusedError
        return "handle"

    backoff = Backoff(first_seconds=0.01, max_seconds=0.04, attempt_timeout_seconds=1.0)
    starter = PlatformStarter("flaky", start, backoff)
    with caplog.at_level(logging.INFO, logger="bots.shared.starting"):
        starter.launch()
        assert await starter.wait_running(patience=5.0) is None  # the first attempt failed: not waited out further
        for _ in range(200):
            if starter.state is PlatformState.RUNNING:
                break
            await asyncio.sleep(0.01)
    assert (starter.state, starter.handle, starter.attempts) == (PlatformState.RUNNING, "handle", 7)
    waits = [float(r.args[3]) for r in caplog.records if r.getMessage().startswith("flaky: could not start")]  # type: ignore[index]
    assert len(waits) == 6
    for n, wait in enumerate(waits):
        floor = min(0.01 * 2**n, 0.04)
        assert floor - 1e-9 <= wait <= floor + 0.005 + 1e-9, (n, waits)
    assert [r.levelno for r in caplog.records][:2] == [logging.ERROR, logging.WARNING]  # one alert, then warnings

    async def hang() -> str:
        await asyncio.sleep(3600)
        return "never"

    hung = PlatformStarter("hung", hang, Backoff(first_seconds=5.0, max_seconds=5.0, attempt_timeout_seconds=0.05))
    hung.launch()
    assert await hung.wait_running(patience=2.0) is None
    assert (hung.state, hung.last_error) == (PlatformState.RETRYING, "TimeoutError")
    await hung.stop()  # stops waiting for the next attempt at once
    assert hung.report()["state"] == "retrying"
    assert PlatformStarter("unset", None, backoff).report() == {"state": "off"}


def test_k13_the_serve_process_stays_up_when_telegram_cannot_be_reached(tmp_path: Path) -> None:
    from core.adapters.db.migrate import upgrade

    database = f"sqlite:///{tmp_path / 'maeum.db'}"
    upgrade(url=database)
    web_port, telegram_port = _closed_port(), _closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    env.update(
        PYTHONPATH=str(REPO),
        DATABASE_URL=database,
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{telegram_port}/bot",
        PLATFORM_START_BACKOFF_SECONDS="0.05",
        PLATFORM_START_BACKOFF_MAX_SECONDS="0.2",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as stderr:
        serve = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(web_port)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def telegram_state() -> dict[str, Any] | None:
            assert serve.poll() is None, log.read_text()
            try:
                ready = httpx.get(f"http://127.0.0.1:{web_port}/readyz", timeout=2)
            except httpx.TransportError:
                return None
            state: dict[str, Any] = ready.json()["platforms"]["telegram"]
            return (
                state if ready.status_code == 200 and state["state"] == "retrying" and state["attempts"] >= 2 else None
            )

        state = _eventually(telegram_state, seconds=60)
        assert state["last_error"] == "NetworkError"
        assert httpx.get(f"http://127.0.0.1:{web_port}/healthz").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{web_port}/metrics").status_code == 200
    finally:
        serve.terminate()
        serve.wait(timeout=20)
    assert "Traceback" not in log.read_text()
    assert TELEGRAM_TOKEN not in log.read_text()


# --- k02: a worry through each platform, logged as the processes log --------------------------------------------

WORRY = "k02 아무에게도 말 못 한 고민인데 팀장님 앞에서 자꾸 목소리가 떨려요 qx7431"
CRISIS = "k02 요즘 너무 지쳐서 그냥 죽고 싶어요 qx7431"
WORRY_PIECES = ("qx7431", "목소리가 떨려요", "죽고 싶어요")  # no log line has any reason to hold these
LLM_KEY = "sk-k02-llm-key-Zk3"
TG_TOKEN = "7654321:K02-telegram-token-Tq9"
TG_WEBHOOK = "k02-telegram-webhook-secret-Wh4"
SL_TOKEN = "xoxb-k02-slack-bot-token-Sb5"
SL_SECRET = "k02-slack-signing-secret-Ss6"
SL_APP_TOKEN = "xapp-1-k02-slack-app-token-Sa8"
DC_TOKEN = "k02-discord-bot-token-Db7"
# One worry per person at a time: each worry after the first comes from someone else, never "still thinking…".
OTHER_TG_USER = 5551234
OTHER_DC_USERS = ("1180000000000000301", "1180000000000000302", "1180000000000000303")
SECRETS = (LLM_KEY, TG_TOKEN, TG_TOKEN.split(":", 1)[1], TG_WEBHOOK, SL_TOKEN, SL_SECRET, SL_APP_TOKEN, DC_TOKEN)


@pytest.fixture
def process_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The CLI's own logging setup at INFO (as `maeum serve`, `telegram`, `discord` and `slack-socket` call it),
    every record that reaches the root logger captured; the loggers it touched get their levels back afterwards."""
    from bots.cli import QUIET_LOGGERS, _logging

    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    caplog.set_level(logging.INFO)  # the root logger's level, as the processes' basicConfig sets it
    assert logging.getLogger().handlers  # pytest's: so basicConfig adds no handler of its own
    _logging(logging.INFO)
    try:
        yield caplog
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def answer_worries(request: RecordedRequest) -> LlmReply:
    return LlmReply(text=f"{'공감' if '(F)' in request.system_prompt else '조언'}: 천천히 함께 생각해 봐요")


@pytest.fixture
def llm_server() -> Iterator[FakeOpenAIServer]:
    """The first call fails with an error that quotes the worry, as some providers' content errors do: the retry
    and its log lines are part of the road."""
    with FakeOpenAIServer(answer_worries, api_key=LLM_KEY) as running:
        running.script(Fail(status=500, message=f"could not process: {WORRY}"))
        yield running


def with_secrets(settings: Settings, llm: FakeOpenAIServer, **platform: Any) -> Settings:
    """The model through the real openai client with its key, and the platform's own secrets."""
    configured = with_local_model(settings, llm.base_url, model="gpt-4o-mini", llm_api_key=LLM_KEY)
    return configured.model_copy(update=platform)


def model_answered(llm: FakeOpenAIServer, worries: int) -> bool:
    """The model has answered F and T for `worries` worries."""
    return len([r for r in llm.requests if WORRY in r.last_user_text and r.completed_at is not None]) >= 2 * worries


def assert_nothing_told_was_logged(caplog: pytest.LogCaptureFixture, llm: FakeOpenAIServer, *, worries: int) -> None:
    """The worry went to the model in request bodies, yet no record — message, arguments, exception — holds it or a
    secret; and every logger there is reaches the root logger, so nothing was logged past the capture."""
    asked = [r for r in llm.requests if WORRY in r.last_user_text]
    assert len(asked) >= 2 * worries, "the worry did not reach the model (F and T) as often as it was told"
    assert any(r.status == 500 for r in asked), "the failed call and its retry were not exercised"
    assert all(r.authorization == f"Bearer {LLM_KEY}" for r in llm.requests)
    assert caplog.records, "nothing was logged at all: the capture is not working"
    as_written = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")  # bots.cli's format
    for record in caplog.records:
        text = as_written.format(record) + repr(record.args) + repr(record.msg)
        for told in (*WORRY_PIECES, *SECRETS):
            assert told not in text, f"{record.name} logged {told!r}: {text}"
    for name, logger in logging.root.manager.loggerDict.items():
        # the fake servers run uvicorn with access_log=False, which stops uvicorn.access (paths only) propagating;
        # the embedding stack (imported when this test session built a tiny model; in production only with
        # EMBEDDING_MODEL set) keeps its own loggers: no platform path imports it, and it logs model matters only
        if (
            isinstance(logger, logging.Logger)
            and name != "uvicorn.access"
            and name.split(".")[0] not in EMBEDDING_STACK
        ):
            assert all(isinstance(h, logging.NullHandler) for h in logger.handlers), f"{name} logs on its own"
            reached = logger
            while reached.propagate and reached.parent is not None:
                reached = reached.parent
            assert reached is logging.root, f"{name} stops propagating before the root logger"


EMBEDDING_STACK = frozenset(
    {
        "torch",
        "transformers",
        "huggingface_hub",
        "sentence_transformers",
        "strobelight_function_profiler",
        "strobelight_compile_time_profiler",
        "c10d-NullHandler-default",
    }
)


async def test_k02_a_worry_over_telegram_leaves_no_text_or_secret_in_the_logs(
    settings: Settings, engine: AsyncEngine, llm_server: FakeOpenAIServer, process_logging: pytest.LogCaptureFixture
) -> None:
    with FakeTelegramServer(TG_TOKEN) as telegram:
        configured = with_secrets(
            settings,
            llm_server,
            telegram_bot_token=TG_TOKEN,
            telegram_webhook_secret=TG_WEBHOOK,
            telegram_api_base_url=telegram.base_url,
        )
        app = bootstrap(configured, engine=engine, messengers=build_messengers(configured))
        async with telegram_polling(app):  # `maeum telegram`
            telegram.push_update(telegram.text_update(WORRY))
            await telegram_wait_for(lambda: len(answered_parts(telegram)) == 2)
            telegram.push_update(telegram.text_update(CRISIS, user_id=OTHER_TG_USER))  # the gate answers; an ops event
            await telegram_wait_for(lambda: any("1577-0199" in str(m) for m in telegram.messages.values()))
        assert isinstance(app.queue, InProcessJobQueue)
        await app.queue.drain()

        update = telegram.push_update(telegram.text_update(WORRY, user_id=OTHER_TG_USER))  # `maeum serve`'s webhook
        web = create_web_app(lambda: bootstrap(configured))
        with TestClient(web) as client:
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}
            assert client.post("/telegram/webhook", json=update, headers=wrong).status_code == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": TG_WEBHOOK}
            assert client.post("/telegram/webhook", json=update, headers=right).status_code == 200
            await telegram_wait_for(lambda: len(answered_parts(telegram)) == 4)
    assert_nothing_told_was_logged(process_logging, llm_server, worries=2)


def test_k02_a_worry_over_slack_leaves_no_text_or_secret_in_the_logs(
    settings: Settings, llm_server: FakeOpenAIServer, process_logging: pytest.LogCaptureFixture
) -> None:
    with FakeSlackServer(token=SL_TOKEN) as slack:
        slack.set_user("U123", name="minji", locale="ko-KR")
        slack.set_user("U456", name="jiwoo", locale="ko-KR")
        configured = with_secrets(
            settings, llm_server, slack_bot_token=SL_TOKEN, slack_signing_secret=SL_SECRET, slack_api_url=slack.base_url
        )
        with TestClient(create_web_app(lambda: bootstrap(configured))) as client:  # `maeum serve`'s /slack/events
            dm = event_body(dm_message_event(WORRY))
            assert client.post("/slack/events", content=dm, headers=signed_headers(dm, SL_SECRET)).status_code == 200
            slack_wait_for(lambda: model_answered(llm_server, 1) and "조언이 도움이 됐어요" in slack_texts(slack))
            command = slash_command_body(f"worry {WORRY}", user_id="U456", channel_id="D456")
            signed = signed_headers(command, SL_SECRET)
            assert client.post("/slack/events", content=command, headers=signed).status_code == 200
            slack_wait_for(
                lambda: model_answered(llm_server, 2) and slack_texts(slack).count("조언이 도움이 됐어요") >= 2
            )
            stale = signed_headers(dm, SL_SECRET, timestamp=1_600_000_000)  # a skewed clock: verification fails
            assert client.post("/slack/events", content=dm, headers=stale).status_code == 401
    assert_nothing_told_was_logged(process_logging, llm_server, worries=2)


async def test_k02_a_worry_over_slack_socket_mode_leaves_no_text_or_secret_in_the_logs(
    settings: Settings, engine: AsyncEngine, llm_server: FakeOpenAIServer, process_logging: pytest.LogCaptureFixture
) -> None:
    with FakeSlackServer(token=SL_TOKEN, app_token=SL_APP_TOKEN) as slack:
        slack.set_user("U123", name="minji", locale="ko-KR")
        configured = with_secrets(
            settings, llm_server, slack_bot_token=SL_TOKEN, slack_app_token=SL_APP_TOKEN, slack_api_url=slack.base_url
        )
        app = bootstrap(configured, engine=engine)
        stop = asyncio.Event()
        socket_mode = asyncio.create_task(run_socket_mode(app, stop=stop))  # `maeum slack-socket`
        try:
            await slack.wait_socket_connected()
            command = slack.socket_send(
                "slash_commands", slash_command_payload(f"worry {WORRY}"), accepts_response_payload=True
            )
            await slack.wait_for_ack(command)
            async with asyncio.timeout(10):
                while not (model_answered(llm_server, 1) and "조언이 도움이 됐어요" in slack_texts(slack)):
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await socket_mode
            await slack.wait_socket_closed()
    assert_nothing_told_was_logged(process_logging, llm_server, worries=1)


def finished_parts(messages: Iterable[StoredMessage]) -> int:
    """F and T parts shown in full: their "this helped" buttons come with the last edit."""
    return sum(any(i.startswith("mm:helpful:") for i in custom_ids(m)) for m in messages)


async def test_k02_a_worry_over_discord_leaves_no_text_or_secret_in_the_logs(
    settings: Settings, engine: AsyncEngine, llm_server: FakeOpenAIServer, process_logging: pytest.LogCaptureFixture
) -> None:
    with FakeDiscordServer(token=DC_TOKEN) as server, pointed_at(server):
        for user in (DISCORD_USER_ID, *OTHER_DC_USERS):
            server.add_user(user)
        configured = with_secrets(
            settings,
            llm_server,
            discord_bot_token=DC_TOKEN,
            discord_api_base=server.api_base,
            discord_application_id=DISCORD_APPLICATION_ID,
            discord_public_key=server.public_key,
        )
        messengers = build_messengers(configured)
        app = bootstrap(configured, engine=engine, messengers=messengers)
        try:
            async with discord_gateway(app, server):  # `maeum discord`: slash commands and a DM
                asked = await discord_ask(server, "worry", {"text": WORRY})
                await server.wait_for(
                    lambda: finished_parts(server.interaction_messages(asked)) == 2, within=10, what="/worry"
                )
                server.dispatch("MESSAGE_CREATE", server.dm_message(OTHER_DC_USERS[0], WORRY))
                dm_channel = server.dm_channel(OTHER_DC_USERS[0])
                await server.wait_for(
                    lambda: finished_parts(m for m in server.channel_messages(dm_channel) if m.kind == "channel") == 2,
                    within=10,
                    what="the DM worry",
                )
                # options from an older sync: discord.py cannot match them and hands the raw payload over
                old_options = [{"name": "content", "type": 3, "value": WORRY}]
                stale = server.slash_command("worry", old_options, user_id=OTHER_DC_USERS[1])
                server.dispatch("INTERACTION_CREATE", stale)
                await server.wait_for(
                    lambda: finished_parts(server.interaction_messages(stale["id"])) == 2, within=10, what="stale"
                )
            assert isinstance(app.queue, InProcessJobQueue)
            await app.queue.drain()
        finally:
            discord_messenger = messengers["discord"]
            assert isinstance(discord_messenger, DiscordMessenger)
            await discord_messenger.aclose()

        web = LoopbackServer(create_web_app(lambda: bootstrap(configured)), name="maeum-web", lifespan="on")
        port = web.start()  # `maeum serve`'s /discord/interactions, on a real port as Discord reaches it
        try:
            command = server.slash_command("worry", {"text": WORRY}, user_id=OTHER_DC_USERS[2])
            status, answer = await asyncio.to_thread(post_signed, f"http://127.0.0.1:{port}", server, command)
            assert (status, answer) == (200, {"type": 5})
            server.record_http_response(command["id"], answer)
            await server.wait_for(
                lambda: finished_parts(server.interaction_messages(command["id"])) == 2, within=10, what="over HTTP"
            )
        finally:
            web.stop()
    assert_nothing_told_was_logged(process_logging, llm_server, worries=4)
