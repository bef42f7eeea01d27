"""Issue 13, the trust audit: each finding has a test named after its item (test_kNN_…)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bots.shared.inbox import InboxIntake, ReplyJournal
from core.adapters.clock import SystemClock
from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.adapters.db.models import InboxRow, UserRow, WorryRow
from core.adapters.locks import InProcessLocks
from core.adapters.ops import alert_event, alert_text
from core.bootstrap import App, bootstrap
from core.domain.diary import POINTS_EXTRA_WORRY
from core.domain.outbox import PushState
from core.domain.values import UserId
from core.ports import Locks, MessageRef, ModelCall, StreamEvent
from core.replies import Reply
from core.settings import Settings
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_diary import befriend, entry_ids, press, say
from tests.integration.test_storage import connected_redis_locks

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


# --- k10: the inbox retries failed updates, keeps a short lease by heartbeat, and handles an update once ----------


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

    return InboxIntake(app, "terminal", handle)


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
    assert [m.final for m in chat.messages] == [True, True]
    assert "F 답변" in chat.messages[0].text and "T 답변" in chat.messages[1].text
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
    assert len(chat.messages) == 2 and len(await worries_of(engine)) == 1


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

    first = InboxIntake(app, "terminal", slow)
    other = InboxIntake(app, "terminal", slow)  # another process receiving the same platform
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
    crashed = InboxIntake(app, "terminal", slow)
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
