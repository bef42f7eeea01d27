"""The emotion diary, friends, comments, guestbook and nudges through the dispatcher, on both databases."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import (
    DiaryCommentRow,
    DiaryEntryRow,
    FriendshipRow,
    OutboxRow,
    PointLedgerRow,
    ScheduleRow,
)
from core.bootstrap import App
from core.domain.outbox import PushDocument
from core.domain.values import Locale
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingResponder


async def say(app: App, text: str, user: str = "minji") -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(text, user=user), responder)
    return responder


async def press(app: App, action: str, user: str = "minji") -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(replace(dm(None, user=user), action=action), responder)
    return responder


async def pushes(engine: AsyncEngine) -> list[tuple[int | None, PushDocument]]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OutboxRow.user_id, OutboxRow.document).order_by(OutboxRow.id))).all()
    return [(user_id, PushDocument.from_json(document)) for user_id, document in rows]


async def states(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state))).all()
    return {str(state): int(count) for state, count in rows}


async def entry_ids(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as conn:
        return list((await conn.scalars(select(DiaryEntryRow.id).order_by(DiaryEntryRow.id))).all())


async def befriend(app: App, inviter: str = "minji", invitee: str = "junho") -> None:
    await say(app, "/consent yes", user=inviter)
    await say(app, "/consent yes", user=invitee)
    invite = await say(app, "/friend invite", user=inviter)
    code = _code_in(invite.all_text())
    accepted = await say(app, f"/friend accept {code}", user=invitee)
    assert "친구가 되었어요" in accepted.all_text()


def _code_in(text: str) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", text)
    assert match, text
    return match.group(1)


@pytest.fixture(autouse=True)
async def minji_agreed(app: App) -> None:
    """The default writer agreed to storing her words; without that nothing is kept (see the next test)."""
    await say(app, "/consent yes")


async def test_without_consent_a_diary_entry_is_not_kept_and_consent_is_asked(app: App, engine: AsyncEngine) -> None:
    asked = await say(app, "/diary 동의 안 한 사람의 일기", user="nobody")
    assert "동의가 필요해요" in asked.all_text() and "따로 보관" in asked.all_text()
    assert [b.action for b in asked.last.current.buttons] == ["mm:consent:yes", "mm:consent:no"]
    assert await entry_ids(engine) == []  # held apart, not a diary entry until the answer
    agreed = await press(app, "mm:consent:yes", user="nobody")
    assert "일기를 적었어요" in agreed.all_text() and len(await entry_ids(engine)) == 1
    assert "일기를 적었어요" in (await say(app, "/diary 이제는 저장돼요", user="nobody")).all_text()


async def test_a_diary_entry_is_read_for_its_feeling_commented_and_earns_points(app: App, engine: AsyncEngine) -> None:
    written = await say(app, "/diary 오늘 발표 때문에 너무 불안하고 떨렸어")
    text = written.all_text()
    assert "불안" in text and "📔" in text
    assert "🔒" in text  # private by default
    assert "+10" in text  # the first entry of the day
    again = await say(app, "/diary 그래도 끝나고 나니 후련하다")
    assert "+10" not in again.all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.sum(PointLedgerRow.delta))) == 10
        emotions = (await conn.scalars(select(DiaryEntryRow.emotion).order_by(DiaryEntryRow.id))).all()
    assert emotions[0] == "anxiety"


async def test_negation_is_understood_in_a_diary_entry(app: App) -> None:
    written = await say(app, "/diary 오늘은 하나도 안 괜찮아")
    assert "기쁨" not in written.all_text() and "평온" not in written.all_text()


async def test_empty_and_crisis_entries_store_nothing(app: App, engine: AsyncEngine) -> None:
    empty = await say(app, "/diary")
    assert "사용법: /diary" in empty.all_text()
    crisis = await say(app, "/diary 그냥 죽고 싶다")
    assert "109" in crisis.all_text()
    assert await entry_ids(engine) == []


async def test_friends_see_only_shared_entries_are_notified_once_and_comment_back(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await befriend(app)
    accepted_push = [doc for _, doc in await pushes(engine) if doc.key == "friends.push.accepted"]
    assert len(accepted_push) == 1

    await say(app, "/diary 오늘은 정말 행복한 하루였어")  # minji's #1
    await say(app, "/diary 이건 나만 볼 비밀 일기")  # minji's #2

    # before sharing, the friend sees nothing
    assert "minji님의 #1 일기를 찾을 수 없어요" in (await say(app, "/entry minji 1", user="junho")).all_text()
    assert "아직 없어요" in (await say(app, "/feed", user="junho")).all_text()

    shared = await press(app, "mm:entry:1:friends")
    assert "junho님에게 알렸어요" in shared.all_text()
    await press(app, "mm:entry:1:private")  # hidden before the notice left: it is withdrawn
    assert [doc.key for _, doc in await pushes(engine)][-1] == "push.withdrawn"
    await press(app, "mm:entry:1:friends")  # shared again: the same notice is due again, not a second
    told = [(user, doc) for user, doc in await pushes(engine) if doc.key == "friends.push.entry"]
    assert len(told) == 1 and told[0][1].params["id"] == 1
    assert await states(engine) == {"pending": 2}  # the friendship notice and this one

    feed = await say(app, "/feed", user="junho")
    assert "minji #1" in feed.all_text() and "#2" not in feed.all_text()
    assert "행복한 하루" in (await say(app, "/entry minji 1", user="junho")).all_text()
    assert "찾을 수 없어요" in (await say(app, "/entry minji 2", user="junho")).all_text()
    assert "찾을 수 없어요" in (await say(app, "/comment minji 2 몰래 댓글", user="junho")).all_text()
    assert "쓴 사람만" in (await say(app, "/entry minji 1 delete", user="junho")).all_text()

    commented = await say(app, "/comment minji 1 나도 기뻐!", user="junho")
    assert "minji님의 #1 일기에 댓글을 남겼어요" in commented.all_text()
    comment_push = [(user, doc) for user, doc in await pushes(engine) if doc.key == "friends.push.comment"]
    assert len(comment_push) == 1 and comment_push[0][1].text == "나도 기뻐!"
    assert comment_push[0][1].params["id"] == 1
    assert "나도 기뻐!" in (await say(app, "/entry 1")).all_text()

    # a stranger sees nothing at all, and "1" is their own (unwritten) first entry
    await say(app, "/start", user="stranger")
    assert "#1 일기를 찾을 수 없어요" in (await say(app, "/comment 1 안녕", user="stranger")).all_text()
    assert "친구 목록에 ‘minji’님이 없어요" in (await say(app, "/comment minji 1 안녕", user="stranger")).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(DiaryCommentRow)) == 1

    # deleted: gone for everyone, comments too
    await say(app, "/entry 1 delete yes")  # the confirm button's twin
    assert "찾을 수 없어요" in (await say(app, "/entry minji 1", user="junho")).all_text()
    assert "찾을 수 없어요" in (await say(app, "/comment minji 1 또", user="junho")).all_text()


async def test_invite_codes_are_one_time_expire_and_cannot_befriend_yourself(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(app, "/start", user="a")
    own = _code_in((await say(app, "/friend invite", user="a")).all_text())
    assert "내가 만든 코드" in (await say(app, f"/friend accept {own}", user="a")).all_text()
    assert "친구가 되었어요" in (await say(app, f"/friend accept {own.lower()}", user="b")).all_text()
    assert "이미 쓰였거나" in (await say(app, f"/friend accept {own}", user="c")).all_text()
    late = _code_in((await say(app, "/friend invite", user="a")).all_text())
    clock.advance(hours=25)
    assert "기한이 지났어요" in (await say(app, f"/friend accept {late}", user="c")).all_text()
    assert "형식이 맞지 않아요" in (await say(app, "/friend accept 12", user="c")).all_text()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(FriendshipRow)) == 2  # a↔b, both ways


async def test_friend_list_guestbook_and_remove(app: App, engine: AsyncEngine) -> None:
    await befriend(app)
    listed = await say(app, "/friend list", user="junho")
    assert "1. minji" in listed.all_text()
    assert "방명록에 남겼어요" in (await say(app, "/guestbook 1 힘내!", user="junho")).all_text()
    assert "junho" in (await say(app, "/guestbook")).all_text() and "힘내!" in (await say(app, "/guestbook")).all_text()
    guestbook_push = [doc for _, doc in await pushes(engine) if doc.key == "friends.push.guestbook"]
    assert len(guestbook_push) == 1
    assert "2번 친구가 없어요" in (await say(app, "/guestbook 2 안녕", user="junho")).all_text()
    assert "끊었어요" in (await say(app, "/friend remove 1")).all_text()
    assert "아직 친구가 없어요" in (await say(app, "/friend list", user="junho")).all_text()


async def test_diaries_page_back_by_keyset(app: App, engine: AsyncEngine) -> None:
    for n in range(7):
        await say(app, f"/diary 일기 {n}번째")
    first = await say(app, "/diaries")
    assert "일기 6번째" in first.all_text() and "일기 1번째" not in first.all_text()
    more = next(b for b in first.last.current.buttons if b.action.startswith("mm:diaries:"))
    second = await press(app, more.action)
    assert "일기 1번째" in second.all_text() and "일기 0번째" in second.all_text()
    assert "일기 6번째" not in second.all_text()


async def test_diary_nudge_times_are_checked(app: App) -> None:
    assert "사용법: /remind diary" in (await say(app, "/remind diary 25:99")).all_text()
    assert "켜 둔 일기 알림이 없어요" in (await say(app, "/remind diary")).all_text()
    assert "매일 21:30" in (await say(app, "/remind diary 21:30")).all_text()
    shown = (await say(app, "/remind diary")).all_text()
    assert "매일 21:30에 일기 알림" in shown and "(다음: 11-26 21:30)" in shown
    assert "📔 매일 21:30 · 일기 알림" in (await say(app, "/remind list")).all_text()  # listed with the others
    await say(app, "/lang en")
    assert "every day at 21:30" in (await say(app, "/remind diary")).all_text()
    await say(app, "/lang ko")
    assert "껐어요" in (await say(app, "/remind diary off")).all_text()
    assert "켜 둔 일기 알림이 없어요" in (await say(app, "/remind diary off")).all_text()


async def test_stats_names_the_week_summarizes_it_and_draws_a_png(app: App, clock: FixedClock) -> None:
    await say(app, "/diary 오늘 너무 불안했어")  # Thursday 2026-11-26 in Seoul
    await say(app, "/worry 시험이 걱정돼요")
    stats = await say(app, "/stats")
    text = stats.all_text()
    assert "11월 4주차" in text and "11/23–11/29" in text
    assert "일기 1편" in text and "불안 1" in text and "털어놓은 고민 1개" in text
    [chart] = stats.last.current.attachments
    assert chart.kind == "image" and chart.content.startswith(b"\x89PNG\r\n\x1a\n")
    empty = await say(app, "/stats last")
    assert "11월 3주차" in empty.all_text() and "일기가 없어요" in empty.all_text()
    assert not empty.last.current.attachments
    assert "사용법: /stats" in (await say(app, "/stats 지난달")).all_text()
    await say(app, "/lang en")
    assert "Week 4 of November" in (await say(app, "/stats 2026-11-23")).all_text()


async def test_nudges_and_the_monday_digest_become_one_push_each(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(app, "/diary 오늘은 평온했다")  # Thursday 12:00 in Seoul; the digest schedule starts with it
    await say(app, "/remind diary 21:30")
    clock.advance(hours=10)  # 22:00 Seoul: the nudge is due, but today's entry is written already
    assert await materialize_due(app) == 0
    clock.advance(days=1)  # Friday 22:00: nothing written today
    assert await materialize_due(app) == 1
    assert await materialize_due(app) == 0  # the same occurrence is not written twice
    clock.advance(days=3)  # Monday 2026-11-30 22:00 Seoul: the digest (09:00) and the nudge are due
    assert await materialize_due(app) == 2
    documents = [doc for _, doc in await pushes(engine)]
    # days missed while the clock was away are not replayed: one nudge for the latest, plus the digest
    assert sorted(d.key for d in documents) == ["remind.diary_push", "remind.diary_push", "stats.digest"]
    digest = next(d for d in documents if d.key == "stats.digest")
    assert digest.params["week"] == "11월 4주차" and "평온 1" in digest.params["summary"]


async def test_points_pay_for_a_worry_past_the_free_quota(app: App, engine: AsyncEngine, clock: FixedClock) -> None:
    await say(app, "/diary 첫째 날 일기")
    clock.advance(days=1)
    await say(app, "/diary 둘째 날 일기")  # 20 points
    for n in range(app.settings.daily_free_worries):
        await say(app, f"/worry 고민 {n}")
    paid = await say(app, "/worry 하나 더 물어봐도 될까요")
    assert "20점을 써서" in paid.all_text() and "남은 포인트: 0점" in paid.all_text()
    assert "공감" in paid.all_text()  # and it was answered
    refused = await say(app, "/worry 또 하나")
    assert "무료 상담" in refused.all_text() and "지금 0점" in refused.all_text()
    async with engine.connect() as conn:
        deltas = (await conn.scalars(select(PointLedgerRow.delta).order_by(PointLedgerRow.id))).all()
    assert list(deltas) == [10, 10, -20]
    log = await say(app, "/points")
    assert "추가 상담" in log.all_text() and "보유 포인트: 0점" in log.all_text()


async def test_export_carries_the_diary_and_forget_removes_it(app: App, engine: AsyncEngine) -> None:
    await befriend(app)
    await say(app, "/diary 내보내기 테스트 일기")
    await say(app, "/comment 1 내 일기에 내가 단 댓글")
    await say(app, "/guestbook 1 안녕 친구", user="junho")
    export = await say(app, "/export")
    [attachment] = export.last.current.attachments
    document = json.loads(attachment.content)
    assert document["diary"][0]["text"] == "내보내기 테스트 일기" and document["diary"][0]["number"] == 1
    assert document["diary"][0]["comments"][0]["text"] == "내 일기에 내가 단 댓글"
    assert document["guestbook"][0]["text"] == "안녕 친구" and document["friends"][0]["name"] == "junho"
    assert document["points"][0]["delta"] == 10
    assert document["comments_written"][0]["text"] == "내 일기에 내가 단 댓글"
    assert document["schedules"][0]["kind"] == "weekly_digest"
    forget = await say(app, "/forget")
    confirm = next(b for b in forget.last.current.buttons if b.action.endswith(":yes"))
    await press(app, confirm.action)
    async with engine.connect() as conn:
        for table in (DiaryEntryRow, DiaryCommentRow, FriendshipRow, PointLedgerRow):
            assert await conn.scalar(select(func.count()).select_from(table)) == 0, table
    assert "아직 친구가 없어요" in (await say(app, "/friend list", user="junho")).all_text()


async def test_a_new_time_zone_moves_the_nudge_to_the_same_local_time(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(app, "/remind diary 21:30")  # Seoul: 12:30 UTC
    await say(app, "/tz Europe/London")
    async with engine.connect() as conn:
        next_at = await conn.scalar(select(ScheduleRow.next_at))
    assert (next_at.hour, next_at.minute) == (21, 30)  # London is on UTC in November


async def test_home_shows_the_diary_and_points(app: App) -> None:
    await say(app, "/diary 오늘은 평온했다")
    home = await say(app, "/home")
    assert "일기 1편" in home.all_text() and "포인트 10점" in home.all_text()
    assert any(b.action == "mm:stats" for b in home.last.current.buttons)


async def test_deleting_an_entry_or_forgetting_takes_back_what_friends_were_sent(app: App, engine: AsyncEngine) -> None:
    await befriend(app)
    await say(app, "/diary 회사 그만둘 거야, 아무한테도 말 안 했어")
    await press(app, "mm:entry:1:friends")
    await say(app, "/guestbook junho 비밀 방명록")
    await say(app, "/entry 1 delete yes")
    documents = [doc for _, doc in await pushes(engine)]
    assert not any("회사" in json.dumps(d.params, ensure_ascii=False) for d in documents)
    await say(app, "/forget")
    forget = await say(app, "/forget")
    confirm = next(b for b in forget.last.current.buttons if b.action.endswith(":yes"))
    await press(app, confirm.action)
    documents = [doc for _, doc in await pushes(engine)]
    assert not any(d.text and "비밀 방명록" in d.text for d in documents)
    assert "pending" not in await states(engine)  # nothing of theirs is still on its way to the friend


async def test_two_people_accepting_each_others_codes_at_once_become_friends_once(
    app: App, engine: AsyncEngine
) -> None:
    await say(app, "/start", user="a")
    await say(app, "/start", user="b")
    code_a = _code_in((await say(app, "/friend invite", user="a")).all_text())
    code_b = _code_in((await say(app, "/friend invite", user="b")).all_text())
    answers = await asyncio.gather(
        say(app, f"/friend accept {code_a}", user="b"), say(app, f"/friend accept {code_b}", user="a")
    )
    texts = sorted(answer.all_text() for answer in answers)
    assert "이미 친구예요" in texts[0] or "이미 친구예요" in texts[1]
    assert any("친구가 되었어요" in t for t in texts)
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(FriendshipRow)) == 2


async def test_odd_numbers_and_dates_get_usage_lines_not_incidents(app: App) -> None:
    for text, usage in (
        ("/entry ²", "사용법: /entry"),
        ("/comment ⑤ 안녕", "사용법: /comment"),
        ("/friend remove ²", "사용법: /friend"),
        ("/guestbook ² 안녕", "사용법: /guestbook"),
        ("/entry 99999999999999999999", "사용법: /entry"),
    ):
        answer = (await say(app, text)).all_text()
        assert usage in answer and "사고 번호" not in answer, text
    for text in ("/diaries ²", "/points ²", "/stats 0001-01-07", "/stats 0001-W01"):
        assert "사고 번호" not in (await say(app, text)).all_text(), text
    assert "11월 3주차" in (await say(app, "/stats last week")).all_text()
    assert "11월 3주차" in (await say(app, "/stats 지난 주")).all_text()


async def materialize_due(app: App) -> int:
    """The diary's clock step that turns due nudges and digests into pushes (the first of its clock steps)."""
    return int(await app.housekeeping[0]())  # type: ignore[call-overload]


