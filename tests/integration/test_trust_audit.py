"""Issue 13, the trust audit: each finding has a test named after its item (test_kNN_…)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.adapters.db.models import IdentityRow, UserRow, WorryRow
from core.adapters.ops import alert_event, alert_text
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushState
from core.settings import Settings
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingMessenger, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_delivery import run_clock_once
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


# --- k07: /link tells the account that made the code, /link list and /unlink; wrong codes pause; daily codes ---


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
    assert "1. 텔레그램 · tg-minji\n2. 디스코드 · dc-minji ← 지금 이 계정" in listed
    assert "/unlink" in listed
    await _on(app, "/lang en", "tg-minji", "telegram")
    english = (await _on(app, "/link list", "tg-minji", "telegram")).all_text()
    assert "1. Telegram · tg-minji ← this one\n2. Discord · dc-minji" in english


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
