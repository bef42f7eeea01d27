"""Issue 13, the trust audit: each finding has a test named after its item (test_kNN_…)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.adapters.clock import SystemClock
from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.adapters.db.migrate import alembic_config
from core.adapters.db.models import (
    DiaryEntryRow,
    IdentityRow,
    InboxRow,
    OutboxRow,
    PendingDiaryRow,
    PointLedgerRow,
    UserRow,
    WorryRow,
)
from core.adapters.locks import InProcessLocks
from core.adapters.ops import alert_event, alert_text
from core.bootstrap import App, bootstrap
from core.domain.budget import UsageRecord
from core.domain.outbox import PushState
from core.domain.values import UserId
from core.ports import Locks, MessageRef, ModelCall, StreamEvent
from core.products.points import POINTS_EXTRA_WORRY
from core.replies import Reply
from core.settings import Settings
from core.usecases.inbox_intake import InboxIntake, ReplyJournal
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingMessenger, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_delivery import run_clock_once
from tests.integration.test_diary import befriend, entry_ids, press, say
from tests.integration.test_storage import connected_redis_locks

LOOKS_ENCRYPTED = "enc1:gAAAAAB-not-really"
_HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


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
    for junho_writes in (f"/guestbook 1 {LOOKS_ENCRYPTED}", f"/comment minji {entry} enc1:", "/guestbook 1 raw1:안녕"):
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


def _reads_diaries(call: ModelCall) -> str:
    if call.purpose == "diary":
        return '{"emotion": "calm", "intensity": 2, "comment": "모델이 남긴 코멘트"}'
    return f"{call.persona} 답변: 모델이 천천히 함께 생각해요"


async def test_k06_past_the_daily_model_calls_the_offline_path_answers_and_charges_nothing(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    llm = ScriptedLanguageModel(_reads_diaries)
    capped = settings.model_copy(update={"user_daily_model_calls": 3, "daily_free_worries": 0})
    app = bootstrap(capped, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    await say(app, "/consent yes")
    await say(app, "/diary 첫 번째 일기")  # 1 call, +10 points
    clock.advance(days=1)
    await say(app, "/diary 두 번째 일기")  # the new day's first call, +10 points
    paid = await say(app, "/worry 회사 일이 너무 많아요")  # 3 calls today: both answers fit under the cap
    assert "20점을 써서" in paid.all_text() and "모델이 천천히" in paid.all_text()
    assert len(llm.calls) == 4

    offline = await say(app, "/worry 그래도 또 걱정이 돼요")  # needs 2 more: past the cap
    assert len(llm.calls) == 4 and "모델이 천천히" not in offline.all_text()
    assert "자정까지는 준비된 답변" in offline.all_text() and "조언 (T)" in offline.all_text()
    assert "점을 써서" not in offline.all_text()  # over the free quota, yet an offline answer is free
    diary = await say(app, "/diary 세 번째 일기")
    assert len(llm.calls) == 4 and "준비해 둔 말" in diary.all_text()
    async with engine.connect() as conn:
        deltas = (await conn.scalars(select(PointLedgerRow.delta).order_by(PointLedgerRow.id))).all()
    assert list(deltas) == [10, 10, -20]

    clock.advance(days=1)  # a new local day: the model reads her diary again
    assert "모델이 남긴 코멘트" in (await say(app, "/diary 오늘은 좀 나아요")).all_text()


async def test_k06_one_person_uses_at_most_their_share_of_the_monthly_budget(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    # 100 tokens in and 50 out cost 0.06 at the default prices; a 1.0 budget with a 10 % share is 0.1 each.
    shared = settings.model_copy(update={"monthly_budget": Decimal("1.0"), "user_monthly_budget_share": Decimal("0.1")})
    app = bootstrap(shared, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    assert "답변:" in (await say(app, "/worry 첫 고민")).all_text()  # 0.12 spent: past 0.1
    english = await say(app, "/lang en")
    assert english.all_text()
    second = await say(app, "/worry another one")
    assert "답변:" not in second.all_text() and "share of AI answers" in second.all_text()
    assert "답변:" in (await say(app, "/worry 제 고민도 들어 주세요", user="junho")).all_text()


async def test_k06_safety_gate_calls_never_count_against_a_person(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    app = bootstrap(
        settings.model_copy(update={"user_daily_model_calls": 2, "user_monthly_budget_share": Decimal("0.000001")}),
        clock=clock,
        llm=llm,
        engine=engine,
        ops=RecordingOpsAlerts(),
    )
    await say(app, "/start")
    async with app.uow() as uow:
        user = await uow.users.by_identity("terminal", "minji")
        assert user is not None
        for _ in range(5):
            await uow.usage.record(
                UsageRecord(
                    user_id=user.id,
                    worry_id=None,
                    purpose="safety.second_opinion",
                    model="scripted",
                    tokens_in=1000,
                    tokens_out=1000,
                    cost=Decimal(5),
                    latency_ms=5,
                    ok=True,
                    created_at=clock.now(),
                )
            )
        await uow.commit()
    assert "답변:" in (await say(app, "/worry 안전 확인은 제 몫이 아니죠")).all_text()


async def test_k06_a_worry_paid_for_and_answered_offline_gets_its_points_back(
    app: App, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    await say(app, "/consent yes")
    await say(app, "/diary 첫째 날")
    clock.advance(days=1)
    await say(app, "/diary 둘째 날")  # 20 points
    for n in range(app.settings.daily_free_worries):
        await say(app, f"/worry 고민 {n}")
    llm.fail = True
    answered = await say(app, "/worry 모델이 쉬는 날의 고민")
    assert "20점을 써서" in answered.all_text() and "20점은 돌려드렸어요" in answered.all_text()
    async with engine.connect() as conn:
        deltas = (await conn.scalars(select(PointLedgerRow.delta).order_by(PointLedgerRow.id))).all()
    assert list(deltas) == [10, 10, -20, 20]
    llm.fail = False
    # the offline answer did not use up a free worry either: the next one is paid again, not refused
    assert "20점을 써서" in (await say(app, "/worry 다시 물어볼게요")).all_text()


async def test_k09_a_diary_written_before_consent_is_held_and_saved_on_yes(app: App, engine: AsyncEngine) -> None:
    asked = await say(app, "/diary 동의 전에 쓴 소중한 일기")
    assert "15분 동안만 따로 보관" in asked.all_text()
    assert [b.action for b in asked.last.current.buttons] == ["mm:consent:yes", "mm:consent:no"]
    exported = (await say(app, "/export")).last.current.attachments[0].content
    assert "동의 전에 쓴 소중한 일기" in json.loads(exported)["diary_awaiting_consent"][0]["text"]

    agreed = await press(app, "mm:consent:yes")
    assert "고마워요" in agreed.all_text() and "일기를 적었어요" in agreed.all_text()
    diaries = (await say(app, "/diaries")).all_text()
    assert "동의 전에 쓴 소중한 일기" in diaries
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(PendingDiaryRow)) == 0


async def test_k09_a_held_diary_is_deleted_on_no_and_after_fifteen_minutes(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    async def held_diaries() -> int:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(PendingDiaryRow)) or 0)

    await say(app, "/diary 지워질 일기", user="junho")
    declined = await press(app, "mm:consent:no", user="junho")
    assert "일기 1편은 저장하지 않고 지웠어요" in declined.all_text()

    await say(app, "/diary 너무 늦게 동의한 일기")
    clock.advance(minutes=14)
    assert await held_diaries() == 1
    for step in app.housekeeping:  # the clock's steps: the entry is still waiting
        await step()
    assert await held_diaries() == 1
    clock.advance(minutes=2)
    for step in app.housekeeping:
        await step()
    assert await held_diaries() == 0
    late = await press(app, "mm:consent:yes")
    assert "고마워요" in late.all_text() and "일기를 적었어요" not in late.all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(PendingDiaryRow)) == 0
        assert await conn.scalar(select(func.count()).select_from(DiaryEntryRow)) == 0


class _FlakyClockWork:
    """A clock whose database is down for `down` ticks, then back."""

    def __init__(self, down: int, stop: asyncio.Event) -> None:
        self.down = down
        self.ticks = 0
        self.worked = 0
        self._stop = stop

    async def hold_lease(self) -> bool:
        self.ticks += 1
        if self.ticks <= self.down:
            raise ConnectionRefusedError("database at 127.0.0.1:5432 refused the connection")
        return True

    async def recover(self) -> int:
        return 0

    async def relay_due(self) -> int:
        self.worked += 1
        if self.worked == 3:
            self._stop.set()
        return 0

    async def step_down(self) -> None:
        return None


async def test_k11_a_database_outage_is_logged_once_backed_off_and_summed_up_when_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from core.usecases.clock import outage_backoff, run_clock

    stop = asyncio.Event()
    work = _FlakyClockWork(down=12, stop=stop)
    with caplog.at_level(logging.INFO, logger="core.usecases.clock"):
        await run_clock(work, stop=stop, tick_seconds=0.0001, max_backoff_seconds=0.002)  # type: ignore[arg-type]
    records = [r for r in caplog.records if r.name == "core.usecases.clock"]
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None  # one trace for the whole outage
    [summary] = [r for r in records if "working again" in r.getMessage()]
    assert "12 failed ticks" in summary.getMessage() and "ConnectionRefusedError" in summary.getMessage()
    assert work.worked == 3

    # 0.25 s ticks: 0.5, 1, 2 … seconds apart while it lasts, never more than the cap
    waits = [outage_backoff(n, tick_seconds=0.25, max_seconds=30) for n in range(12)]
    assert waits[:4] == [0.25, 0.5, 1.0, 2.0] and max(waits) == 30 and waits == sorted(waits)


async def test_k15_after_retention_days_sent_texts_are_blanked_and_handled_updates_purged(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(app, "/remind 10m 오래된 약 먹기")
    await say(app, "/remind 10m 지금 보낼 약")
    await say(app, "/remind 40d 아주 나중의 약속")
    [user_id] = await _user_ids(engine)
    async with app.uow() as uow:
        old, recent, later = await uow.outbox.pending_of(user_id, "reminder")
        await uow.outbox.finish(old.id, PushState.SENT, now=clock.now())
        await uow.outbox.finish(recent.id, PushState.DEAD, now=clock.now(), error="Forbidden")
        handled = await uow.inbox.accept(platform="slack", event_id="Ev-old", payload="{}", now=clock.now())
        assert handled is not None
        await uow.inbox.take(handled, now=clock.now(), lease_until=clock.now())
        await uow.inbox.done(handled, now=clock.now())
        await uow.commit()

    async def sweep() -> None:
        for step in app.housekeeping:
            await step()

    clock.advance(days=29)
    await sweep()  # not yet
    async with app.uow() as uow:
        texts = {p.id: p.document.text for p in await uow.outbox.all_of(user_id, "reminder")}
    assert texts[old.id] == "오래된 약 먹기"

    clock.advance(days=2)
    async with app.uow() as uow:
        fresh = await uow.inbox.accept(platform="slack", event_id="Ev-new", payload="{}", now=clock.now())
        assert fresh is not None
        await uow.inbox.take(fresh, now=clock.now(), lease_until=clock.now())
        await uow.inbox.done(fresh, now=clock.now())
        await uow.commit()
    await sweep()
    async with app.uow() as uow:
        texts = {p.id: p.document.text for p in await uow.outbox.all_of(user_id, "reminder")}
    assert texts[old.id] is None and texts[recent.id] is None  # sent and dead: blanked
    assert texts[later.id] == "아주 나중의 약속"  # not sent yet: kept, whatever its age
    assert await app.dead_letters.retry(None) == 0  # a blanked dead letter is not sent again
    async with engine.connect() as conn:
        assert list((await conn.scalars(select(InboxRow.event_id))).all()) == ["Ev-new"]
        documents = (await conn.scalars(select(OutboxRow.document))).all()
    assert not any("약 먹기" in d for d in documents)


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
            f"maeum: the database schema is behind (revision none, code expects {_HEAD}) — run `maeum migrate`"
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
            assert problem.startswith(f"schema behind (revision none, code expects {_HEAD})")
            assert "maeum migrate" in problem
            assert httpx.get(f"{web}/healthz").status_code == 200
            metrics = httpx.get(f"{web}/metrics")
            assert metrics.status_code == 200 and "maeum_outbox_rows" not in metrics.text

            upgrade(url=url)  # the release step runs while the web process is up: it notices, no restart needed
            ready = httpx.get(f"{web}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
            assert ready.json()["schema"] == f"current (revision {_HEAD})"
            assert "maeum_dead_letters 0.0" in httpx.get(f"{web}/metrics").text
        finally:
            serve.terminate()
            serve.wait(timeout=20)
    logged = log.read_text()
    assert "Traceback" not in logged
    assert f"the database schema is behind (revision none, code expects {_HEAD}) — run `maeum migrate`" in logged


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


async def _on(
    app: App, text: str | None, user: str, platform: str, *, action: str | None = None, locale: str | None = None
) -> RecordingResponder:
    """A message (or a button press) from one platform account."""
    responder = RecordingResponder()
    incoming = dm(text, user=user, platform=platform, locale=locale)
    await app.dispatcher.handle(replace(incoming, action=action) if action else incoming, responder)
    return responder


def _code(reply: RecordingResponder) -> str:
    found = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", reply.all_text())
    assert found, reply.all_text()
    return found.group()


async def _linked(app: App) -> None:
    """민지 keeps a diary on Telegram and joins her Discord account to it."""
    await _on(app, "/consent yes", "tg-minji", "telegram")
    await _on(app, "/diary 텔레그램에서 쓴 일기", "tg-minji", "telegram")
    code = _code(await _on(app, "/link", "tg-minji", "telegram"))
    assert "연결됐어요" in (await _on(app, f"/link {code}", "dc-minji", "discord")).all_text()


@pytest.fixture
def recorders() -> dict[str, RecordingMessenger]:
    return {name: RecordingMessenger(name) for name in ("telegram", "discord", "terminal")}


@pytest.fixture
def pushing(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    recorders: dict[str, RecordingMessenger],
) -> App:
    return bootstrap(settings, clock=clock, llm=llm, engine=engine, messengers=recorders, ops=RecordingOpsAlerts())


async def test_k07_the_account_that_made_the_code_is_told_which_account_joined(
    pushing: App, recorders: dict[str, RecordingMessenger]
) -> None:
    await _linked(pushing)
    await run_clock_once(pushing)
    ((recipient, reply, _),) = recorders["telegram"].pushed  # on the platform of the account that made the code
    assert recipient.user_external_id == "tg-minji"
    assert reply.sections[0].title == "🔗 새 계정이 연결됐어요"
    assert "디스코드의 'dc-minji' 계정" in reply.plain_text and "/unlink" in reply.plain_text
    assert recorders["discord"].pushed == []  # the account that typed the code got its answer in the chat


async def test_k07_link_list_shows_the_linked_accounts_and_which_one_is_speaking(app: App) -> None:
    alone = await _on(app, "/link list", "tg-minji", "telegram")
    assert "이 계정 하나만" in alone.all_text()
    await _linked(app)
    listed = (await _on(app, "/link list", "dc-minji", "discord")).all_text()
    assert "1. 텔레그램 · tg-minji\n2. 디스코드 · dc-minji ← 지금 이 계정 🔔 알림 (마지막으로 쓴 계정)" in listed
    assert "/unlink" in listed
    await _on(app, "/lang en", "tg-minji", "telegram")
    english = (await _on(app, "/link list", "tg-minji", "telegram")).all_text()
    assert "1. Telegram · tg-minji ← this one 🔔 pushes (used last)\n2. Discord · dc-minji" in english


async def test_after_a_link_pushes_go_to_the_account_used_last_or_the_one_chosen(
    pushing: App, clock: FixedClock, recorders: dict[str, RecordingMessenger]
) -> None:
    await _linked(pushing)
    await run_clock_once(pushing)
    for recorder in recorders.values():
        recorder.pushed.clear()

    async def reminder_reaches(platform: str, account: str, note: str) -> None:
        await _on(pushing, f"/remind 1m {note}", account, platform)
        clock.advance(minutes=2)
        await run_clock_once(pushing)
        got = {name: [reply.plain_text for _, reply, _ in r.pushed] for name, r in recorders.items()}
        assert any(note in text for text in got[platform]), got
        for recorder in recorders.values():
            recorder.pushed.clear()

    await reminder_reaches("telegram", "tg-minji", "물 마시기")  # written from Telegram: it comes there
    await reminder_reaches("discord", "dc-minji", "스트레칭")  # now from Discord: there
    listed = (await _on(pushing, "/link list", "dc-minji", "discord")).all_text()
    assert "2. 디스코드 · dc-minji ← 지금 이 계정 🔔 알림 (마지막으로 쓴 계정)" in listed
    chosen = await _on(pushing, "/link primary 1", "dc-minji", "discord")
    assert "텔레그램의 'tg-minji' 계정으로" in chosen.all_text()
    await _on(pushing, "/remind 1m 책 읽기", "dc-minji", "discord")  # written from Discord, but Telegram was chosen
    clock.advance(minutes=2)
    await run_clock_once(pushing)
    assert any("책 읽기" in reply.plain_text for _, reply, _ in recorders["telegram"].pushed)
    assert recorders["discord"].pushed == []
    assert (
        "1. 텔레그램 · tg-minji 🔔 알림 (고른 계정)"
        in (await _on(pushing, "/link list", "dc-minji", "discord")).all_text()
    )
    assert "마지막으로 대화한 계정" in (await _on(pushing, "/link primary auto", "dc-minji", "discord")).all_text()
    await reminder_reaches("discord", "dc-minji", "산책")  # following the account used last again
    assert "사용법: /link primary" in (await _on(pushing, "/link primary 7", "dc-minji", "discord")).all_text()


async def test_k07_unlink_asks_first_and_the_account_taken_out_starts_fresh(
    pushing: App, engine: AsyncEngine, recorders: dict[str, RecordingMessenger]
) -> None:
    await _linked(pushing)
    await run_clock_once(pushing)
    recorders["telegram"].pushed.clear()
    question = await _on(pushing, "/unlink discord", "tg-minji", "telegram")
    assert "디스코드의 'dc-minji' 계정 연결을 끊을까요?" in question.all_text()
    confirm, keep = question.last.current.buttons
    assert "그대로 뒀어요" in (await _on(pushing, None, "tg-minji", "telegram", action=keep.action)).all_text()
    assert len(await _identities_of(engine, "tg-minji")) == 2  # asking changed nothing

    done = await _on(pushing, None, "tg-minji", "telegram", action=confirm.action)
    assert "연결을 끊었어요" in done.all_text()
    assert await _identities_of(engine, "tg-minji") == ["tg-minji"]
    fresh = (await _on(pushing, "/diaries", "dc-minji", "discord")).all_text()
    assert "텔레그램에서 쓴 일기" not in fresh
    assert "텔레그램에서 쓴 일기" in (await _on(pushing, "/diaries", "tg-minji", "telegram")).all_text()
    await run_clock_once(pushing)
    ((recipient, told, _),) = recorders["discord"].pushed  # the account taken out hears it on its own platform
    assert recipient.user_external_id == "dc-minji" and "새 계정이 됐어요" in told.plain_text
    assert recorders["telegram"].pushed == []  # the one who pressed the button got the answer in the chat

    last = await _on(pushing, "/unlink 1 yes", "tg-minji", "telegram")
    assert "하나뿐이라 끊을 수 없어요" in last.all_text()
    assert "사용법: /unlink" in (await _on(pushing, "/unlink mastodon", "tg-minji", "telegram")).all_text()


async def test_k07_unlinking_the_account_in_use_tells_the_others(
    pushing: App, engine: AsyncEngine, recorders: dict[str, RecordingMessenger]
) -> None:
    await _linked(pushing)
    await run_clock_once(pushing)
    recorders["telegram"].pushed.clear()
    assert "지금 쓰고 있는 이 계정" in (await _on(pushing, "/unlink 2", "dc-minji", "discord")).all_text()
    done = await _on(pushing, "/unlink 2 yes", "dc-minji", "discord")  # the typed twin of the confirm button
    assert "이 계정의 연결을 끊었어요" in done.all_text()
    await run_clock_once(pushing)
    ((recipient, told, _),) = recorders["telegram"].pushed
    assert recipient.user_external_id == "tg-minji"
    assert "디스코드의 'dc-minji' 계정 연결이 끊겼어요" in told.plain_text
    assert "이 계정 하나만" in (await _on(pushing, "/link list", "dc-minji", "discord")).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(UserRow)) == 2


async def test_k07_wrong_codes_pause_link_and_friend_accept_then_the_window_passes(
    app: App, settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    link_code = _code(await say(app, "/link"))
    friend_code = _code(await say(app, "/friend invite"))
    for verb in ("/link", "/link", "/link", "/friend accept", "/friend accept"):  # one count for both verbs
        wrong = await say(app, f"{verb} AAAA-AAAA", user="guesser")
        assert "이미 쓰였거나" in wrong.all_text()

    paused = (await say(app, f"/friend accept {friend_code}", user="guesser")).all_text()  # right, but paused
    assert "10분 안에 5번" in paused and "10분 뒤에 다시" in paused
    assert "10분 뒤에 다시" in (await say(app, f"/link {link_code}", user="guesser")).all_text()
    other_process = bootstrap(settings, clock=clock, engine=engine, ops=RecordingOpsAlerts())
    clock.advance(minutes=4)
    assert "6분 뒤에 다시" in (await say(other_process, "/link AAAA-AAAA", user="guesser")).all_text()
    await say(app, "/lang en", user="guesser")
    assert "try again in 6 min" in (await say(app, "/link AAAA-AAAA", user="guesser")).all_text()

    clock.advance(minutes=6)
    assert "friends now" in (await say(app, f"/friend accept {friend_code}", user="guesser")).all_text()
    assert "Usage" in (await say(app, "/link 12", user="guesser")).all_text()  # not a code: not a guess either


async def test_k07_right_codes_are_not_counted_as_wrong(app: App) -> None:
    for _ in range(6):
        own = _code(await say(app, "/friend invite"))
        assert "내가 만든 코드" in (await say(app, f"/friend accept {own}")).all_text()
    own_link = _code(await say(app, "/link"))
    assert "같은 계정" in (await say(app, f"/link {own_link}")).all_text()


async def test_k07_link_and_friend_codes_are_limited_per_local_day(app: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 26, 14, 50, tzinfo=UTC))  # 23:50 in Seoul
    for _ in range(10):
        _code(await say(app, "/link"))
        _code(await say(app, "/friend invite"))
    assert "연결 코드는 하루에 10개까지" in (await say(app, "/link")).all_text()
    assert "초대 코드는 하루에 10개까지" in (await say(app, "/friend invite")).all_text()
    clock.advance(minutes=11)  # 00:01 the next day in Seoul: a new day, though not 24 hours later
    _code(await say(app, "/link"))
    _code(await say(app, "/friend invite"))


async def test_k07_export_lists_linked_accounts_their_codes_and_wrong_tries(app: App) -> None:
    await _on(app, "/link ZZZZ-ZZZZ", "dc-minji", "discord")  # a typo before the right code
    await _linked(app)
    (attachment,) = (await _on(app, "/export", "dc-minji", "discord")).last.current.attachments
    data = json.loads(attachment.content)
    assert sorted((i["platform"], i["name"]) for i in data["identities"]) == [
        ("discord", "dc-minji"),
        ("telegram", "tg-minji"),
    ]
    [made] = data["link_codes"]
    assert made["used_at"] is not None and "code" not in made
    assert [t["kind"] for t in data["wrong_code_tries"]] == ["link"]


async def _identities_of(engine: AsyncEngine, external_id: str) -> list[str]:
    """The accounts of the user that `external_id` belongs to."""
    async with engine.connect() as conn:
        owner = select(IdentityRow.user_id).where(IdentityRow.external_id == external_id).scalar_subquery()
        return list(
            (
                await conn.scalars(
                    select(IdentityRow.external_id).where(IdentityRow.user_id == owner).order_by(IdentityRow.id)
                )
            ).all()
        )


class Chat(RecordingResponder):
    """One platform chat across attempts (the messages stay on the platform when a process dies); its first
    `failing` sends raise, as a platform that cannot be reached does."""

    def __init__(self, *, failing: int = 0) -> None:
        super().__init__()
        self.failing = failing

    async def send(self, reply: Reply) -> MessageRef:
        if self.failing:
            self.failing -= 1
            raise ConnectionError("platform unreachable")
        return await super().send(reply)


class HangingModel(ScriptedLanguageModel):
    """Answers like the scripted model, but while `hang` is set every call waits for ever (a slow model, or a
    process about to die in the middle of one)."""

    def __init__(self) -> None:
        super().__init__(lambda call: f"{call.persona} 답변: 천천히 함께 생각해 봐요")
        self.hang = False
        self.waiting = 0

    async def stream(self, call: ModelCall) -> AsyncIterator[StreamEvent]:
        if self.hang:
            self.waiting += 1
            await asyncio.Event().wait()
        async for event in super().stream(call):
            yield event


def terminal_inbox(app: App, chat: RecordingResponder) -> InboxIntake:
    """The inbox as a platform adapter uses it, for a platform whose updates are {"user", "text"}."""

    async def handle(payload: str, journal: ReplyJournal) -> None:
        update = json.loads(payload)
        await app.dispatcher.handle(journal.message(dm(update["text"], user=update["user"])), journal.wrap(chat))

    return app.inbox_intake("terminal", handle)


def worry_update(text: str = "요즘 잠이 잘 안 와요", user: str = "minji") -> str:
    return json.dumps({"user": user, "text": text}, ensure_ascii=False)


async def inbox_row(engine: AsyncEngine, inbox_id: int) -> InboxRow:
    async with AsyncSession(engine) as session:
        row = await session.get(InboxRow, inbox_id)
        assert row is not None
        return row


async def worries_of(engine: AsyncEngine) -> list[WorryRow]:
    async with AsyncSession(engine) as session:
        return list((await session.scalars(select(WorryRow).order_by(WorryRow.id))).all())


async def eventually(condition: Callable[[], bool], *, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def k10_settings(settings: Settings, **overrides: object) -> Settings:
    return settings.model_copy(
        update={"inbox_lease_seconds": 30.0, "inbox_retry_seconds": 5.0, "inbox_max_attempts": 3, **overrides}
    )


async def test_k10_a_failed_update_is_retried_after_a_backoff_and_then_answered(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    app = bootstrap(k10_settings(settings), clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    chat = Chat(failing=2)  # the first attempt cannot reach the platform: neither the answer nor the apology goes
    inbox = terminal_inbox(app, chat)
    inbox_id = await inbox.accept("u-1", worry_update())
    assert inbox_id is not None
    await inbox.process(inbox_id)
    failed = await inbox_row(engine, inbox_id)
    assert (failed.state, failed.attempts, failed.last_error) == ("pending", 1, "ConnectionError")
    assert chat.messages == []

    clock.advance(seconds=4)
    assert await inbox.recover() == 0  # not before its backoff (5 s)
    clock.advance(seconds=1)
    assert await inbox.recover() == 1
    done = await inbox_row(engine, inbox_id)
    assert (done.state, done.attempts, done.payload) == ("done", 2, "")
    welcome, f_part, t_part = chat.messages  # the person's first message: the welcome line goes out once, before F
    assert "처음 오셨네요" in welcome.text and f_part.final and t_part.final
    assert "F 답변" in f_part.text and "T 답변" in t_part.text
    [worry] = await worries_of(engine)  # the first attempt's worry, answered by the second: not another one
    assert worry.answered and worry.update_key == "terminal:u-1"


async def test_k10_an_update_failing_every_attempt_is_dead_reported_and_can_be_retried(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = bootstrap(k10_settings(settings), clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    chat = Chat(failing=1000)
    inbox = terminal_inbox(app, chat)
    inbox_id = await inbox.accept("u-2", worry_update())
    assert inbox_id is not None
    await inbox.process(inbox_id)
    for backoff in (5, 10):  # exponential: 5 s, then 10 s
        clock.advance(seconds=backoff - 0.5)
        assert await inbox.recover() == 0
        clock.advance(seconds=0.5)
        with caplog.at_level(logging.WARNING):
            assert await inbox.recover() == 1
    dead = await inbox_row(engine, inbox_id)
    assert (dead.state, dead.attempts) == ("dead", 3) and dead.payload  # kept, to be tried again
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR and "dead inbox update" in r.getMessage()]
    assert record.exc_info is not None  # the ops alert carries the trace, like a dead push's
    clock.advance(minutes=30)
    assert await inbox.recover() == 0  # dead: never again by itself

    [letter] = await app.dead_letters.updates()
    assert (letter.id, letter.platform, letter.attempts, letter.last_error) == (
        inbox_id,
        "terminal",
        3,
        "ConnectionError",
    )
    chat.failing = 0
    assert await app.dead_letters.retry_updates([inbox_id]) == 1
    assert await inbox.recover() == 1
    assert (await inbox_row(engine, inbox_id)).state == "done"
    assert len(chat.messages) == 3 and len(await worries_of(engine)) == 1  # the welcome, F and T


async def test_k10_a_long_handler_keeps_its_update_and_a_dead_holders_is_taken_again_after_the_lease(
    settings: Settings, engine: AsyncEngine
) -> None:
    """Real time: a lease of 1 s, renewed every third of a second while a handler runs."""
    app = bootstrap(
        k10_settings(settings, inbox_lease_seconds=1.0), clock=SystemClock(), engine=engine, ops=RecordingOpsAlerts()
    )
    runs: list[str] = []
    release = asyncio.Event()

    async def slow(payload: str, journal: ReplyJournal) -> None:
        runs.append(payload)
        await release.wait()

    first = app.inbox_intake("terminal", slow)
    other = app.inbox_intake("terminal", slow)  # another process receiving the same platform
    inbox_id = await first.accept("long", "{}")
    assert inbox_id is not None
    handling = asyncio.create_task(first.process(inbox_id))
    await eventually(lambda: len(runs) == 1)
    for _ in range(10):  # 2.5 s: more than two leases, and the heartbeat keeps it
        await asyncio.sleep(0.25)
        assert await other.recover() == 0
    release.set()
    await handling
    assert runs == ["{}"] and (await inbox_row(engine, inbox_id)).state == "done"

    release.clear()
    crashed = app.inbox_intake("terminal", slow)
    inbox_id = await crashed.accept("crash", "{}")
    assert inbox_id is not None
    dying = asyncio.create_task(crashed.process(inbox_id))
    await eventually(lambda: len(runs) == 2)
    dying.cancel()  # the process dies: no heartbeat, no `done`
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    assert (await inbox_row(engine, inbox_id)).state == "processing"
    assert await other.recover() == 0  # its lease still runs
    await asyncio.sleep(1.1)
    release.set()
    assert await other.recover() == 1
    taken_again = await inbox_row(engine, inbox_id)
    assert (taken_again.state, taken_again.attempts) == ("done", 2) and len(runs) == 3


async def test_k10_handling_the_same_update_again_makes_one_worry_one_count_one_charge_and_one_answer(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    model = HangingModel()
    app = bootstrap(
        k10_settings(settings, daily_free_worries=0), clock=clock, llm=model, engine=engine, ops=RecordingOpsAlerts()
    )
    await say(app, "/consent yes")
    [user_id] = await _user_ids(engine)
    async with app.uow() as uow:
        await uow.points.earn(UserId(user_id), 100, reason="test.seed", ref="k10", now=clock.now())
        await uow.commit()
    chat = Chat()
    inbox = terminal_inbox(app, chat)
    inbox_id = await inbox.accept("u-3", worry_update())
    assert inbox_id is not None

    model.hang = True  # the model is slow, and the process dies while it waits: the charge notice, F and T are out
    dying = asyncio.create_task(inbox.process(inbox_id))
    await eventually(lambda: model.waiting == 2)
    dying.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    assert len(chat.messages) == 3 and not any(m.final for m in chat.messages[1:])

    model.hang = False
    clock.advance(seconds=31)  # the lease is over: another process (or this one restarted) takes it again
    assert await inbox.recover() == 1
    assert (await inbox_row(engine, inbox_id)).state == "done"
    paid, f_part, t_part = chat.messages  # the same three messages, brought to their end: none sent again
    assert "20" in paid.text and "F 답변" in f_part.text and "T 답변" in t_part.text and f_part.final and t_part.final
    [worry] = await worries_of(engine)
    assert worry.answered
    async with app.uow() as uow:
        assert await uow.counseling.count_worries_since(UserId(user_id), clock.now() - timedelta(days=1)) == 1
        assert await uow.points.balance(UserId(user_id)) == 100 - POINTS_EXTRA_WORRY
        charges = [e for e in await uow.points.log(UserId(user_id)) if e.reason == "spend.worry"]
    assert len(charges) == 1

    # …and once more, as if the process had died after the answer was complete but before the update was marked
    # done (the row as it was then: processing, payload kept): nothing more is said, recorded or asked of the model
    async with AsyncSession(engine) as session, session.begin():
        await session.execute(
            update(InboxRow)
            .where(InboxRow.id == inbox_id)
            .values(state="processing", lease_until=clock.now(), payload=worry_update())
        )
    clock.advance(seconds=1)
    sent_before = [(m.ref, len(m.edits)) for m in chat.messages]
    assert await inbox.recover() == 1
    assert (await inbox_row(engine, inbox_id)).state == "done"
    assert [(m.ref, len(m.edits)) for m in chat.messages] == sent_before
    assert len(await worries_of(engine)) == 1 and len(model.calls) == 2  # the two that answered


@pytest.mark.parametrize("kind", ["redis", "in-process"])
async def test_k10_a_dead_attempts_worry_lock_is_taken_over_by_the_same_update_only(kind: str) -> None:
    async with contextlib.AsyncExitStack() as stack:
        locks: Locks = (
            InProcessLocks() if kind == "in-process" else await stack.enter_async_context(connected_redis_locks())
        )
        assert await stack.enter_async_context(locks.hold("worry:7", ttl_seconds=180, owner="telegram:1"))
        # …and its process dies holding it (180 s to go): the same update handled again goes on at once
        async with locks.hold("worry:7", ttl_seconds=180) as another_message:
            assert not another_message
        async with locks.hold("worry:7", ttl_seconds=180, owner="telegram:2") as another_update:
            assert not another_update
        async with locks.hold("worry:7", ttl_seconds=180, owner="telegram:1") as the_same_update:
            assert the_same_update
