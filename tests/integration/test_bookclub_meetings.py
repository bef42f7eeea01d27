"""Book-club meetings: set in a room's zone, RSVPs with live counts, list and cancel, and the pushes they schedule
(the room's reminder, each 참석 member's DM, the "started" post), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import ClubMeetingRow, ClubRsvpRow, OutboxRow
from core.bootstrap import App, bootstrap
from core.domain.values import UserId
from core.products.bookclub.meetings import Meeting, dm_key, keys_of
from core.routing import encode_action
from core.settings import Settings
from tests.fakes import FixedClock, RecordingMessenger, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_bookclub_rooms import in_group, press_in_group
from tests.integration.test_delivery import run_clock_once
from tests.integration.test_diary import press, say


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


async def _club(app: App) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    await in_group(app, "/club join", "준호")
    await in_group(app, "/club join", "서연")


def _rsvp(reply: RecordingResponder, label: str) -> str:
    return next(b.action for b in reply.last.current.buttons if b.label == label)


async def _count(engine: AsyncEngine, table: type) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_meeting_is_posted_with_rsvp_buttons_and_answers_count_live(app: App, engine: AsyncEngine) -> None:
    await _club(app)
    added = await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "민지")  # the clock: Thu 26 Nov, 12:00 Seoul
    text = added.all_text()
    assert "모임 #1을 잡았어요" in text and "11월 27일 (금) 오후 8:00 (90분)" in text and "1-5장" in text
    assert "참석 0 · 미정 0 · 불참 0" in text
    assert [b.label for b in added.last.current.buttons] == ["참석", "미정", "불참"]
    assert _rsvp(added, "참석") == encode_action("meeting", "rsvp", "1", "yes")

    assert "참석 1 · 미정 0 · 불참 0" in (await press_in_group(app, _rsvp(added, "참석"), "준호")).all_text()
    assert "참석 2 · 미정 0 · 불참 0" in (await press_in_group(app, _rsvp(added, "참석"), "서연")).all_text()
    changed = await in_group(app, "/meeting rsvp 1 불참", "서연")  # the typed twin; the latest answer counts
    assert (
        "서연님은 모임 #1에 불참으로 답했어요" in changed.all_text()
        and "참석 1 · 미정 0 · 불참 1" in changed.all_text()
    )
    assert "참석 1 · 미정 1 · 불참 1" in (await in_group(app, "/meeting rsvp 1 maybe", "민지")).all_text()

    outsider = await press_in_group(app, _rsvp(added, "참석"), "지나가던사람")
    assert "'책벌레' 멤버만" in outsider.all_text()
    assert await _count(engine, ClubRsvpRow) == 3  # nothing stored for them

    card = (await in_group(app, "/club", "준호")).all_text()
    assert "다음 모임: #1 11월 27일 (금) 오후 8:00 · 1-5장 (참석 1명)" in card
    assert "아직 정하지 않았어요" not in card
    assert "#1 모임이 없어요" not in (await in_group(app, "/meeting rsvp 1 참석", "준호")).all_text()
    assert "#7 모임이 없어요" in (await in_group(app, "/meeting rsvp 7 참석", "준호")).all_text()


async def test_other_phrasings_are_read_in_the_rooms_zone(app: App) -> None:
    await _club(app)
    assert (
        "12월 3일 (목) 오후 8:00 (90분)"
        in (await in_group(app, "/meeting add 2026-12-03 20:00 90m 1-5장", "민지")).all_text()
    )
    friday = await in_group(app, "/meeting add 금 8pm 60m 6장", "준호")
    assert "모임 #2를 잡았어요" in friday.all_text() and "11월 27일 (금) 오후 8:00 (60분)" in friday.all_text()


async def test_bad_meetings_are_refused_and_nothing_is_stored(app: App, engine: AsyncEngine, clock: FixedClock) -> None:
    assert "그룹 채팅에서" in (await say(app, "/meeting add 내일 20:00 90m 1-5장", user="민지")).all_text()
    assert "아직 독서 모임이 아니에요" in (await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "민지")).all_text()
    await _club(app)
    assert "이미 지난 시각" in (await in_group(app, "/meeting add 2026-11-01 20:00 90m 1-5장", "민지")).all_text()
    assert (
        "모임 시각으로 읽지 못했어요" in (await in_group(app, "/meeting add 내일 25:00 90m 1-5장", "민지")).all_text()
    )
    assert (
        "모임 시각으로 읽지 못했어요"
        in (await in_group(app, "/meeting add 2026-13-40 20:00 90m 1장", "민지")).all_text()
    )
    assert "모임 시각으로 읽지 못했어요" in (await in_group(app, "/meeting add 언젠가 1-5장", "민지")).all_text()
    assert "사용법" in (await in_group(app, "/meeting add 내일 20:00 1-5장", "민지")).all_text()  # no length
    assert "사용법" in (await in_group(app, "/meeting add 내일 20:00 90m", "민지")).all_text()  # no reading
    assert "사용법" in (await in_group(app, "/meeting add 내일 20:00 0m 1장", "민지")).all_text()
    assert "멤버만" in (await in_group(app, "/meeting add 내일 20:00 90m 1장", "지나가던사람")).all_text()
    assert await _count(engine, ClubMeetingRow) == 0

    await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "민지")
    clash = await in_group(app, "/meeting add 내일 21:00 60m 6장", "준호")
    assert "이미 #1 모임이 있어요" in clash.all_text()
    assert "모임 #2를" in (await in_group(app, "/meeting add 내일 21:30 60m 6장", "준호")).all_text()  # right after
    assert await _count(engine, ClubMeetingRow) == 2

    clock.set(datetime(2026, 11, 26, 16, 30, tzinfo=UTC))  # 01:30 in Seoul: which day is 내일?
    assert "날짜가 헷갈려요" in (await in_group(app, "/meeting add 내일 20:00 90m 7장", "민지")).all_text()
    assert "모임 #3을" in (await in_group(app, "/meeting add 오늘 23:00 90m 7장", "민지")).all_text()


async def test_list_and_cancel_which_withdraws_the_pushes_and_keeps_the_number(app: App, engine: AsyncEngine) -> None:
    await _club(app)
    assert "잡힌 모임이 없어요" in (await in_group(app, "/meeting list", "민지")).all_text()
    added = await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "준호")
    await press_in_group(app, _rsvp(added, "참석"), "서연")
    await in_group(app, "/meeting add 12월 3일 20:00 60m 6장", "준호")
    listed = (await in_group(app, "/meeting list", "서연")).all_text()
    assert "#1 · 11월 27일 (금) 오후 8:00 (90분) — 1-5장 · 참석 1 · 미정 0 · 불참 0" in listed
    assert "#2 · 12월 3일 (목) 오후 8:00 (60분) — 6장" in listed
    async with engine.connect() as conn:
        keys = set((await conn.scalars(select(OutboxRow.dedupe_key).where(OutboxRow.state == "pending"))).all())
    room = "meeting:1:1:"
    assert {f"{room}remind", f"{room}started"} <= keys and any(k.startswith(f"{room}dm:") for k in keys)

    assert "리더(👑)나 그 모임을 잡은 분만" in (await in_group(app, "/meeting cancel 1", "서연")).all_text()
    assert "모임 #1을 취소했어요" in (await in_group(app, "/meeting cancel 1", "민지")).all_text()  # the leader may
    async with engine.connect() as conn:
        states = dict(
            (
                await conn.execute(
                    select(OutboxRow.dedupe_key, OutboxRow.state).where(OutboxRow.dedupe_key.like(f"{room}%"))
                )
            ).all()
        )
    assert len(states) == 3 and set(states.values()) == {"cancelled"}
    assert "취소되었어요" in (await in_group(app, "/meeting cancel 1", "준호")).all_text()
    assert "취소되었어요" in (await press_in_group(app, _rsvp(added, "참석"), "준호")).all_text()
    listed = (await in_group(app, "/meeting list", "서연")).all_text()
    assert "#1" not in listed and "#2" in listed
    assert "모임 #3을" in (await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "준호")).all_text()  # never reused


async def test_reminders_reach_the_room_and_the_members_who_said_yes_then_the_start_is_posted(
    road: App, clock: FixedClock, messenger: RecordingMessenger
) -> None:
    await _club(road)
    assert "30분 전에 알려" in (await in_group(road, "/club remind 30m", "민지")).all_text()
    assert "1440분" in (await in_group(road, "/club remind 3일", "민지")).all_text()
    added = await in_group(road, "/meeting add 내일 20:00 90m 1-5장", "민지")
    assert "시작 30분 전에 알려" in added.all_text()
    await press_in_group(road, _rsvp(added, "참석"), "준호")
    await press_in_group(road, _rsvp(added, "참석"), "서연")
    await press_in_group(road, _rsvp(added, "불참"), "서연")  # changed away from yes: her DM is taken back
    await press_in_group(road, _rsvp(added, "미정"), "민지")

    clock.set(datetime(2026, 11, 27, 10, 29, tzinfo=UTC))  # 19:29 in Seoul: not yet
    await run_clock_once(road)
    assert messenger.pushed == []
    clock.advance(minutes=1)  # 19:30: thirty minutes before
    await run_clock_once(road)
    sent = {(r.chat_id or r.user_external_id): reply.plain_text for r, reply, _ in messenger.pushed}
    assert set(sent) == {"group:독서모임", "준호"}
    assert "'책벌레' 모임 #1이 30분 뒤에 시작해요" in sent["group:독서모임"]
    assert "11월 27일 (금) 오후 8:00" in sent["group:독서모임"] and "1-5장" in sent["group:독서모임"]
    assert "'책벌레' 모임 #1이 시작해요" in sent["준호"] and "1-5장" in sent["준호"]

    clock.advance(minutes=30)  # 20:00
    await run_clock_once(road)
    recipient, started, _ = messenger.pushed[-1]
    assert len(messenger.pushed) == 3 and recipient.chat_id == "group:독서모임"
    assert "'책벌레' 모임 #1이 지금 시작해요! 90분" in started.plain_text


async def test_export_forget_and_link_cover_rsvps_and_meetings(app: App, engine: AsyncEngine) -> None:
    await _club(app)
    added = await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "준호")
    await press_in_group(app, _rsvp(added, "참석"), "준호")
    (attachment,) = (await say(app, "/export", user="준호")).last.current.attachments
    [rsvp] = json.loads(attachment.content)["meeting_rsvps"]
    assert rsvp["room"] == "책벌레" and rsvp["meeting"] == 1 and rsvp["answer"] == "yes"

    forget = await say(app, "/forget", user="준호")
    await press(app, next(b.action for b in forget.last.current.buttons if b.action.endswith(":yes")), user="준호")
    assert await _count(engine, ClubRsvpRow) == 0
    assert "#1 · 11월 27일" in (await in_group(app, "/meeting list", "민지")).all_text()  # the room's meeting stays
    assert "모임 #1을 취소했어요" in (await in_group(app, "/meeting cancel 1", "민지")).all_text()


def test_a_meeting_knows_its_reminder_time_and_a_dm_key_is_not_a_prefix_of_another() -> None:
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    meeting = Meeting(
        id=1,
        room_id=2,
        number=3,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        reading="r",
        remind_minutes=10,
        created_by=UserId(1),
    )
    assert start - meeting.remind_at == timedelta(minutes=10) and meeting.minutes == 60
    assert not dm_key(2, 3, UserId(50)).startswith(dm_key(2, 3, UserId(5)))
    assert dm_key(2, 3, UserId(5)).startswith(keys_of(2, 3))