# --- the offline reading of finer feelings, and the writer's own correction (issue 18) ------------------------


def _number_to_correct(reply: RecordingResponder) -> str:
    """The entry number the saved entry's hint tells the person to use: /entry N mood …"""
    match = re.search(r"/entry (\S+) mood", reply.all_text())
    assert match, reply.all_text()
    return match.group(1)


@pytest.mark.parametrize(
    ("entry", "emotion", "comment"),
    [
        ("자존감이 바닥이다", "슬픔", "스스로가 작게 느껴지는"),
        ("요즘 내가 너무 한심하고 초라하게 느껴져", "슬픔", "스스로가 작게 느껴지는"),
        ("마음이 텅 빈 것 같다. 아무 감정도 안 든다", "슬픔", "텅 빈 것 같은"),
        ("친구한테 모진 말을 해서 너무 미안하다", "슬픔", "미안한 마음"),
        ("혼자라서 쓸쓸한 저녁이었다", "슬픔", "혼자라는 느낌"),
        ("하루 종일 기분이 가라앉았다", "슬픔", "마음이 많이 무거웠겠어요"),
        ("졸업식이라 시원섭섭했다", "슬픔", "여러 마음"),
        ("합격은 기쁜데 새 학교가 불안하기도 하다", "기쁨", "여러 마음"),
    ],
)
async def test_the_offline_reading_hears_self_worth_emptiness_guilt_loneliness_and_mixed_feelings(
    app: App, entry: str, emotion: str, comment: str
) -> None:
    text = (await say(app, f"/diary {entry}")).all_text()

    assert emotion in text and comment in text
    assert "평온" not in text and "잔잔하고 평온한" not in text


