"""The durable push road on SQLite and PostgreSQL: outbox → clock → delivery, with failures."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import OutboxRow
from core.adapters.queue import InProcessJobQueue
from core.bootstrap import App, bootstrap
from core.domain.outbox import MAX_ATTEMPTS, NewPush, PushButton, PushDocument, PushKind
from core.domain.values import Locale
from core.ports import Recipient, RecipientUnreachable, RetryLater
from core.replies import Reply
from core.routing import encode_action
from core.settings import Settings
from tests.conftest import dm, group
from tests.fakes import FixedClock, RecordingMessenger, RecordingResponder, ScriptedLanguageModel


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
async def road(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    messenger: RecordingMessenger,
) -> App:
    return bootstrap(settings, clock=clock, llm=llm, engine=engine, messengers={"terminal": messenger})


async def run_clock_once(app: App) -> None:
    service = app.outbox_relay(holder="test-clock")
    assert await service.hold_lease()
    await service.recover()
    await service.relay_due()
    assert isinstance(app.queue, InProcessJobQueue)
    await app.queue.drain()


async def states(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.scalars(select(OutboxRow.state).order_by(OutboxRow.id))).all())


async def test_a_reminder_is_pushed_when_due_in_the_users_current_language(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    await road.dispatcher.handle(dm("/remind 10m 물 마시기", user="minji"), RecordingResponder())
    await run_clock_once(road)
    assert messenger.pushed == []  # not due yet
    await road.dispatcher.handle(dm("/lang en", user="minji"), RecordingResponder())
    clock.advance(minutes=10)
    await run_clock_once(road)
    ((recipient, reply, _),) = messenger.pushed
    assert recipient.user_external_id == "minji" and recipient.platform == "terminal"
    assert reply.sections[0].title == "⏰ Reminder"
    assert reply.sections[0].body == "물 마시기"
    assert await states(engine) == ["sent"]


async def test_remind_list_and_cancel_in_the_users_zone(road: App, clock: FixedClock, engine: AsyncEngine) -> None:
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # 12:00 in Seoul, a Thursday
    await road.dispatcher.handle(dm("/remind 21:30 약 먹기"), RecordingResponder())
    await road.dispatcher.handle(dm("/remind 1h 스트레칭"), RecordingResponder())
    listing = RecordingResponder()
    await road.dispatcher.handle(dm("/remind list"), listing)
    assert "#2 · 11월 26일 (목) 오후 1:00 — 스트레칭\n#1 · 11월 26일 (목) 오후 9:30 — 약 먹기" in listing.all_text()
    cancelled = RecordingResponder()
    await road.dispatcher.handle(dm("/remind cancel 1"), cancelled)
    assert "약 먹기" in cancelled.all_text()
    missing = RecordingResponder()
    await road.dispatcher.handle(dm("/remind cancel 5"), missing)
    assert "5번 알림은 없어요" in missing.all_text()
    assert sorted(await states(engine)) == ["cancelled", "pending"]


async def say(app: App, text: str) -> str:
    reply = RecordingResponder()
    await app.dispatcher.handle(dm(text), reply)
    return reply.all_text()


async def test_a_reminders_number_stays_when_an_earlier_one_is_sent_or_cancelled(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    assert "/remind cancel 1" in await say(road, "/remind 10분 뒤 물 마시기")
    await say(road, "/remind 20분 뒤 스트레칭")
    await say(road, "/remind 30분 뒤 환기하기")
    clock.advance(minutes=10)
    await run_clock_once(road)
    assert [reply.sections[0].body for _, reply, _ in messenger.pushed] == ["물 마시기"]
    listing = await say(road, "/remind list")
    assert "#1" not in listing and "#2 · " in listing and "#3 · " in listing
    assert "환기하기" in await say(road, "/remind cancel 3")  # still the one shown as 3, not the third position
    assert "1번 알림은 이미 보냈거나 취소했어요" in await say(road, "/remind cancel 1")
    assert "/remind cancel 4" in await say(road, "/remind 내일 아침 8시 약 먹기")  # numbers are never reused
    listing = await say(road, "/remind list")
    assert "#2 · 11월 26일 (목) 오후 12:20 — 스트레칭\n#4 · 11월 27일 (금) 오전 8:00 — 약 먹기" in listing


async def test_a_reminder_from_before_numbers_is_listed_and_cancelled_under_its_push_id(
    road: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await say(road, "/remind 10m 새 알림")
    async with engine.connect() as conn:
        user_id = (await conn.scalars(select(OutboxRow.user_id))).one()
    async with road.uow() as uow:
        await uow.outbox.add(
            NewPush(
                dedupe_key=f"remind:{user_id}:0123456789abcdef0123456789abcdef",  # the old random key
                kind="reminder",
                document=PushDocument(key="remind.fire", title_key="remind.title", text="옛 알림"),
                due_at=clock.now() + timedelta(hours=1),
                user_id=user_id,
            ),
            now=clock.now(),
        )
        await uow.commit()
    async with engine.connect() as conn:
        old = max((await conn.scalars(select(OutboxRow.id))).all())
    listing = await say(road, "/remind list")
    assert "#1 · " in listing and f"#{old} · " in listing
    assert "옛 알림" in await say(road, f"/remind cancel {old}")
    expected = 3 if old == 2 else 2  # a new number steps over a push id an old reminder was shown under
    assert f"/remind cancel {expected})" in await say(road, "/remind 5m 다음 알림")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/remind", "사용법: /remind"),
        ("/remind 10m", "사용법: /remind"),
        ("/remind cancel x", "사용법: /remind"),
        ("/remind 25:00 x", "25:00는 없는 시각이에요"),
        ("/remind soon 물", "언제인지 정확히 읽지 못했어요. 예: /remind 내일 아침 8시 약 먹기"),
        ("/remind 내일 약 먹기", "내일 몇 시에 알려 드릴까요?"),
        ("/remind 8시쯤 약 먹기", "대략적인 시각으로는 알림을 맞출 수 없어요"),
        ("/remind 오후 13시 약", "‘오후 13시’에는 서로 맞지 않는 말이 섞여 있어요"),
        ("/remind 2월 30일 9시 약", "2월 30일은 없는 날짜예요"),
        ("/remind 다음 주 9시 회의", "그 주의 무슨 요일인지도 알려 주세요"),
    ],
)
async def test_bad_reminders_are_refused_with_the_reason_and_store_nothing(
    road: App, engine: AsyncEngine, text: str, answer: str
) -> None:
    assert answer in await say(road, text)
    assert await states(engine) == []


async def test_a_past_or_far_time_is_refused_naming_it_in_the_users_language(road: App, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 3, 1, 15, tzinfo=UTC))  # 10:15 in Seoul
    assert "12월 3일 (목) 오전 9:00는 이미 지났어요" in await say(road, "/remind 오늘 9시 회의")
    assert "2027년 12월 4일 (토) 오전 9:00는 너무 먼 날이에요" in await say(road, "/remind 2027-12-04 9:00 회의")
    await say(road, "/lang en")
    assert "Thu, Dec 3, 9:00 AM has already passed" in await say(road, "/remind today 9am meeting")
    assert "I couldn't tell exactly when" in await say(road, "/remind someday meeting")
    assert "I'll remind you on Fri, Dec 4, 7:00 AM: run\n(#1 · to cancel: /remind cancel 1)" in await say(
        road, "/remind run tomorrow 7am"
    )


async def test_the_same_dedupe_key_twice_is_one_push(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    await road.dispatcher.handle(dm("/start"), RecordingResponder())
    push = NewPush(
        dedupe_key="notice:1",
        kind="notice",
        document=PushDocument(key="remind.fire", text="hi"),
        due_at=clock.now(),
        user_id=1,
    )
    async with road.uow() as uow:
        assert await uow.outbox.add(push, now=clock.now())
        assert not await uow.outbox.add(push, now=clock.now())
        await uow.commit()
    async with road.uow() as uow:
        assert not await uow.outbox.add(push, now=clock.now())
        await uow.commit()
    await run_clock_once(road)
    assert messenger.texts == ["hi"]


async def seed(app: App, clock: FixedClock, n: int = 1) -> None:
    await app.dispatcher.handle(dm("/start"), RecordingResponder())
    async with app.uow() as uow:
        for i in range(n):
            await uow.outbox.add(
                NewPush(
                    dedupe_key=f"p{i}",
                    kind="notice",
                    document=PushDocument(key="remind.fire", text=f"n{i}"),
                    due_at=clock.now(),
                    user_id=1,
                ),
                now=clock.now(),
            )
        await uow.commit()


async def test_a_429_waits_its_retry_after_then_succeeds_without_using_an_attempt(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    messenger.failures = [RetryLater(30)]
    await seed(road, clock)
    await run_clock_once(road)
    assert messenger.pushed == []
    clock.advance(seconds=29)
    await run_clock_once(road)
    assert messenger.pushed == []  # still waiting
    clock.advance(seconds=2)
    await run_clock_once(road)
    assert messenger.texts == ["n0"]
    async with engine.connect() as conn:
        assert await conn.scalar(select(OutboxRow.attempts)) == 1


async def test_a_permanent_failure_is_dead_lettered_after_the_last_try_with_one_error(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    messenger.failures = [ConnectionError("down")] * (MAX_ATTEMPTS + 3)
    await seed(road, clock)
    for _ in range(MAX_ATTEMPTS + 2):
        await run_clock_once(road)
        clock.advance(minutes=11)
    assert await states(engine) == ["dead"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "dead letter" in errors[0].getMessage()
    assert len(messenger.failures) == 3  # exactly MAX_ATTEMPTS tries were made


async def test_an_unreachable_recipient_is_marked_and_not_retried(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    messenger.failures = [RecipientUnreachable("bot blocked")]
    await seed(road, clock)
    await run_clock_once(road)
    clock.advance(minutes=30)
    await run_clock_once(road)
    assert await states(engine) == ["unreachable"]
    assert messenger.failures == []


async def test_a_group_push_goes_to_the_chat(road: App, clock: FixedClock, messenger: RecordingMessenger) -> None:
    await road.dispatcher.handle(group("/help"), RecordingResponder())
    async with road.uow() as uow:
        await uow.outbox.add(
            NewPush(
                dedupe_key="g",
                kind="club",
                document=PushDocument(key="remind.fire", text="모임"),
                due_at=clock.now(),
                platform="terminal",
                chat_id="group:club",
            ),
            now=clock.now(),
        )
        await uow.commit()
    await run_clock_once(road)
    ((recipient, _, _),) = messenger.pushed
    assert recipient.chat_id == "group:club"


async def test_a_dead_workers_row_is_sent_again_after_its_lease(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    await seed(road, clock)
    async with road.uow() as uow:  # a worker takes the row... and dies before sending
        taken = await uow.outbox.take_for_sending(1, now=clock.now(), lease_until=clock.now() + timedelta(seconds=30))
        await uow.commit()
    assert taken is not None
    await run_clock_once(road)
    assert messenger.pushed == []  # the lease still holds
    clock.advance(seconds=31)
    await run_clock_once(road)
    assert messenger.texts == ["n0"]


async def test_racing_deliveries_of_the_same_rows_send_each_once(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    await seed(road, clock, n=20)
    ids = list(range(1, 21))
    reports = await asyncio.gather(road.delivery.deliver(ids), road.delivery.deliver(ids), road.delivery.deliver(ids))
    assert sum(r.sent for r in reports) == 20
    assert sorted(messenger.texts) == sorted(f"n{i}" for i in range(20))


async def test_only_one_clock_leads(road: App, clock: FixedClock) -> None:
    first, second = road.outbox_relay(holder="a"), road.outbox_relay(holder="b")
    assert await first.hold_lease()
    assert not await second.hold_lease()
    clock.advance(seconds=20)  # the leader stopped renewing
    assert await second.hold_lease()
    assert not await first.hold_lease()


async def test_forgetting_a_user_drops_their_pending_pushes(road: App, clock: FixedClock, engine: AsyncEngine) -> None:
    await road.dispatcher.handle(dm("/remind 10m 물"), RecordingResponder())
    question = RecordingResponder()
    await road.dispatcher.handle(dm("/forget"), question)
    await road.dispatcher.handle(dm("/forget_confirm yes"), RecordingResponder())
    assert await states(engine) == []


async def test_an_announcement_reaches_every_user_once_in_their_language(
    road: App, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    for user, locale in (("a", None), ("b", "en-US"), ("c", None)):
        await road.dispatcher.handle(dm("/help", user=user, locale=locale), RecordingResponder())
    assert await road.announcements.announce("점검 안내: 오늘 밤 2시") == 3
    assert await road.announcements.announce("점검 안내: 오늘 밤 2시") == 0  # running it again sends nothing new
    await run_clock_once(road)
    titles = sorted(reply.sections[0].title or "" for _, reply, _ in messenger.pushed)
    assert titles == ["📢 News from maeum", "📢 마음 소식", "📢 마음 소식"]
    assert {reply.sections[0].body for _, reply, _ in messenger.pushed} == {"점검 안내: 오늘 밤 2시"}


async def test_an_empty_announcement_is_refused(road: App) -> None:
    with pytest.raises(ValueError, match="1 to 3000"):
        await road.announcements.announce("   ")


async def test_quiet_hours_hold_a_friends_notice_but_not_a_reminder_the_user_timed(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    async def say(text: str, user: str) -> str:
        responder = RecordingResponder()
        await road.dispatcher.handle(dm(text, user=user), responder)
        return responder.all_text()

    clock.set(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))  # 23:00 in Seoul
    assert "23:00-08:00" in await say("/quiet 23:00-08:00", "junho")
    assert "사용법: /quiet" in await say("/quiet 25:00-01:00", "junho")
    for user in ("minji", "junho"):
        await say("/consent yes", user)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", await say("/friend invite", "junho"))
    assert code is not None
    await say(f"/friend accept {code.group()}", "minji")  # junho (in quiet hours) is told later
    await say("/remind 1m 물 마시기", "junho")  # his own timing: it comes on time
    clock.advance(minutes=2)
    await run_clock_once(road)
    assert [key for _, _, key in messenger.pushed if key.startswith("friend-accepted")] == []
    assert any("물 마시기" in reply.sections[0].body for _, reply, _ in messenger.pushed)
    clock.set(datetime(2026, 11, 26, 23, 0, 30, tzinfo=UTC))  # 08:00:30 in Seoul
    await run_clock_once(road)
    assert [key for _, _, key in messenger.pushed if key.startswith("friend-accepted")] != []
    assert "23:00-08:00" in await say("/quiet", "junho")
    assert "껐어요" in await say("/quiet off", "junho")


async def test_a_push_carries_buttons_in_the_recipients_language_and_a_press_works(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    await road.dispatcher.handle(dm("/lang en", user="minji"), RecordingResponder())
    async with road.uow() as uow:
        [user] = [u for u in [await uow.users.by_identity("terminal", "minji")] if u is not None]
        await uow.outbox.add(
            NewPush(
                dedupe_key="rsvp-1",
                kind=PushKind.ANNOUNCEMENT,
                document=PushDocument(
                    key="start.not_consented",
                    buttons=(PushButton(label_key="consent.agree_button", action=encode_action("consent", "yes")),),
                ),
                due_at=clock.now(),
                user_id=user.id,
            ),
            now=clock.now(),
        )
        await uow.commit()
    await run_clock_once(road)
    ((_, reply, _),) = messenger.pushed
    [button] = reply.sections[0].buttons
    assert button.label == road.catalog.text(Locale.EN, "consent.agree_button")
    pressed = RecordingResponder()
    await road.dispatcher.handle(replace(dm(None, user="minji"), action=button.action), pressed)
    assert "Thank you" in pressed.all_text()  # the button did what it says: consent given


async def test_the_same_remind_update_handled_twice_sets_one_reminder(road: App, engine: AsyncEngine) -> None:
    update = replace(dm("/remind 내일 아침 8시 약 먹기", user="minji"), update_key="terminal:42")
    first, again = RecordingResponder(), RecordingResponder()
    await road.dispatcher.handle(update, first)
    await road.dispatcher.handle(update, again)  # after a crash, the inbox hands the same update over again
    assert await states(engine) == ["pending"]
    assert "#1" in first.all_text() and "#1" in again.all_text()


async def test_quiet_off_releases_the_notices_it_was_holding(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    async def say(text: str, user: str) -> str:
        responder = RecordingResponder()
        await road.dispatcher.handle(dm(text, user=user), responder)
        return responder.all_text()

    clock.set(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))  # 23:00 in Seoul
    await say("/quiet 23:00-08:00", "junho")
    for user in ("minji", "junho"):
        await say("/consent yes", user)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", await say("/friend invite", "junho"))
    assert code is not None
    await say(f"/friend accept {code.group()}", "minji")
    clock.advance(minutes=1)
    await run_clock_once(road)
    assert [key for _, _, key in messenger.pushed if key.startswith("friend-accepted")] == []  # held till 08:00
    assert "껐어요" in await say("/quiet off", "junho")
    clock.advance(seconds=1)
    await run_clock_once(road)  # at 23:01, not at 08:00
    assert [key for _, _, key in messenger.pushed if key.startswith("friend-accepted")] != []


async def test_a_batch_is_taken_in_one_statement_and_recorded_in_a_few_transactions(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    from sqlalchemy import event

    await road.dispatcher.handle(dm("/start"), RecordingResponder())
    async with road.uow() as uow:  # thirty chats: pushes to one chat would wait their turn, one by one
        for n in range(30):
            await uow.outbox.add(
                NewPush(
                    dedupe_key=f"room{n}",
                    kind="club",
                    document=PushDocument(key="remind.fire", text=f"r{n}"),
                    due_at=clock.now(),
                    platform="terminal",
                    chat_id=f"group:room{n}",
                ),
                now=clock.now(),
            )
        await uow.commit()
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        report = await road.delivery.deliver(list(range(1, 31)))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert report.sent == 30 and len(messenger.pushed) == 30
    assert await states(engine) == ["sent"] * 30
    takes = [s for s in statements if s.startswith("UPDATE outbox") and "RETURNING" in s]
    assert len(takes) == 1  # the whole batch in one UPDATE … RETURNING
    # the take and the outcomes' UPDATEs (by id, grouped): never a few statements per push
    assert len(statements) < 30


async def test_pushes_of_a_batch_to_one_chat_wait_their_turn_while_other_chats_go_at_once(
    road: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    from collections.abc import Sequence

    from core.usecases.delivery import DeliveryService

    class WatchingPacer:
        """Slack's pace, and a record of reservations for the room still waiting to be used when another comes."""

        def __init__(self) -> None:
            self.room_waiting = 0
            self.overlaps = 0

        async def reserve(self, keys: Sequence[tuple[str, float, float]]) -> float:
            if any(name == "slack:chat:C0ROOM" for name, _, _ in keys):
                self.overlaps += self.room_waiting
                self.room_waiting += 1
            return 0.0

        async def hold_off(self, name: str, seconds: float) -> None:
            del name, seconds

    pacer = WatchingPacer()

    class Slack(RecordingMessenger):
        async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
            await asyncio.sleep(0.01)  # a platform's answer takes a moment
            if recipient.chat_id == "C0ROOM":
                pacer.room_waiting -= 1
            return await super().push(recipient, reply, idempotency_key=idempotency_key)

    slack = Slack(platform="slack")
    await road.dispatcher.handle(dm("/start"), RecordingResponder())
    async with road.uow() as uow:
        for n in range(10):
            room = n % 2 == 0
            await uow.outbox.add(
                NewPush(
                    dedupe_key=f"mix{n}",
                    kind="club",
                    document=PushDocument(key="remind.fire", text=f"m{n}"),
                    due_at=clock.now(),
                    platform="slack",
                    chat_id="C0ROOM" if room else f"C0OTHER{n}",
                ),
                now=clock.now(),
            )
        await uow.commit()
    delivery = DeliveryService(
        uow=road.uow, clock=clock, messengers={"slack": slack}, pacer=pacer, catalog=road.catalog, metrics=road.metrics
    )
    report = await delivery.deliver(list(range(1, 11)))
    assert report.sent == 10
    assert pacer.overlaps == 0  # the room's next push asked for its slot only once the one before had gone
    room = [reply.plain_text for recipient, reply, _ in slack.pushed if recipient.chat_id == "C0ROOM"]
    assert room == ["m0", "m2", "m4", "m6", "m8"]  # in order


