"""A meeting's live window: /here with the leader's crown, the room's talk kept as the meeting's log (members only,
only while live, never a crisis), the summary posted when it ends, and a meeting moved with its pushes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import ClubMeetingNoteRow, OutboxRow
from core.adapters.presence import InProcessPresence, RedisPresence
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushDocument
from core.ports import ModelCall
from core.products.bookclub.live import top_words
from core.settings import Settings
from tests.conftest import empty_redis_db
from tests.fakes import FixedClock, RecordingMessenger, RecordingOpsAlerts, ScriptedLanguageModel
from tests.integration.test_bookclub_rooms import in_group
from tests.integration.test_delivery import run_clock_once
from tests.integration.test_diary import press, say

START = datetime(2026, 11, 26, 3, 5, tzinfo=UTC)  # the clock is at 12:00 Seoul (03:00 UTC): the meeting is at 12:05


async def _live_club(app: App, clock: FixedClock) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    await in_group(app, "/club join", "준호")
    added = await in_group(app, "/meeting add 오늘 12:05 30m 1-5장", "민지")
    assert "모임 #1을 잡았어요" in added.all_text()
    clock.set(START + timedelta(minutes=1))


async def _notes(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(ClubMeetingNoteRow)) or 0)


async def _summaries(engine: AsyncEngine) -> list[PushDocument]:
    async with engine.connect() as conn:
        rows = await conn.scalars(select(OutboxRow.document).where(OutboxRow.dedupe_key.like("%:summary")))
        return [PushDocument.from_json(row) for row in rows]


async def _end(app: App, clock: FixedClock) -> None:
    clock.set(START + timedelta(minutes=31))
    for step in app.housekeeping:
        await step()


async def test_here_shows_who_is_in_with_the_crown_and_the_talk_becomes_a_summary(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await _live_club(app, clock)
    first = await in_group(app, "/here", "준호")
    assert "✋ 준호님 왔어요! 지금 함께하는 사람 1명: 준호" in first.all_text()
    second = (await in_group(app, "/here", "민지")).all_text()
    assert "지금 함께하는 사람 2명: 👑 민지 · 준호" in second
    card = (await in_group(app, "/club", "준호")).all_text()
    assert "🟢 지금 모임 #1 진행 중 · 📖 1-5장" in card and "함께하는 사람: 👑 민지 · 준호" in card

    for user, text in (
        ("민지", "주인공이 편지를 태우는 장면이 제일 좋았어요"),
        ("준호", "저는 주인공의 편지가 끝까지 마음에 남았어요"),
        ("민지", "결말은 조금 쓸쓸했죠"),
    ):
        quiet = await in_group(app, text, user)
        assert quiet.messages == []  # the room's talk is kept, not answered
    stranger = await in_group(app, "저도 그 책 읽었어요", "지나가던사람")
    assert stranger.messages == []
    assert await _notes(engine) == 3  # members only

    await _end(app, clock)
    [summary] = await _summaries(engine)
    assert summary.key == "meeting.summary_post" and summary.params["name"] == "책벌레"
    body = summary.text or ""
    assert "이야기 나눈 사람: 민지 2번 · 준호 1번" in body
    assert "많이 나온 말: 주인공, 편지" in body  # particles trimmed: 주인공이 / 주인공의, 편지를 / 편지가
    await _end(app, clock)
    assert len(await _summaries(engine)) == 1  # once
    assert "진행 중인 모임이 없어요" in (await in_group(app, "/here", "민지")).all_text()
    await in_group(app, "끝나고 하는 이야기", "민지")
    assert await _notes(engine) == 3  # outside the window, group talk is not read


async def test_talk_before_the_start_is_not_kept_and_here_is_refused_with_the_next_meeting(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    await in_group(app, "/meeting add 오늘 12:05 30m 1-5장", "민지")
    await in_group(app, "곧 시작이네요", "민지")
    assert await _notes(engine) == 0
    early = (await in_group(app, "/here", "민지")).all_text()
    assert "다음 모임 #1은 11월 26일 (목) 오후 12:05에 시작해요" in early
    assert "그룹 채팅에서" in (await say(app, "/here", user="민지")).all_text()
    clock.set(START)
    assert "멤버만" in (await in_group(app, "/here", "지나가던사람")).all_text()
    assert "아직 독서 모임이 아니에요" in (await in_group(app, "/here", "민지", room="다른방")).all_text()


async def test_a_crisis_said_in_the_room_is_answered_by_direct_message_only_and_not_logged(
    settings: Settings, clock: FixedClock, engine: AsyncEngine, llm: ScriptedLanguageModel
) -> None:
    ops = RecordingOpsAlerts()
    app = bootstrap(settings, clock=clock, llm=llm, engine=engine, ops=ops)
    await _live_club(app, clock)
    # book talk: a character's farewell letter is the book's, kept in the log like any other line
    await in_group(app, "저는 주인공의 편지가 결국 용서였다고 생각했어요", "준호")
    await in_group(app, "주인공이 마지막에 편지를 남기고 떠나는 장면", "민지")
    assert await _notes(engine) == 2 and ops.alerts == []
    said = await in_group(app, "요즘은 그냥 다 끝내고 죽고 싶어요", "준호")
    assert said.messages == []  # nothing in the room
    assert await _notes(engine) == 2  # and not in the log
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OutboxRow.kind, OutboxRow.user_id, OutboxRow.document))).all()
    crisis = [(user, PushDocument.from_json(doc)) for kind, user, doc in rows if kind == "crisis"]
    assert len(crisis) == 1 and crisis[0][1].key == "crisis.body" and crisis[0][0] is not None
    assert any(alert[0] == "crisis_gate" for alert in ops.alerts)


async def test_the_model_sums_up_the_meeting_when_it_answers_in_shape_and_prose_falls_back(
    settings: Settings, clock: FixedClock, engine: AsyncEngine
) -> None:
    def answer(call: ModelCall) -> str:
        if call.purpose != "bookclub.summary":
            return "..."
        return json.dumps({"lines": ["편지를 태우는 장면을 두고 서로 다르게 읽었어요."]}, ensure_ascii=False)

    app = bootstrap(settings, clock=clock, llm=ScriptedLanguageModel(answer), engine=engine, ops=RecordingOpsAlerts())
    await _live_club(app, clock)
    await in_group(app, "편지를 태운 건 용서였을까요", "민지")
    await in_group(app, "저는 포기라고 읽었어요", "준호")
    await _end(app, clock)
    [summary] = await _summaries(engine)
    assert "편지를 태우는 장면을 두고 서로 다르게 읽었어요." in (summary.text or "")
    assert "이야기 나눈 사람: 민지 1번 · 준호 1번" in (summary.text or "")


async def test_a_meeting_nobody_talked_in_gets_a_short_goodbye(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await _live_club(app, clock)
    await _end(app, clock)
    [summary] = await _summaries(engine)
    assert "남긴 이야기가 없었어요" in (summary.text or "")


async def test_moving_a_meeting_moves_its_pushes_and_checks_who_and_when(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    await in_group(app, "/club join", "준호")
    await in_group(app, "/meeting add 내일 20:00 90m 1-5장", "민지")
    await in_group(app, "/meeting rsvp 1 참석", "준호")
    await in_group(app, "/meeting add 12월 3일 20:00 60m 6장", "민지")
    assert "리더(👑)나 그 모임을 잡은 분만" in (await in_group(app, "/meeting move 1 모레 20:00", "준호")).all_text()
    assert "이미 #2 모임이 있어요" in (await in_group(app, "/meeting move 1 12월 3일 20:30", "민지")).all_text()
    assert "이미 지난 시각" in (await in_group(app, "/meeting move 1 2026-11-01 20:00", "민지")).all_text()
    assert "사용법" in (await in_group(app, "/meeting move 1 모레 20:00 60m", "민지")).all_text()
    moved = (await in_group(app, "/meeting move 1 모레 21:00", "민지")).all_text()
    assert "모임 #1을 옮겼어요" in moved and "11월 28일 (토) 오후 9:00 (90분)" in moved
    async with engine.connect() as conn:
        due = dict(
            (
                await conn.execute(
                    select(OutboxRow.dedupe_key, OutboxRow.due_at).where(
                        OutboxRow.dedupe_key.like("meeting:1:1:%"), OutboxRow.state == "pending"
                    )
                )
            ).all()
        )
    starts = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 21:00 Seoul
    assert {k.rsplit(":", 1)[-1] if not k.endswith(":") else "dm" for k in due} == {"remind", "started", "dm"}
    assert {v.replace(tzinfo=UTC) if v.tzinfo is None else v for v in due.values()} == {
        starts - timedelta(minutes=10),
        starts,
    }
    assert "#1 · 11월 28일 (토) 오후 9:00 (90분)" in (await in_group(app, "/meeting list", "준호")).all_text()
    clock.set(datetime(2026, 11, 28, 12, 1, tzinfo=UTC))
    assert "이미 시작해서" in (await in_group(app, "/meeting move 1 12월 5일 20:00", "민지")).all_text()


async def test_the_log_is_exported_and_forgotten_and_a_room_closing_with_its_last_member_withdraws_its_posts(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await _live_club(app, clock)
    await in_group(app, "편지 장면이 좋았어요", "준호")
    (attachment,) = (await say(app, "/export", user="준호")).last.current.attachments
    [note] = json.loads(attachment.content)["meeting_log"]
    assert note["room"] == "책벌레" and note["meeting"] == 1 and note["said"] == "편지 장면이 좋았어요"

    forget = await say(app, "/forget", user="준호")
    await press(app, next(b.action for b in forget.last.current.buttons if b.action.endswith(":yes")), user="준호")
    assert await _notes(engine) == 0

    await in_group(app, "/meeting add 내일 20:00 90m 6장", "민지")
    forget = await say(app, "/forget", user="민지")
    await press(app, next(b.action for b in forget.last.current.buttons if b.action.endswith(":yes")), user="민지")
    async with engine.connect() as conn:
        pending = (
            await conn.scalars(
                select(OutboxRow.dedupe_key).where(OutboxRow.dedupe_key.like("meeting:%"), OutboxRow.state == "pending")
            )
        ).all()
    assert pending == []  # the room closed with its last member: no post goes to a room that is gone


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


async def test_the_summary_reaches_the_room_through_the_outbox(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    messenger: RecordingMessenger,
) -> None:
    road = bootstrap(settings, clock=clock, llm=llm, engine=engine, messengers={"terminal": messenger})
    await _live_club(road, clock)
    await in_group(road, "편지 장면이 좋았어요", "준호")
    await _end(road, clock)
    await run_clock_once(road)
    posted = [(r.chat_id, reply.plain_text) for r, reply, _ in messenger.pushed if "끝났어요" in reply.plain_text]
    assert len(posted) == 1 and posted[0][0] == "group:독서모임" and "준호 1번" in posted[0][1]


def test_top_words_trims_particles_and_leaves_filler_out() -> None:
    said = ["주인공이 너무 좋았어요", "주인공의 선택", "그 선택이 진짜 슬펐어요", "나이 든 주인공"]
    assert top_words(said) == ["주인공", "선택"]


@pytest.mark.parametrize("store", ["in-process", "redis"])
async def test_presence_marks_end_when_their_time_ends(store: str) -> None:
    now = datetime.now(UTC)  # Redis ends a place's key by the wall clock
    if store == "in-process":
        await _check_presence(InProcessPresence(), now)
        return
    from redis.asyncio import Redis

    with empty_redis_db(11) as url:
        redis = Redis.from_url(url)
        try:
            await _check_presence(RedisPresence(redis), now)
        finally:
            await redis.aclose()


async def _check_presence(presence: InProcessPresence | RedisPresence, now: datetime) -> None:
    await presence.mark("club:1:meeting:1", 5, until=now + timedelta(minutes=30))
    await presence.mark("club:1:meeting:1", 7, until=now + timedelta(minutes=30))
    await presence.mark("club:2:meeting:1", 9, until=now + timedelta(minutes=5))
    assert await presence.here("club:1:meeting:1", now=now) == {5, 7}
    assert await presence.here("club:2:meeting:1", now=now + timedelta(minutes=5)) == frozenset()
    await presence.clear("club:1:meeting:1")
    assert await presence.here("club:1:meeting:1", now=now) == frozenset()


async def test_a_room_speaks_its_creators_language(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    messenger: RecordingMessenger,
) -> None:
    road = bootstrap(settings, clock=clock, llm=llm, engine=engine, messengers={"terminal": messenger})
    await say(road, "/lang en", user="Alex")
    await in_group(road, "/club start Bookworms", "Alex")
    await in_group(road, "/club join", "준호")
    await in_group(road, "/meeting add today 12:05 30m ch. 1-3", "Alex")
    clock.set(START)
    await run_clock_once(road)
    await in_group(road, "The narrator's letter felt like forgiveness", "준호")
    await _end(road, clock)
    await run_clock_once(road)
    posts = [reply.plain_text for r, reply, _ in messenger.pushed if r.chat_id == "group:독서모임"]
    assert any("'Bookworms' meeting #1 starts now" in p for p in posts)
    assert any("'Bookworms' meeting #1 is over" in p and "Who spoke: 준호 ×1" in p for p in posts)
