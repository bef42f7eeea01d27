"""Couple mediation through the dispatcher, on SQLite and PostgreSQL: a session in a two-person group, each side
told privately (by /side or a plain direct message), the child's post to the group (the model's, checked, or the
offline one), the reminder and the polite expiry, a third person, a crisis in a side, the comic, and the account."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import (
    LlmUsageRow,
    MediationCoupleRow,
    MediationSessionRow,
    MediationSideRow,
    OutboxRow,
    WorryRow,
)
from core.bootstrap import App, bootstrap
from core.domain.outbox import PushDocument
from core.domain.values import UserId
from core.inbound import IncomingMessage
from core.ports import ModelCall, Recipient
from core.products.mediation.account import ACCOUNT
from core.products.mediation.domain import quotes
from core.replies import Reply
from core.settings import Settings
from tests.conftest import dm, group, with_local_model
from tests.fakes import FixedClock, RecordingMessenger, RecordingResponder, ScriptedLanguageModel
from tests.integration.test_delivery import run_clock_once
from tests.servers.openai_compatible import TINY_PNG, Fail, FakeOpenAIServer

ROOM = "우리"
MINSU_SIDE = "주말마다 약속을 잡는데 지은이는 늘 피곤하대"
JIEUN_SIDE = "평일에 야근이 많아서 주말엔 쉬고 싶어"
SIDES = {
    "ko": (MINSU_SIDE, JIEUN_SIDE),
    "en": (
        "Every weekend I make plans and she always says she is too tired",
        "I work late all week so on weekends I just want to rest",
    ),
}


# --- the road: the dispatcher, a scripted model for the child's post, and a recording platform ------------------


@pytest.fixture
def answers() -> list[str]:
    """What the model answers to `mediation.post` calls, in order; once used up it answers no JSON (offline)."""
    return []


@pytest.fixture
def llm(answers: list[str]) -> ScriptedLanguageModel:
    def answer(call: ModelCall) -> str:
        if call.purpose == "mediation.post":
            return answers.pop(0) if answers else "no JSON here"
        return f"{call.persona} 답변: 천천히 함께 생각해 봐요"

    return ScriptedLanguageModel(answer)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def road(
    settings: Settings,
    engine: AsyncEngine,
    clock: FixedClock,
    llm: ScriptedLanguageModel,
    messenger: RecordingMessenger,
) -> App:
    return bootstrap(settings, clock=clock, llm=llm, engine=engine, messengers={"terminal": messenger})


class Talk:
    """Everything the bot said to whom: replies by chat, and (after the clock ran) pushes by recipient."""

    def __init__(self, app: App, messenger: RecordingMessenger) -> None:
        self.app = app
        self.messenger = messenger
        self.replies: list[tuple[str, str, Reply]] = []  # (chat id, speaker, reply)

    async def _handle(self, incoming: IncomingMessage, speaker: str) -> RecordingResponder:
        responder = RecordingResponder()
        await self.app.dispatcher.handle(incoming, responder)
        self.replies += [(incoming.chat.id, speaker, m.current) for m in responder.messages]
        return responder

    @staticmethod
    def _in_group(text: str, user: str, room: str = ROOM) -> IncomingMessage:
        incoming = group(text, user=user, room=room)
        return replace(incoming, chat=replace(incoming.chat, title=room))  # as `maeum chat` and the platforms name it

    async def group(self, text: str, user: str, room: str = ROOM) -> RecordingResponder:
        return await self._handle(self._in_group(text, user, room), user)

    async def press_in_group(self, action: str, user: str) -> RecordingResponder:
        return await self._handle(replace(self._in_group("", user), text=None, action=action), user)

    async def dm(self, text: str, user: str) -> RecordingResponder:
        return await self._handle(dm(text, user=user), user)

    async def press_in_dm(self, action: str, user: str) -> RecordingResponder:
        return await self._handle(replace(dm(None, user=user), action=action), user)

    async def deliver(self) -> None:
        await run_clock_once(self.app)

    def pushes_to(self, who: str) -> list[str]:
        """Texts pushed to a person (by name) or to the group ("#우리")."""
        return [reply.plain_text for recipient, reply, _ in self.messenger.pushed if _name(recipient) == who]

    def seen_by(self, who: str) -> list[str]:
        """Everything that person could read: replies in their direct chat, the group's replies and posts, their
        pushes."""
        direct = [reply.plain_text for chat, _, reply in self.replies if chat == f"dm:{who}"]
        in_group = [reply.plain_text for chat, _, reply in self.replies if chat == f"group:{ROOM}"]
        return direct + in_group + self.pushes_to(who) + self.pushes_to(f"#{ROOM}")


def _name(recipient: Recipient) -> str:
    if recipient.chat_id is not None:
        return "#" + recipient.chat_id.removeprefix("group:")
    return recipient.user_external_id or "?"


@pytest.fixture
def talk(road: App, messenger: RecordingMessenger) -> Talk:
    return Talk(road, messenger)


async def couple(talk: Talk, first: str = "민수", second: str = "지은") -> None:
    opened = await talk.group("/mediate", first)
    assert "중재를 열었어요" in opened.all_text() or "opened a mediation" in opened.all_text()
    [join] = opened.last.current.buttons
    joined = await talk.press_in_group(join.action, second)  # the 참여 button
    assert "함께해요" in joined.all_text() or "is in too" in joined.all_text()


async def rows(engine: AsyncEngine, table: type) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def outbox_documents(engine: AsyncEngine) -> list[tuple[int | None, str | None, PushDocument]]:
    async with engine.connect() as conn:
        found = (await conn.execute(select(OutboxRow.user_id, OutboxRow.chat_id, OutboxRow.document))).all()
    return [(user_id, chat_id, PushDocument.from_json(document)) for user_id, chat_id, document in found]


def model_post(**overrides: Any) -> str:
    post: dict[str, Any] = {
        "greeting": "안녕하세요, 저는 하늘이에요. 두 분 이야기를 따로따로 잘 들었어요.",
        "first": {
            "summary": "민수님은 둘이 보내는 시간이 자꾸 줄어드는 것 같아 서운했대요.",
            "need": "함께 있는 시간이 소중하다고 느끼고 싶은 마음",
        },
        "second": {
            "summary": "지은님은 평일 내내 일이 많아서 몸이 많이 지쳐 있대요.",
            "need": "부담 없이 푹 쉬고 싶은 마음",
        },
        "compromise": "토요일은 지은님이 마음껏 쉬고, 일요일 오후 두 시간은 민수님이 고른 곳에 같이 가 봐요.",
        "closing": "저는 두 분 다 정말 좋아요.",
    }
    post.update(overrides)
    return json.dumps(post, ensure_ascii=False)


# --- the whole flow ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_the_whole_flow_asks_each_partner_privately_and_the_child_posts_to_the_group(
    talk: Talk, engine: AsyncEngine, language: str
) -> None:
    first, second = ("민수", "지은") if language == "ko" else ("Minsu", "Jieun")
    if language == "en":
        for who in (first, second):
            await talk.dm("/lang en", who)
    await couple(talk, first, second)
    await talk.deliver()
    for who in (first, second):
        [ask] = talk.pushes_to(who)
        assert ("보여 주지 않아요" in ask or "never see" in ask) and f"'{ROOM}'" in ask

    side_one, side_two = SIDES[language]
    kept = await talk.dm(f"/side {side_one}", first)
    assert second in kept.all_text() and len(kept.last.current.buttons) == 2  # may I quote you? (default no)
    last = await talk.dm(side_two, second)  # a plain message while her side is awaited: the side, not a worry
    assert ROOM in last.all_text()
    assert await rows(engine, WorryRow) == 0
    await talk.deliver()

    [post] = talk.pushes_to(f"#{ROOM}")
    heading = "두 분 이야기를 들었어요" if language == "ko" else "heard you both"
    compromise = "🤝 이렇게 해 보면 어때요?" if language == "ko" else "🤝 Shall we try this?"
    assert heading in post and compromise in post and first in post and second in post
    assert post.count("💭") == 2  # the need under each side
    topics = ("함께 보내는 시간", "바쁜 일과 쉬는 시간") if language == "ko" else ("time as a pair", "busy work days")
    assert all(topic in post for topic in topics)  # read from the sides, not a plainer stand-in
    assert not quotes(side_one, post) and not quotes(side_two, post)
    async with engine.connect() as conn:
        (state,) = (await conn.execute(select(MediationSessionRow.state))).one()
        texts = (await conn.scalars(select(MediationSideRow.text))).all()
    assert state == "posted" and texts == [None, None]  # the sides' words are not kept once the post went


async def test_the_offline_post_reads_both_sides_for_their_topics_feelings_and_wishes(talk: Talk) -> None:
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    [post] = talk.pushes_to(f"#{ROOM}")
    minsu, jieun = post.split("💛 지은님 이야기")
    assert "함께 보내는 시간" in minsu and "서운" in minsu  # his own feeling, not her reported tiredness
    assert "바쁜 일과 쉬는 시간" in jieun and "지쳐" in jieun and "푹 쉬면서" in jieun
    assert "주말 중 하루는 지은님이 아무 약속 없이 푹 쉬는 날" in post and "민수님이 골라" in post


async def test_a_model_post_is_checked_and_rendered_and_its_use_counts_toward_the_cap(
    talk: Talk, answers: list[str], llm: ScriptedLanguageModel, engine: AsyncEngine
) -> None:
    answers.append(model_post())
    await couple(talk)
    await talk.group("/mediate name 하늘", "지은")
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    [post] = talk.pushes_to(f"#{ROOM}")
    assert post.startswith("👶 하늘이 두 분 이야기를 들었어요") and "일요일 오후 두 시간" in post
    [call] = [c for c in llm.calls if c.purpose == "mediation.post"]
    assert "<worry>" in call.messages[-1].content and "'하늘'" in call.messages[0].content  # sides as data
    async with engine.connect() as conn:
        purposes = (await conn.scalars(select(LlmUsageRow.purpose))).all()
    assert purposes == ["mediation.post"]


# --- a partner who never answers ---------------------------------------------------------------------------------


async def test_a_partner_who_never_answers_is_reminded_once_then_the_session_expires_politely(
    talk: Talk, clock: FixedClock, engine: AsyncEngine, road: App
) -> None:
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.deliver()
    clock.advance(hours=2, minutes=59)
    await talk.deliver()
    assert len(talk.pushes_to("지은")) == 1  # only the ask so far
    clock.advance(minutes=1)
    await talk.deliver()
    [_, reminder] = talk.pushes_to("지은")
    assert "'우리' 중재에서 아이가 아직 이야기를 기다리고 있어요" in reminder and "하루가 지나면" in reminder
    assert len(talk.pushes_to("민수")) == 1  # he answered: his reminder was taken back

    clock.advance(hours=12)
    await talk.deliver()
    assert len(talk.pushes_to("지은")) == 2  # one reminder, never a second
    clock.advance(hours=9)  # a day after it opened
    for step in road.housekeeping:
        await step()
    await talk.deliver()
    [note] = talk.pushes_to(f"#{ROOM}")
    assert "하루가 지나도록" in note and "조용히 닫을게요" in note and "/mediate" in note
    assert not quotes(MINSU_SIDE, note)
    async with engine.connect() as conn:
        assert (await conn.scalar(select(MediationSessionRow.state))) == "expired"
        assert (await conn.scalars(select(MediationSideRow.text))).all() == [None, None]

    late = await talk.dm(JIEUN_SIDE, "지은")  # no longer awaited: an ordinary direct message (a worry)
    assert "답변" in late.all_text()
    assert "기다리는 중재가 없어요" in (await talk.dm(f"/side {JIEUN_SIDE}", "지은")).all_text()
    assert "중재를 열었어요" in (await talk.group("/mediate", "지은")).all_text()  # the couple may start again


# --- a third person -----------------------------------------------------------------------------------------------


async def test_a_third_person_cannot_join_tell_a_side_cancel_or_open_one(talk: Talk, engine: AsyncEngine) -> None:
    await couple(talk)
    assert "두 사람만" in (await talk.group("/mediate join", "영희")).all_text()
    assert "민수님과 지은님이" in (await talk.group("/mediate", "영희")).all_text()
    assert "민수님과 지은님이" in (await talk.group("/mediate cancel", "영희")).all_text()
    assert "민수님과 지은님이" in (await talk.group("/mediate name 별", "영희")).all_text()
    assert "기다리는 중재가 없어요" in (await talk.dm("/side 저도 할 말이 있어요", "영희")).all_text()
    plain = await talk.dm("저도 할 말이 많아요 둘이 자꾸 싸워요", "영희")  # not claimed: counseling answers
    assert "답변" in plain.all_text()
    async with engine.connect() as conn:
        assert (await conn.scalar(select(func.count()).select_from(MediationSideRow))) == 2
    assert "멈출게요" in (await talk.group("/mediate cancel", "지은")).all_text()
    # the couple is known: in a later session too the third person is refused
    assert "민수님과 지은님이" in (await talk.group("/mediate", "영희")).all_text()
    opened = await talk.group("/mediate", "지은")
    assert "중재를 열었어요" in opened.all_text()
    assert "민수님과 지은님이" in (await talk.press_in_group(opened.last.current.buttons[0].action, "영희")).all_text()


async def test_before_the_couple_forms_the_second_to_join_is_the_partner_and_a_third_is_refused(talk: Talk) -> None:
    await talk.group("/mediate", "민수")
    assert "함께하려면 /mediate join" in (await talk.group("/mediate", "지은")).all_text()
    await talk.group("/mediate join", "지은")
    refused = (await talk.group("/mediate join", "영희")).all_text()
    assert "민수님과 지은님이" in refused


async def test_someone_in_two_mediations_tells_each_side_where_it_is_awaited(talk: Talk, engine: AsyncEngine) -> None:
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.group("/mediate", "민수", room="둘")
    await talk.group("/mediate join", "수진", room="둘")
    await talk.dm("/side 요즘 연락이 뜸해서 조금 불안했어", "민수")  # goes to the session awaiting his side
    assert "두 분 이야기가 다 모였어요" in (await talk.dm("회사 일이 바빠서 답장을 못 했어", "수진")).all_text()
    async with engine.connect() as conn:
        given = dict(
            (
                await conn.execute(
                    select(MediationSessionRow.chat_id, func.count(MediationSideRow.given_at))
                    .join(MediationSideRow, MediationSideRow.session_id == MediationSessionRow.id)
                    .group_by(MediationSessionRow.chat_id)
                )
            ).all()
        )
    assert given == {f"group:{ROOM}": 1, "group:둘": 2}
    await talk.deliver()
    assert len(talk.pushes_to("#둘")) == 1 and talk.pushes_to(f"#{ROOM}") == []


# --- privacy ------------------------------------------------------------------------------------------------------


async def test_private_sides_never_reach_the_other_partner(talk: Talk, engine: AsyncEngine) -> None:
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {MINSU_SIDE} 그리고 나도 좀 쉬고 싶어", "민수")  # replaced while waiting
    await talk.dm(JIEUN_SIDE, "지은")
    await talk.deliver()
    assert talk.messenger.pushed  # asks and the post went out
    for text in talk.seen_by("지은"):
        assert not quotes(MINSU_SIDE, text), text
    for text in talk.seen_by("민수"):
        assert not quotes(JIEUN_SIDE, text), text
    for _, _, document in await outbox_documents(engine):  # nothing pushed, to anyone, carries a side
        raw = document.to_json()
        assert not quotes(MINSU_SIDE, raw) and not quotes(JIEUN_SIDE, raw)


# --- the checks on the model's post -------------------------------------------------------------------------------


async def test_a_model_post_quoting_a_side_is_asked_again_then_the_offline_post_stands_in(
    talk: Talk, answers: list[str], llm: ScriptedLanguageModel
) -> None:
    quoting = model_post(
        second={"summary": "지은님은 평일에 야근이 많아서 주말엔 쉬고 싶대요.", "need": "쉬고 싶은 마음"}
    )
    answers.extend([quoting, quoting])
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    calls = [c for c in llm.calls if c.purpose == "mediation.post"]
    assert len(calls) == 2 and "copies words from the second partner" in calls[1].messages[-1].content
    [post] = talk.pushes_to(f"#{ROOM}")
    assert "저는 아이예요" in post  # the offline post
    assert not quotes(JIEUN_SIDE, post) and not quotes(MINSU_SIDE, post)


async def test_a_model_post_quoting_is_fixed_on_the_second_try_or_allowed_by_its_partner(
    talk: Talk, answers: list[str], llm: ScriptedLanguageModel
) -> None:
    quoting = model_post(first={"summary": "민수님은 주말마다 약속을 잡는데 서운했대요.", "need": "함께하고 싶은 마음"})
    answers.extend([quoting, model_post()])
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    [post] = talk.pushes_to(f"#{ROOM}")
    assert "일요일 오후 두 시간" in post and not quotes(MINSU_SIDE, post)

    # a later session: he allows quoting (the button under his /side), so the same words may stand
    answers.append(quoting)
    await talk.group("/mediate", "민수")
    await talk.group("/mediate join", "지은")
    kept = await talk.dm(f"/side {MINSU_SIDE}", "민수")
    allow = next(b.action for b in kept.last.current.buttons if b.label == "그대로 옮겨도 돼요")
    assert "그대로 옮길게요" in (await talk.press_in_dm(allow, "민수")).all_text()
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    assert "주말마다 약속을 잡는데" in talk.pushes_to(f"#{ROOM}")[-1]
    assert len([c for c in llm.calls if c.purpose == "mediation.post"]) == 3


async def test_a_model_post_taking_sides_is_rejected(
    talk: Talk, answers: list[str], llm: ScriptedLanguageModel
) -> None:
    partial = model_post(
        first={"summary": "민수님 말이 맞아요. 약속을 잡는 건 좋은 일이에요.", "need": "함께하고 싶은 마음"},
        compromise="지은님이 민수님께 먼저 사과해야 해요.",
    )
    answers.extend([partial, model_post()])
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")
    await talk.deliver()
    calls = [c for c in llm.calls if c.purpose == "mediation.post"]
    assert len(calls) == 2 and "judges who is right" in calls[1].messages[-1].content
    [post] = talk.pushes_to(f"#{ROOM}")
    assert "말이 맞아요" not in post and "사과해야" not in post and "일요일 오후 두 시간" in post


# --- a crisis in a side -------------------------------------------------------------------------------------------


async def test_a_crisis_in_a_side_is_answered_privately_and_pauses_the_session_until_resumed(
    talk: Talk, engine: AsyncEngine
) -> None:
    await couple(talk)
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    crisis = await talk.dm("요즘 너무 힘들어서 그냥 사라지고 싶어", "지은")  # a plain direct message, awaited
    text = crisis.all_text()
    assert "109" in text and "/mediate resume" in text and "아무것도 전하지 않았어요" in text
    await talk.deliver()
    assert talk.pushes_to(f"#{ROOM}") == []
    for seen in talk.seen_by("민수"):
        assert "사라지고" not in seen and "109" not in seen and "멈춰" not in seen
    status = (await talk.group("/mediate", "민수")).all_text()
    assert "⏳ 지은님" in status  # the group sees her side as awaited, never why
    assert "잠시 멈춰 있어요" in (await talk.dm(f"/side {JIEUN_SIDE}", "지은")).all_text()
    gentle = await talk.dm("오늘은 그냥 아무 말도 하기 싫어", "지은")  # not taken for a side while paused
    assert "잠시 멈춰" not in gentle.all_text()
    async with engine.connect() as conn:
        assert (await conn.scalar(select(MediationSideRow.text).where(MediationSideRow.given_at.is_(None)))) is None

    assert "다시 이어 갈게요" in (await talk.dm("/mediate resume", "지은")).all_text()
    await talk.dm(JIEUN_SIDE, "지은")
    await talk.deliver()
    [post] = talk.pushes_to(f"#{ROOM}")
    assert "지은님" in post and not quotes(JIEUN_SIDE, post)


async def test_a_paused_session_still_expires(talk: Talk, clock: FixedClock, road: App) -> None:
    await couple(talk)
    await talk.dm("/side 다 끝내고 싶어. 오늘 밤에 뛰어내릴 거야", "지은")
    clock.advance(days=1)
    for step in road.housekeeping:
        await step()
    await talk.deliver()
    assert any("하루가 지나도록" in text for text in talk.pushes_to(f"#{ROOM}"))
    assert all("뛰어내릴" not in text for text in talk.seen_by("민수"))


# --- bad input ----------------------------------------------------------------------------------------------------


async def test_bad_input_gets_a_clear_answer_each(talk: Talk, engine: AsyncEngine) -> None:
    assert "그룹 채팅에서 /mediate" in (await talk.dm("/mediate", "민수")).all_text()
    assert "그룹 채팅에서 /mediate" in (await talk.dm("/mediate join", "민수")).all_text()
    assert "진행 중인 중재가 없어요" in (await talk.group("/mediate join", "지은")).all_text()
    assert "기다리는 중재가 없어요" in (await talk.dm("/side 서운했어", "민수")).all_text()
    assert "두 분이 모두 중재에 함께한 뒤에" in (await talk.group("/mediate name 하늘", "민수")).all_text()
    await couple(talk)
    second = (await talk.group("/mediate", "민수")).all_text()
    assert "이미 진행 중인 중재가 있어요" in second and "⏳ 민수님" in second and "⏳ 지은님" in second
    assert "이미 이 중재에 함께하고 있어요" in (await talk.group("/mediate join", "지은")).all_text()
    assert "들려줄 이야기를 /side 뒤에" in (await talk.dm("/side", "민수")).all_text()
    assert "1:1 대화에서 /side" in (await talk.group(f"/side {MINSU_SIDE}", "민수")).all_text()
    assert "1,500자 이내" in (await talk.dm("/side " + "가" * 1600, "민수")).all_text()
    assert "사용법: /mediate name" in (await talk.group("/mediate name <b>하늘</b>", "민수")).all_text()
    assert (
        "사용법: /mediate name" in (await talk.group("/mediate name 아주아주아주긴아이이름이에요", "민수")).all_text()
    )
    assert "사용법 (두 사람이 있는 그룹에서)" in (await talk.group("/mediate dance", "민수")).all_text()
    assert "아직 그릴 이야기가 없어요" in (await talk.group("/mediate comic", "민수")).all_text()
    assert "멈춰 둔 중재가 없어요" in (await talk.group("/mediate resume", "민수")).all_text()
    one_letter = await talk.dm("1", "지은")  # a lone digit is no side
    assert "잘 들었어요" not in one_letter.all_text()
    async with engine.connect() as conn:
        assert (await conn.scalar(select(func.count()).where(MediationSideRow.given_at.is_not(None)))) == 0


async def test_the_child_is_named_once_per_couple_and_keeps_the_name(talk: Talk) -> None:
    await couple(talk)
    assert "이제 제 이름은 하늘이에요" in (await talk.group("/mediate name 하늘", "민수")).all_text()
    assert "하늘에서 별로 바뀌었어요" in (await talk.group("/mediate name 별", "지은")).all_text()
    await talk.group("/mediate cancel", "민수")
    assert "별이 두 분 이야기를 들으러 왔어요" in (await talk.group("/mediate", "지은")).all_text()
    await talk.deliver()
    assert any("별이 이야기를 들으러 왔어요" in text for text in talk.pushes_to("지은"))


async def test_either_partner_cancels_and_from_a_direct_chat_the_group_hears_it(
    talk: Talk, engine: AsyncEngine, clock: FixedClock
) -> None:
    await couple(talk)
    await talk.deliver()
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    assert "그룹에도 알렸어요" in (await talk.dm("/mediate cancel", "지은")).all_text()
    await talk.deliver()
    [note] = talk.pushes_to(f"#{ROOM}")
    assert "지은님이 이번 중재를 멈췄어요" in note
    clock.advance(hours=4)
    await talk.deliver()
    assert len(talk.pushes_to("민수")) == 1 and len(talk.pushes_to("지은")) == 1  # the asks; no reminder after
    async with engine.connect() as conn:
        assert (await conn.scalar(select(MediationSessionRow.state))) == "cancelled"
        assert (await conn.scalars(select(MediationSideRow.text))).all() == [None, None]
    assert "기다리는 중재가 없어요" in (await talk.dm("/mediate cancel", "민수")).all_text()


async def test_a_session_whose_post_never_went_is_posted_by_the_clock(
    talk: Talk, road: App, clock: FixedClock, engine: AsyncEngine
) -> None:
    await couple(talk)
    async with road.uow() as uow:  # both sides stored, then the process died before posting
        [session] = await uow.mediations.due_to_expire(now=clock.now() + timedelta(days=2))
        for user_id in await uow.mediations.sides(session.id):
            await uow.mediations.give_side(session.id, user_id.user_id, MINSU_SIDE, now=clock.now())
        await uow.commit()
    clock.advance(minutes=3)
    for step in road.housekeeping:
        await step()
    await talk.deliver()
    [post] = talk.pushes_to(f"#{ROOM}")
    assert "두 분 이야기를 들었어요" in post and not quotes(MINSU_SIDE, post)


# --- the comic ----------------------------------------------------------------------------------------------------


async def _posted(talk: Talk) -> None:
    await couple(talk)
    await talk.group("/mediate name 하늘", "민수")
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    await talk.dm(f"/side {JIEUN_SIDE}", "지은")


async def test_without_an_image_model_the_comic_is_a_four_panel_storyboard(talk: Talk) -> None:
    await _posted(talk)
    board = await talk.group("/mediate comic", "지은")
    text = board.all_text()
    assert "하늘이 그린 네 컷 이야기" in text
    assert all(f"{n}컷" in text for n in range(1, 5)) and "민수님의 속마음" in text and "지은님의 속마음" in text
    assert board.last.current.attachments == () and not quotes(JIEUN_SIDE, text)
    assert "민수님과 지은님이" in (await talk.group("/mediate comic", "영희")).all_text()


async def test_with_an_image_model_the_comic_is_drawn_by_the_local_images_endpoint_and_sent_as_a_picture(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    with FakeOpenAIServer(api_key="sk-test") as server:
        drawing = with_local_model(settings, server.base_url, model="gpt-4o-mini", llm_image_model="dall-e-3")
        app = bootstrap(drawing, clock=clock, llm=llm, engine=engine, messengers={"terminal": RecordingMessenger()})
        talk = Talk(app, RecordingMessenger())
        await _posted(talk)
        drawn = await talk.group("/mediate comic", "민수")
        [request] = server.requests
        assert request.path == "/v1/images/generations" and request.body["model"] == "dall-e-3"
        assert "4-panel" in request.prompt and "하늘" in request.prompt
        assert not quotes(MINSU_SIDE, request.prompt) and not quotes(JIEUN_SIDE, request.prompt)
        [picture] = drawn.last.current.attachments
        assert picture.kind == "image" and picture.content == TINY_PNG and picture.filename.endswith(".png")
        assert "하늘이 두 분 이야기를 네 컷 만화로" in drawn.all_text()

        server.script(Fail(status=400, message="content policy"))
        fallback = await talk.group("/mediate comic", "지은")
        assert "글로 그렸어요" in fallback.all_text() and "4컷" in fallback.all_text()
        assert fallback.last.current.attachments == ()
        await app.aclose()
    async with engine.connect() as conn:
        purposes = (await conn.scalars(select(LlmUsageRow.purpose))).all()
    assert purposes.count("mediation.comic") == 1  # the picture drawn counts toward the per-person cap


# --- the account --------------------------------------------------------------------------------------------------


async def test_export_forget_and_link_cover_couples_sessions_and_sides(
    talk: Talk, road: App, engine: AsyncEngine
) -> None:
    await couple(talk)
    await talk.group("/mediate name 하늘", "민수")
    await talk.dm(f"/side {MINSU_SIDE}", "민수")
    (attachment,) = (await talk.dm("/export", "민수")).last.current.attachments
    exported = json.loads(attachment.content)
    assert exported["mediation_couples"] == [{"platform": "terminal", "partner": "지은", "child_name": "하늘"}]
    [session] = exported["mediations"]
    assert session["state"] == "open" and session["my_side"]["text"] == MINSU_SIDE and session["chat"] == ROOM
    (theirs,) = (await talk.dm("/export", "지은")).last.current.attachments
    assert MINSU_SIDE not in theirs.content.decode()  # her export holds her own side only

    async with road.uow() as uow:  # /link: 지은's second account (영희 here) folds into 지은
        ids = {name: (await uow.users.by_identity("terminal", name)) for name in ("지은", "영희")}
    await talk.dm("/start", "영희")
    async with road.uow() as uow:
        ids["영희"] = await uow.users.by_identity("terminal", "영희")
        jieun, other = ids["지은"], ids["영희"]
        assert jieun is not None and other is not None
        assert ACCOUNT.fold is not None
        await ACCOUNT.fold(uow, jieun.id, other.id)
        await uow.commit()
        [couple_] = await uow.mediations.couples_of(UserId(other.id))
        assert other.id in couple_.partners and await uow.mediations.current_of(UserId(other.id)) is not None

    forget = await talk.dm("/forget", "민수")
    confirm = next(b.action for b in forget.last.current.buttons if b.action.endswith(":yes"))
    await talk.press_in_dm(confirm, "민수")
    for table in (MediationCoupleRow, MediationSessionRow, MediationSideRow):
        assert await rows(engine, table) == 0, table
    async with engine.connect() as conn:
        pending = (await conn.scalars(select(OutboxRow.state).where(OutboxRow.dedupe_key.like("mediation:%")))).all()
    assert "pending" not in pending  # the reminders the forgotten session still had are withdrawn