async def test_a_push_withdrawn_after_the_clock_handed_it_to_a_job_is_not_sent(
    road: App, clock: FixedClock, messenger: RecordingMessenger, engine: AsyncEngine
) -> None:
    await seed(road, clock, n=3)
    relay = road.outbox_relay(holder="test-clock")
    assert await relay.hold_lease()
    async with road.uow() as uow:
        claimed = await uow.outbox.claim_due(now=clock.now(), limit=10, job_id="outbox-test")
        await uow.outbox.withdraw("p1")  # queued for the job, then taken back (a shared entry hidden, say)
        await uow.commit()
    report = await road.delivery.deliver([push_id for push_id, _ in claimed])
    assert (report.sent, report.skipped) == (2, 1)
    assert sorted(messenger.texts) == ["n0", "n2"]
    assert await states(engine) == ["sent", "cancelled", "sent"]


async def test_a_batch_slower_than_its_lease_keeps_its_rows_from_the_clocks_recovery(
    road: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    from core.adapters.pacing import InProcessPacer
    from core.usecases.delivery import DeliveryService

    released: list[int] = []

    class Slow(RecordingMessenger):
        async def push(self, recipient: Recipient, reply: Reply, *, idempotency_key: str) -> str:
            await asyncio.sleep(0.12)
            clock.advance(seconds=0.12)  # time passes for the leases too
            async with road.uow() as uow:  # what the clock's recovery would give back now
                released.append(await uow.outbox.release_expired_leases(now=clock.now()))
                await uow.rollback()
            return await super().push(recipient, reply, idempotency_key=idempotency_key)

    await road.dispatcher.handle(dm("/start"), RecordingResponder())
    async with road.uow() as uow:
        for n in range(5):
            await uow.outbox.add(
                NewPush(
                    dedupe_key=f"slow{n}",
                    kind="club",
                    document=PushDocument(key="remind.fire", text=f"s{n}"),
                    due_at=clock.now(),
                    platform="terminal",
                    chat_id=f"group:slow{n}",
                ),
                now=clock.now(),
            )
        await uow.commit()
    delivery = DeliveryService(
        uow=road.uow,
        clock=clock,
        messengers={"terminal": Slow()},
        pacer=InProcessPacer(),
        catalog=road.catalog,
        metrics=road.metrics,
        lease=timedelta(seconds=0.25),  # the batch takes 0.6 s: more than two leases
        concurrency=1,
    )
    report = await delivery.deliver([1, 2, 3, 4, 5])
    assert report.sent == 5
    assert released == [0, 0, 0, 0, 0]  # renewed every quarter lease: never taken for a dead worker's
