"""Issue 13, the trust audit: each finding has a test named after its item (test_kNN_…)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.adapters.db.models import UserRow, WorryRow
from core.adapters.ops import alert_event, alert_text
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushState
from core.settings import Settings
from tests.fakes import FixedClock, RecordingOpsAlerts, ScriptedLanguageModel
from tests.integration.test_diary import befriend, entry_ids, press, say

LOOKS_ENCRYPTED = "enc1:gAAAAAB-not-really"


@pytest.mark.parametrize("with_key", [False, True])
async def test_k01_text_that_looks_like_ciphertext_is_never_read_as_ciphertext(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel, with_key: bool
) -> None:
    configured = settings.model_copy(update={"maeum_encryption_key": new_key() if with_key else None})
    app = bootstrap(configured, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    await befriend(app)
    await say(app, "/diary 오늘은 산책을 했어")
    [entry] = await entry_ids(engine)
    await say(app, f"/entry {entry} friends")
    for junho_writes in (f"/guestbook 1 {LOOKS_ENCRYPTED}", f"/comment {entry} enc1:", "/guestbook 1 raw1:안녕"):
        assert "사고 번호" not in (await say(app, junho_writes, user="junho")).all_text()

    guestbook = (await say(app, "/guestbook")).all_text()
    assert LOOKS_ENCRYPTED in guestbook and "raw1:안녕" in guestbook
    assert "enc1:" in (await say(app, f"/entry {entry}")).all_text()
    assert "사고 번호" not in (await say(app, f"{LOOKS_ENCRYPTED} 이라고 적힌 쪽지를 받았어")).all_text()
    later = await say(app, "요즘 잠이 잘 안 와요")
    assert "조언 (T)" in later.all_text()  # the conversation's history, with that worry in it, still reads

    (attachment,) = (await say(app, "/export")).last.current.attachments
    assert LOOKS_ENCRYPTED in json.dumps(json.loads(attachment.content), ensure_ascii=False)


@pytest.mark.parametrize("cipher", [PlainCipher(), FernetCipher(new_key())])
def test_k01_every_text_round_trips_whatever_it_begins_with(cipher: PlainCipher | FernetCipher) -> None:
    for text in ("enc1:", LOOKS_ENCRYPTED, "raw1:", "raw1:enc1:x", "평범한 글", ""):
        assert cipher.decrypt(cipher.encrypt(text)) == text


def test_k01_rows_encrypted_under_a_key_still_refuse_to_read_without_it() -> None:
    stored = FernetCipher(new_key()).encrypt("비밀")
    with pytest.raises(ValueError, match="MAEUM_ENCRYPTION_KEY"):
        PlainCipher().decrypt(stored)


ATTACKER = "<!channel> see <https://evil.example|ops>"


def _record(logger: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(logger, logging.ERROR, __file__, 1, msg, args, None)


def test_k03_a_librarys_log_record_sends_only_its_logger_name_and_exception_type() -> None:
    record = _record("slack_bolt.App", "Invalid request signature (timestamp: %s)", ATTACKER)
    record.exc_info = (ValueError, ValueError(ATTACKER), None)
    text = alert_text(alert_event(record, component="web"))
    assert "slack_bolt.App" in text and "ValueError" in text
    assert "evil.example" not in text and "<!channel>" not in text and "Invalid request" not in text


def test_k03_slack_markup_in_our_own_alerts_is_escaped() -> None:
    record = _record("bots.web", f"request rejected: {ATTACKER}")
    text = alert_text(alert_event(record, component="web"))
    assert "<!channel>" not in text and "<https://" not in text
    assert "&lt;!channel&gt;" in text


async def test_k08_withdrawing_consent_asks_before_it_deletes(app: App, engine: AsyncEngine) -> None:
    await say(app, "/consent yes")
    await say(app, "기억해 줄 고민")
    [withdraw] = (await say(app, "/start")).last.current.buttons
    question = await press(app, withdraw.action)
    assert "되돌릴 수 없어요" in question.all_text()
    assert await kept_worry_texts(engine) == 1
    confirm, keep = question.last.current.buttons
    assert "지금처럼" in (await press(app, keep.action)).all_text()
    assert await kept_worry_texts(engine) == 1
    await press(app, confirm.action)
    assert await kept_worry_texts(engine) == 0


async def test_k08_deleting_an_entry_asks_first(app: App, engine: AsyncEngine) -> None:
    await say(app, "/consent yes")
    await say(app, "/diary 오늘은 산책을 했어")
    [entry] = await entry_ids(engine)
    question = await say(app, f"/entry {entry} delete")
    assert "되돌릴 수 없어요" in question.all_text()
    assert await entry_ids(engine) == [entry]
    confirm, keep = question.last.current.buttons
    await press(app, keep.action)
    assert "#" in (await say(app, f"/entry {entry}")).all_text()
    await press(app, confirm.action)
    assert "찾을 수 없어요" in (await say(app, f"/entry {entry}")).all_text()


async def kept_worry_texts(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(WorryRow).where(WorryRow.text.is_not(None))))


async def test_k15_export_holds_reminders_and_quiet_hours(app: App) -> None:
    await say(app, "/remind 10m 약 먹기")
    await say(app, "/quiet 23:00-08:00")
    (attachment,) = (await say(app, "/export")).last.current.attachments
    data = json.loads(attachment.content)
    assert [r["text"] for r in data["reminders"]] == ["약 먹기"]
    assert data["reminders"][0]["state"] == "pending"
    assert "23:00" in data["quiet_hours"] and "08:00" in data["quiet_hours"]
    assert data["identities"]  # linked accounts: one identity per platform account


async def test_k11_a_hung_redis_costs_a_message_a_moment_never_its_answer(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    from redis.asyncio import Redis

    from core.adapters.metrics import RedisMetrics

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(-1)  # takes the command, says nothing

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hung = Redis(host="127.0.0.1", port=port)
    try:
        app = bootstrap(settings, clock=clock, engine=engine, metrics=RedisMetrics(hung), ops=RecordingOpsAlerts())
        started = asyncio.get_running_loop().time()
        answer = await say(app, "/help")
        assert "/worry" in answer.all_text()
        assert asyncio.get_running_loop().time() - started < 2
    finally:
        await hung.aclose()
        server.close()


async def test_k14_dead_letters_are_listed_and_sent_again(app: App, engine: AsyncEngine, clock: FixedClock) -> None:
    await say(app, "/remind 10m 약 먹기")
    async with app.uow() as uow:
        [push] = await uow.outbox.pending_of(next(iter(await _user_ids(engine))), "reminder")
        await uow.outbox.finish(push.id, PushState.DEAD, now=clock.now(), error="Forbidden")
        await uow.commit()

    [letter] = await app.dead_letters.letters()
    assert (letter.id, letter.kind, letter.last_error) == (push.id, "reminder", "Forbidden")
    assert await app.dead_letters.retry([push.id + 1000]) == 0  # not a dead letter: nothing happens
    assert await app.dead_letters.retry(None) == 1
    assert await app.dead_letters.letters() == []
    async with app.uow() as uow:
        [again] = await uow.outbox.pending_of(letter.user_id, "reminder")  # type: ignore[arg-type]
    assert again.id == push.id and again.attempts == 0


def test_k14_the_cli_lists_and_retries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    listed = runner.invoke(main, ["deadletters", "list"])
    assert listed.exit_code == 0 and "no dead letters" in listed.output
    assert runner.invoke(main, ["deadletters", "retry"]).exit_code == 2  # neither ids nor --all: usage
    retried = runner.invoke(main, ["deadletters", "retry", "--all"])
    assert retried.exit_code == 0 and "sent back to the queue: 0" in retried.output


async def _user_ids(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.scalars(select(UserRow.id))).all())


# --- item 12: a database that was never migrated ----------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SETTINGS_PREFIXES = ("DATABASE_URL", "REDIS_URL", "TELEGRAM_", "SLACK_", "DISCORD_", "LLM_", "OPS_", "PLATFORM_")


def _process_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIXES)}
    env.update(PYTHONPATH=str(REPO), DATABASE_URL=database_url, **extra)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_k12_processes_on_an_unmigrated_database_exit_1_with_one_line_naming_maeum_migrate(tmp_path: Path) -> None:
    from tests.conftest import REDIS_URL, empty_postgres_schema

    nowhere = f"http://127.0.0.1:{_free_port()}"  # no platform is reached before the schema is checked
    commands = {
        "telegram": ["telegram"],
        "discord": ["discord"],
        "slack-socket": ["slack-socket"],
        "worker": ["worker"],
        "clock": ["clock"],
        "deadletters": ["deadletters", "list"],
    }
    with empty_postgres_schema() as url:
        env = _process_env(
            url,
            REDIS_URL=REDIS_URL.rsplit("/", 1)[0] + "/13",
            TELEGRAM_BOT_TOKEN="123456:TEST-token",
            TELEGRAM_API_BASE_URL=f"{nowhere}/bot",
            DISCORD_BOT_TOKEN="discord-bot-token",
            DISCORD_API_BASE=f"{nowhere}/api/v10",
            SLACK_BOT_TOKEN="xoxb-maeum-test",
            SLACK_APP_TOKEN="xapp-maeum-test",
            SLACK_API_URL=f"{nowhere}/api/",
        )
        started = {
            name: subprocess.Popen(
                [sys.executable, "-m", "bots.cli", *args],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name, args in commands.items()
        }
        ended = {}
        try:
            for name, process in started.items():
                out, err = process.communicate(timeout=60)
                ended[name] = (process.returncode, out, err)
        finally:
            for process in started.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
    for name, (code, out, err) in ended.items():
        assert code == 1, (name, code, err)
        assert err.splitlines() == [
            "maeum: the database schema is behind (revision none, code expects 0005) — run `maeum migrate`"
        ], (name, err)
        assert out == ""


def test_k12_serve_on_an_unmigrated_database_stays_up_and_is_not_ready_until_migrated(tmp_path: Path) -> None:
    import httpx

    from core.adapters.db.migrate import upgrade
    from tests.conftest import empty_postgres_schema

    port = _free_port()
    web = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with empty_postgres_schema() as url:
        with log.open("wb") as stderr:
            serve = subprocess.Popen(
                [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=_process_env(url),
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert serve.poll() is None, log.read_text()
                try:
                    ready = httpx.get(f"{web}/readyz", timeout=5)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.05)
            assert ready.status_code == 503
            [problem] = ready.json()["problems"]
            assert problem.startswith("schema behind (revision none, code expects 0005)")
            assert "maeum migrate" in problem
            assert httpx.get(f"{web}/healthz").status_code == 200
            metrics = httpx.get(f"{web}/metrics")
            assert metrics.status_code == 200 and "maeum_outbox_rows" not in metrics.text

            upgrade(url=url)  # the release step runs while the web process is up: it notices, no restart needed
            ready = httpx.get(f"{web}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
            assert ready.json()["schema"] == "current (revision 0005)"
            assert "maeum_dead_letters 0.0" in httpx.get(f"{web}/metrics").text
        finally:
            serve.terminate()
            serve.wait(timeout=20)
    logged = log.read_text()
    assert "Traceback" not in logged
    assert "the database schema is behind (revision none, code expects 0005) — run `maeum migrate`" in logged


def test_k12_on_sqlite_a_process_brings_the_schema_up_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bots.cli import main
    from core.adapters.db.migrate import schema_state

    url = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["deadletters", "list"])
    assert listed.exit_code == 0, listed.output
    assert "no dead letters" in listed.output
    assert schema_state(url).current


def test_k12_a_database_newer_than_the_code_is_named_and_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner
    from sqlalchemy import text
    from starlette.testclient import TestClient

    from bots.cli import main
    from bots.web import create_web_app
    from core.adapters.db.engine import create_sync_engine
    from core.adapters.db.migrate import schema_state, upgrade
    from tests.conftest import make_settings

    url = f"sqlite:///{tmp_path / 'from-the-future.db'}"
    upgrade(url=url)
    engine = create_sync_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_a_newer_release'"))
    engine.dispose()
    state = schema_state(url)
    assert (state.current, state.behind, state.unknown) == (False, False, ("0099_from_a_newer_release",))

    with TestClient(create_web_app(lambda: bootstrap(make_settings(url)))) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200  # a rolling deploy: the old web processes serve until the new ones are up
    assert ready.json()["schema"].startswith("unknown revision 0099_from_a_newer_release (newer than this code")

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["deadletters", "list"]).exit_code == 0  # no traceback from a failed upgrade
