"""Issue 13, the trust audit: each finding has a test named after its item (test_kNN_…)."""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.adapters.db.models import (
    DiaryEntryRow,
    InboxRow,
    OutboxRow,
    PendingDiaryRow,
    PointLedgerRow,
    UserRow,
    WorryRow,
)
from core.adapters.ops import alert_event, alert_text
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushState
from core.domain.records import UsageRecord
from core.ports import ModelCall
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

    async def dispatch_due(self) -> int:
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