async def test_an_entry_with_no_feeling_in_it_is_not_told_it_was_a_calm_day(app: App) -> None:
    text = (await say(app, "/diary 오늘은 회의가 두 개 있었다")).all_text()

    assert "잔잔하고 평온한 하루" not in text and "담담하게 기록" in text


async def test_an_entrys_feeling_can_be_corrected_and_the_weekly_stats_follow(app: App, engine: AsyncEngine) -> None:
    written = await say(app, "/diary 오늘 발표 때문에 너무 불안했어")  # read as anxiety
    assert "불안 1" in (await say(app, "/stats")).all_text()
    number = _number_to_correct(written)

    corrected = (await say(app, f"/entry {number} mood 슬픔 3")).all_text()

    assert "😢 슬픔 ●●●○○ (3/5)" in corrected and "주간 통계" in corrected
    assert "마음이 많이 무거웠겠어요" in corrected  # the comment now answers the feeling it really had
    stats = (await say(app, "/stats")).all_text()
    assert "슬픔 1" in stats and "불안 1" not in stats
    shown = (await say(app, f"/entry {number}")).all_text()
    assert "슬픔 ●●●○○" in shown and "마음이 많이 무거웠겠어요" in shown
    async with engine.connect() as conn:
        assert (await conn.execute(select(DiaryEntryRow.emotion, DiaryEntryRow.intensity))).one() == ("sadness", 3)


