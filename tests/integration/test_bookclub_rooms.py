"""Book-club rooms: a group chat becomes a club; members join and leave; the leader's crown passes on."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import ClubMemberRow, ClubRoomRow
from core.bootstrap import App, bootstrap
from core.settings import Settings
from tests.conftest import dm, group
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder
from tests.integration.test_diary import press, say


async def in_group(app: App, text: str, user: str, room: str = "독서모임") -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(group(text, user=user, room=room), responder)
    return responder


async def press_in_group(app: App, action: str, user: str, room: str = "독서모임") -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(replace(group("", user=user, room=room), text=None, action=action), responder)
    return responder


async def test_a_group_becomes_a_club_members_join_and_the_crown_shows(app: App) -> None:
    started = await in_group(app, "/club start 책벌레", "민지")
    assert "'책벌레' 독서 모임을 열었어요" in started.all_text() and "Asia/Seoul을 기준으로" in started.all_text()
    [join] = started.last.current.buttons
    assert "참여 중" not in (await press_in_group(app, join.action, "준호")).all_text()
    card = (await in_group(app, "/club", "준호")).all_text()
    assert "📚 책벌레" in card and "멤버 2명: 👑 민지 · 준호" in card
    assert "이미 '책벌레' 멤버예요" in (await in_group(app, "/club join", "준호")).all_text()
    assert "이미 '책벌레' 독서 모임이에요" in (await in_group(app, "/club start 다른이름", "준호")).all_text()
    mine = (await say(app, "/club", user="민지")).all_text()
    assert "책벌레 👑" in mine


async def test_club_start_in_a_direct_chat_and_acts_of_non_members_are_refused(app: App) -> None:
    assert "그룹 채팅에서" in (await say(app, "/club start 혼자", user="민지")).all_text()
    assert "아직 독서 모임이 아니에요" in (await in_group(app, "/club join", "민지")).all_text()
    await in_group(app, "/club start 책벌레", "민지")
    assert "멤버가 아니에요" in (await in_group(app, "/club leave", "지나가던사람")).all_text()
    assert "리더(👑)만" in (await in_group(app, "/club leader @민지", "지나가던사람")).all_text()
    assert "사용법" in (await in_group(app, "/club dance", "민지")).all_text()
    assert "모임 이름을" in (await in_group(app, f"/club start {'가' * 41}", "준호", room="다른방")).all_text()


async def test_when_the_leader_leaves_the_longest_standing_member_leads_and_the_last_closes_it(
    app: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    clock.advance(minutes=1)
    await in_group(app, "/club join", "준호")
    clock.advance(minutes=1)
    await in_group(app, "/club join", "서연")
    left = await in_group(app, "/club leave", "민지")
    assert "이제 준호님이 모임을 이끌어요 👑" in left.all_text()
    assert "👑 준호 · 서연" in (await in_group(app, "/club", "서연")).all_text()

    assert "이제 서연님이 '책벌레'의 리더예요" in (await in_group(app, "/club leader @서연", "준호")).all_text()
    assert "'민지'님은 이 모임 멤버가 아니에요" in (await in_group(app, "/club leader @민지", "서연")).all_text()
    await in_group(app, "/club leave", "준호")
    assert "모임을 닫았어요" in (await in_group(app, "/club leave", "서연")).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(ClubRoomRow)) == 0


async def test_export_forget_and_link_cover_club_memberships(app: App, engine: AsyncEngine) -> None:
    await in_group(app, "/club start 책벌레", "민지")
    await in_group(app, "/club join", "준호")
    (attachment,) = (await say(app, "/export", user="민지")).last.current.attachments
    [club] = json.loads(attachment.content)["book_clubs"]
    assert club["room"] == "책벌레" and club["leader"] is True

    forget = await say(app, "/forget", user="민지")
    confirm = next(b for b in forget.last.current.buttons if b.action.endswith(":yes"))
    await press(app, confirm.action, user="민지")
    assert "👑 준호" in (await in_group(app, "/club", "준호")).all_text()  # the crown passed on
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(ClubMemberRow)) == 1


async def test_english_club_texts(app: App) -> None:
    responder = RecordingResponder()
    await app.dispatcher.handle(dm("/lang en", user="tom"), responder)
    started = await in_group(app, "/club start Bookworms", "tom", room="reading")
    assert "The book club 'Bookworms' is open" in started.all_text()
    assert "Members (1): 👑 tom" in (await in_group(app, "/club", "tom", room="reading")).all_text()


def _choice(reply: RecordingResponder, label: str) -> str:
    return next(b.action for b in reply.last.current.buttons if b.label.endswith(label))


async def test_the_quiz_asks_ten_questions_resumes_after_a_restart_and_makes_a_persona(
    app: App, settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    first = await in_group(app, "/quiz", "민지")
    assert "민지님의 독서 취향 퀴즈 (1/10)" in first.all_text()
    # several choices: toggled, then 다음
    picked = await press_in_group(app, _choice(first, "추리·미스터리"), "민지")
    assert "✓ 추리·미스터리" in [b.label for b in picked.last.current.buttons]
    someone_else = await press_in_group(app, _choice(first, "한국소설"), "준호")
    assert "진행 중인 퀴즈가 없어요" in someone_else.all_text()  # a button answers only the presser's own quiz
    assert "하나 이상" not in (await press_in_group(app, _choice(picked, "다음 ▶"), "민지")).all_text()

    # a new process (a restart) on the same database, and from a direct chat: the quiz goes on at question 3
    restarted = bootstrap(settings, clock=clock, engine=engine, ops=RecordingOpsAlerts())
    resumed = await say(restarted, "/quiz", user="민지")
    assert "이어서" in resumed.all_text() and "(2/10)" in resumed.all_text()
    stale = await press_in_group(restarted, _choice(first, "로맨스"), "민지")  # a button of question 1
    assert "이미 지나갔어요" in stale.all_text()

    answers = [
        "소설",
        "따뜻한",
        "다음 ▶",
        "술술 빠르게",
        "얇은 책",
        "국내 작가",
        "자기 전에",
        "둘 다",
        "위로받고 싶어서",
        "다음 ▶",
    ]
    reply = resumed
    for label in answers:
        reply = await press(restarted, _choice(reply, label), user="민지")
    reply = await press(restarted, _choice(reply, "혼자 곱씹어요"), user="민지")
    card = reply.all_text()
    assert "민지님의 독서 페르소나" in card and "추리/미스터리" in card and "따뜻한" in card and "얇은 책" in card

    again = await say(restarted, "/quiz", user="민지")  # taken again from the start
    assert "(1/10)" in again.all_text() and "이어서" not in again.all_text()