async def test_a_correction_may_name_the_feeling_alone_in_either_language(app: App, engine: AsyncEngine) -> None:
    number = _number_to_correct(await say(app, "/diary 너무너무 불안하고 무서웠다!!"))
    async with engine.connect() as conn:
        before = await conn.scalar(select(DiaryEntryRow.intensity))

    await say(app, f"/entry {number} 기분 피곤")
    await say(app, "/lang en")
    english = (await say(app, f"/entry {number} mood sad")).all_text()

    assert "Sadness" in english or "sadness" in english.lower()
    async with engine.connect() as conn:
        assert (await conn.execute(select(DiaryEntryRow.emotion, DiaryEntryRow.intensity))).one() == ("sadness", before)


async def test_a_bad_correction_gets_the_usage_line_and_nobody_corrects_a_friends_entry(
    app: App, engine: AsyncEngine
) -> None:
    number = _number_to_correct(await say(app, "/diary 오늘은 평범했다"))
    for bad in (
        f"/entry {number} mood",
        f"/entry {number} mood 행복함",
        f"/entry {number} mood 슬픔 7",
        f"/entry {number} mood 슬픔 0",
        f"/entry {number} mood 슬픔 3 더",
        "/entry x mood 슬픔",
    ):
        answer = (await say(app, bad)).all_text()
        assert "사용법: /entry 번호 mood" in answer and "사고 번호" not in answer, bad

    await befriend(app)
    await say(app, f"/entry {number} friends")
    refused = (await say(app, f"/entry minji {number} mood 기쁨 5", user="junho")).all_text()
    assert "쓴 사람만" in refused
    async with engine.connect() as conn:
        assert (await conn.execute(select(DiaryEntryRow.emotion, DiaryEntryRow.intensity))).one() == ("calm", 1)


# --- diary numbers are each person's own; a friend's entry is named by the friend (issue 18) ------------------


async def numbers(engine: AsyncEngine) -> list[tuple[int, int, bool]]:
    """(row id, number, deleted) of every entry, oldest first."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(DiaryEntryRow.id, DiaryEntryRow.number, DiaryEntryRow.deleted_at).order_by(DiaryEntryRow.id)
        )
        return [(entry_id, number, deleted is not None) for entry_id, number, deleted in rows]


async def test_a_persons_first_entry_is_1_everywhere_and_a_deleted_number_is_never_reused(
    app: App, engine: AsyncEngine
) -> None:
    await say(app, "/consent yes", user="junho")
    await say(app, "/diary 준호가 먼저 쓴 일기", user="junho")  # row 1
    first = await say(app, "/diary 민지의 첫 일기")  # row 2: minji's #1
    second = await say(app, "/diary 민지의 둘째 일기")  # row 3: minji's #2

    assert _number_to_correct(first) == "1" and _number_to_correct(second) == "2"
    assert [b.action for b in first.last.current.buttons] == ["mm:entry:1:friends", "mm:entry:1:delete"]
    assert "📖 일기 #2" in (await say(app, "/entry 2")).all_text()
    question = await say(app, "/entry 2 delete")
    assert "#2 일기를 지우면" in question.all_text()
    assert [b.action for b in question.last.current.buttons] == ["mm:entry:2:delete:yes", "mm:entry:2"]
    assert "#2 일기를 지웠어요" in (await press(app, "mm:entry:2:delete:yes")).all_text()

    third = await say(app, "/diary 지운 다음에 쓴 일기")
    assert _number_to_correct(third) == "3"  # 2 stays the deleted entry's
    assert await numbers(engine) == [(1, 1, False), (2, 1, False), (3, 2, True), (4, 3, False)]
    listed = (await say(app, "/diaries")).all_text()
    assert "#3 " in listed and "#1 " in listed and "#2 " not in listed
    assert "#2 일기를 찾을 수 없어요" in (await say(app, "/entry 2")).all_text()
    assert "#3 일기의 감정을 고쳤어요" in (await say(app, "/entry 3 mood 기쁨 4")).all_text()
    assert "#1 일기를 찾을 수 없어요" in (await say(app, "/entry 1", user="newcomer")).all_text()
    export = json.loads((await say(app, "/export")).last.current.attachments[0].content)
    assert [e["number"] for e in export["diary"]] == [1, 3]


async def test_diaries_page_back_by_the_persons_own_numbers(app: App) -> None:
    for n in range(7):
        await say(app, f"/diary 일기 {n}번째")
    first = await say(app, "/diaries")
    [more] = [b for b in first.last.current.buttons if b.action.startswith("mm:diaries:")]
    assert more.action == "mm:diaries:3"  # the page after #3
    assert "#1 " in (await say(app, "/diaries 3")).all_text()  # the button's typed twin


async def test_a_friends_entry_is_named_by_the_name_and_number_the_feed_shows(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await befriend(app, inviter="Kim Minji", invitee="junho")
    await say(app, "/diary 준호의 일기", user="junho")  # takes row 1, so minji's #1 is not row 1
    await say(app, "/diary 전시회에 다녀와서 기뻤어", user="Kim Minji")
    await press(app, "mm:entry:1:friends", user="Kim Minji")

    feed = await say(app, "/feed", user="junho")
    assert "Kim Minji #1 ·" in feed.all_text()
    assert "/comment Kim Minji 1" in feed.all_text()  # the hint is the newest line's own words
    [read] = [b for b in feed.last.current.buttons if b.label == "📖 Kim Minji #1"]
    opened = await press(app, read.action, user="junho")
    assert "📖 Kim Minji님의 일기 #1" in opened.all_text() and "전시회" in opened.all_text()
    assert "/comment Kim Minji 1 내용" in opened.all_text()

    [(_, notice)] = [(u, d) for u, d in await pushes(engine) if d.key == "friends.push.entry"]
    assert notice.params["id"] == 1 and notice.params["name"] == "Kim Minji"
    [button] = notice.buttons
    assert "전시회" in (await press(app, button.action, user="junho")).all_text()  # the push's own button
    assert "/comment Kim Minji 1" in app.catalog.text(Locale.KO, notice.key, **notice.params)

    for typed in ("/comment Kim Minji 1 멋지다!", "/comment kim  minji님 #1 나도 가고 싶다", "/comment @1 1 또 가자"):
        assert "Kim Minji님의 #1 일기에 댓글을 남겼어요" in (await say(app, typed, user="junho")).all_text(), typed
    comments = [d for _, d in await pushes(engine) if d.key == "friends.push.comment"]
    assert [d.params["id"] for d in comments] == [1, 1, 1]
    assert [b.action for b in comments[0].buttons] == ["mm:entry:1"]  # opens the writer's own #1
    assert "#1 일기에 댓글을 남겼어요" in (await say(app, "/comment 1 고마워!", user="Kim Minji")).all_text()
    assert "준호의 일기" not in (await say(app, "/entry 1", user="Kim Minji")).all_text()

    assert "‘Minji’님이 없어요" in (await say(app, "/comment Minji 1 안녕", user="junho")).all_text()
    assert "Kim Minji님의 #7 일기를 찾을 수 없어요" in (await say(app, "/entry Kim Minji 7", user="junho")).all_text()
    assert "방명록에 남겼어요" in (await say(app, "/guestbook Kim Minji 전시회 추천 고마워", user="junho")).all_text()
    assert "전시회 추천 고마워" in (await say(app, "/guestbook", user="Kim Minji")).all_text()

    await say(app, "/lang en", user="junho")
    english = (await say(app, "/feed", user="junho")).all_text()
    assert "Read: /entry Kim Minji 1 · Comment: /comment Kim Minji 1 your words" in english


async def test_two_friends_of_one_name_are_told_apart_by_their_entries_or_their_list_number(app: App) -> None:
    async def other_minji(text: str) -> RecordingResponder:  # another account whose name is minji too
        responder = RecordingResponder()
        message = dm(text, user="minji-2")
        await app.dispatcher.handle(replace(message, sender=replace(message.sender, name="minji")), responder)
        return responder

    await befriend(app, inviter="junho", invitee="minji")
    await other_minji("/consent yes")
    await other_minji(f"/friend accept {_code_in((await say(app, '/friend invite', user='junho')).all_text())}")
    assert "1. minji\n2. minji" in (await say(app, "/friend list", user="junho")).all_text()
    await say(app, "/diary 첫 번째 민지의 일기")
    await press(app, "mm:entry:1:friends")
    await other_minji("/diary 두 번째 민지의 일기")
    await other_minji("/entry 1 friends")
    await say(app, "/diary 첫 번째 민지의 둘째 일기")
    await press(app, "mm:entry:2:friends")

    assert "둘째 일기" in (await say(app, "/entry minji 2", user="junho")).all_text()  # only one has a #2
    shared_name = (await say(app, "/entry minji 1", user="junho")).all_text()
    assert "minji님이 여러 명이에요" in shared_name and "예: @1 1" in shared_name
    assert "두 번째 민지의 일기" in (await say(app, "/entry @2 1", user="junho")).all_text()
    feed = (await say(app, "/feed", user="junho")).all_text()
    assert "minji (@1) #2 ·" in feed and "minji (@2) #1 ·" in feed and "/comment @1 2" in feed
    assert "예: /guestbook 1 내용" in (await say(app, "/guestbook minji 안녕", user="junho")).all_text()


async def test_sharing_says_whom_it_told_never_zero_friends(app: App, engine: AsyncEngine) -> None:
    await say(app, "/diary 오늘은 산책을 했어")
    alone = (await press(app, "mm:entry:1:friends")).all_text()
    assert "아직 친구가 없어서 알린 사람은 없어요" in alone and "0명" not in alone
    await press(app, "mm:entry:1:private")

    await befriend(app)
    await befriend(app, invitee="seoyeon")
    await say(app, "/diary 둘째 날")
    assert "친구 2명에게 알렸어요" in (await press(app, "mm:entry:2:friends")).all_text()
    async with engine.connect() as conn:  # the notices went out
        await conn.execute(update(OutboxRow).values(state="sent"))
        await conn.commit()
    await press(app, "mm:entry:2:private")
    again = (await press(app, "mm:entry:2:friends")).all_text()
    assert "이미 소식을 받았어요" in again and "0명" not in again

    await say(app, "/lang en")
    await say(app, "/diary a third day")
    assert "I let 2 of them know" in (await press(app, "mm:entry:3:friends")).all_text()
    await say(app, "/friend remove 2")
    await say(app, "/diary a fourth day")
    assert "; I let junho know." in (await press(app, "mm:entry:4:friends")).all_text()


async def test_stats_and_home_leave_deleted_entries_out(app: App, engine: AsyncEngine, clock: FixedClock) -> None:
    clock.advance(days=-1)
    await say(app, "/diary 어제는 너무 불안했어")  # Wednesday: #1
    clock.advance(days=1)
    await say(app, "/diary 오늘은 정말 기뻤어")  # Thursday: #2
    before = (await say(app, "/stats")).all_text()
    assert "일기 2편" in before and "불안 1" in before and "연속 기록 2일" in before

    await say(app, "/entry 1 delete yes")

    after = await say(app, "/stats")
    text = after.all_text()
    assert "일기 1편" in text and "기쁨 1" in text and "불안" not in text and "연속 기록 1일" in text
    assert after.last.current.attachments  # the chart, drawn from the same kept entries
    assert "일기 1편" in (await say(app, "/home")).all_text()
    await say(app, "/entry 2 delete yes")
    emptied = await say(app, "/stats")
    assert "이 주에는 일기가 없어요" in emptied.all_text() and not emptied.last.current.attachments
    async with engine.connect() as conn:  # the points earned by writing stay
        assert await conn.scalar(select(func.sum(PointLedgerRow.delta))) == 20
    await say(app, "/lang en")
    await say(app, "/diary one more")
    english = (await say(app, "/stats")).all_text()
    assert "📝 1 entry\n" in english and "1 entries" not in english


async def test_two_entries_written_at_once_take_the_next_two_numbers(app: App, engine: AsyncEngine) -> None:
    await say(app, "/diary 먼저 쓴 일기")
    answers = await asyncio.gather(say(app, "/diary 동시에 쓴 일기 하나"), say(app, "/diary 동시에 쓴 일기 둘"))

    assert sorted(_number_to_correct(answer) for answer in answers) == ["2", "3"]
    assert [number for _, number, _ in await numbers(engine)] == [1, 2, 3]
