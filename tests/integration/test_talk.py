"""Plain direct messages understood before counseling (core/usecases/talk.py), end to end through the dispatcher on
SQLite and PostgreSQL: small talk and lone numbers cost nothing, plain requests reach their verb, the crisis gate
reads first, and a question back is answered with buttons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import HeldChoiceRow, LlmUsageRow, OutboxRow, WorryRow
from core.bootstrap import App, bootstrap
from core.commands import Command
from core.domain.values import ChatKind, Locale
from core.inbound import ChatRef, IncomingMessage, Sender
from core.ports import ModelCall
from core.products import registered
from core.registration import DIRECT, Built, Kit, Listener, Product
from core.replies import Reply
from core.settings import Settings
from core.usecases.context import Context
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel

FIVE_WORRIES = (
    "시험이 일주일 남았는데 공부가 손에 안 잡혀요",
    "엄마가 암 진단을 받으셨어요",
    "남자친구랑 헤어졌어요",
    "이번 달 월세 낼 돈이 없어요",
    "요즘 너무 외로워요",
)


async def count(engine: AsyncEngine, column: object, *where: object) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


async def say(app: App, text: str, *, user: str = "u1", locale: str | None = None) -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(text, user=user, locale=locale), responder)
    return responder


async def press(app: App, action: str, *, user: str = "u1") -> RecordingResponder:
    responder = RecordingResponder()
    incoming = IncomingMessage(
        platform="terminal",
        chat=ChatRef(id=f"dm:{user}", kind=ChatKind.DIRECT),
        sender=Sender(external_id=user, name=user),
        action=action,
    )
    await app.dispatcher.handle(incoming, responder)
    return responder


def variants(app: App, kind: str, locale: Locale = Locale.KO) -> set[str]:
    return {app.catalog.text(locale, f"talk.{kind}.{n}") for n in range(1, 5)}


async def test_a_new_users_small_talk_and_a_lone_number_cost_nothing_and_five_worries_are_still_answered(
    app: App, engine: AsyncEngine, llm: ScriptedLanguageModel
) -> None:
    replies = {text: (await say(app, text)).texts for text in ("안녕", "고마워", "ㅠㅠ", "1")}
    welcome, greeting = replies["안녕"]  # a first message, before any /start: the welcome line comes first
    assert welcome == app.catalog.text(Locale.KO, "welcome.first_message")
    assert greeting in variants(app, "greeting")
    assert replies["고마워"][0] in variants(app, "thanks")
    assert replies["ㅠㅠ"][0] in variants(app, "reaction.sad")
    assert replies["1"] == [app.catalog.text(Locale.KO, "talk.number")]
    assert await count(engine, WorryRow.id) == 0  # no worry, so no quota used
    assert llm.calls == []  # and no model

    for worry in FIVE_WORRIES:
        answered = await say(app, worry)
        assert [m.current.sections[0].title for m in answered.messages] == ["💗 공감 (F)", "🧠 조언 (T)"], worry
    sixth = await say(app, "회사 사람들이랑 어울리기가 너무 힘들어요")
    assert "무료 상담 5회" in sixth.all_text()
    assert "공감 (F)" not in sixth.all_text()


async def test_a_reminder_asked_in_plain_words_is_set_without_a_question_and_listed_ten_minutes_ahead(
    app: App, engine: AsyncEngine, clock: FixedClock
) -> None:
    await say(app, "/start")  # not the first message: no welcome line
    asked = await say(app, "10분 뒤에 물 마시라고 알려줘")
    assert len(asked.messages) == 1 and asked.last.current.buttons == ()
    assert "알려 드릴게요: 물 마시기" in asked.all_text()

    async with engine.connect() as conn:
        (due,) = (await conn.execute(select(OutboxRow.due_at).where(OutboxRow.kind == "reminder"))).scalars().all()
    assert due.replace(tzinfo=UTC) == clock.now() + timedelta(minutes=10)

    listed = (await say(app, "/remind list")).all_text()
    line = next(line for line in listed.splitlines() if line.startswith("#1"))
    assert line.startswith("#1 · 11월 26일 (목) 오후 12:10 — ")  # the fixed clock says 12:00 in Seoul
    text = line.split(" — ", 1)[1]
    assert "물" in text
    assert not any(word in text for word in ("분", "뒤에", "알려줘"))


async def test_an_english_reminder_in_plain_words_keeps_only_what_to_do(app: App) -> None:
    asked = await say(app, "remind me in 10 minutes to drink water", user="en1", locale="en-US")
    assert "I'll remind you on Thu, Nov 26, 12:10 PM: drink water" in asked.all_text()
    assert "Thu, Nov 26, 12:10 PM — drink water" in (await say(app, "/remind list", user="en1")).all_text()


async def test_a_farewell_that_may_be_a_crisis_gets_the_crisis_reply_not_small_talk(
    app: App, ops: RecordingOpsAlerts, engine: AsyncEngine
) -> None:
    replied = await say(app, "다들 고마웠어 잘 있어")
    assert len(replied.messages) == 1
    assert "109" in replied.all_text() and "1577-0199" in replied.all_text()
    assert replied.texts[0] not in variants(app, "thanks") | variants(app, "bye")
    assert [event for event, _ in ops.alerts] == ["crisis_gate"]
    assert await count(engine, WorryRow.id, WorryRow.crisis.is_(True)) == 1


async def test_soon_after_a_crisis_small_talk_gets_a_gentle_reply_with_the_help_lines(app: App) -> None:
    await say(app, "요즘은 그냥 사라지고 싶어요")
    replied = await say(app, "고마워")
    assert replied.texts[0] in variants(app, "gentle")
    assert [b.action for b in replied.last.current.buttons] == ["mm:help:lines"]


async def test_plain_requests_reach_their_verbs(app: App) -> None:
    assert "📊" in (await say(app, "이번 주 통계")).all_text()
    assert "/friend accept" in (await say(app, "친구 초대할래")).all_text()
    assert "/help" in (await say(app, "뭐 할 수 있어?")).all_text()
    diary = (await say(app, "일기 쓸래: 오늘은 친구랑 카페에 갔다")).all_text()
    assert "동의" in diary  # the diary verb itself asks for consent first: it was reached
    assert app.catalog.text(Locale.KO, "talk.diary_how") == (await say(app, "일기 쓸래")).all_text()
    assert app.catalog.text(Locale.KO, "talk.remind_how") == (await say(app, "알림 맞춰줘")).all_text()


async def test_an_unsure_request_asks_back_and_each_button_does_what_it_says_once(
    app: App, engine: AsyncEngine
) -> None:
    asked = await say(app, "how do i add friends", user="en1", locale="en-US")
    assert asked.texts == [app.catalog.text(Locale.EN, "welcome.first_message"), "Shall I make a friend invite code?"]
    invite, worry = asked.last.current.buttons
    assert (invite.label, invite.action) == ("🤝 Make a friend invite code", "mm:friend:invite")
    assert worry.label == "💬 Talk it through" and worry.action.startswith("mm:worry:~")
    assert await count(engine, WorryRow.id) == 0

    talked = await press(app, worry.action, user="en1")
    assert [m.current.sections[0].title for m in talked.messages] == ["💗 Empathy (F)", "🧠 Advice (T)"]
    assert await count(engine, WorryRow.id) == 1
    assert await count(engine, HeldChoiceRow.id) == 0  # answered: nothing is held any more
    again = await press(app, worry.action, user="en1")
    assert again.all_text() == app.catalog.text(Locale.EN, "action.expired")
    assert "/friend accept" in (await press(app, invite.action, user="en1")).all_text()


async def test_a_held_choice_is_only_its_askers_and_only_for_a_day(app: App, clock: FixedClock) -> None:
    worry = (await say(app, "how do i add friends", user="en1", locale="en-US")).last.current.buttons[1]
    assert (await press(app, worry.action, user="someone else")).all_text() == app.catalog.text(
        Locale.KO, "action.expired"
    )
    worry = (await say(app, "how do i add friends", user="en1")).last.current.buttons[1]
    clock.advance(hours=25)
    assert (await press(app, worry.action, user="en1")).all_text() == app.catalog.text(Locale.EN, "action.expired")


async def test_after_midnight_a_plain_reminder_for_tomorrow_offers_both_days_and_sets_the_one_pressed(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 26, 18, 10, tzinfo=UTC))  # 03:10 on Friday in Seoul
    asked = await say(app, "내일 저녁 8시에 운동하라고 알려줘")
    assert "‘내일 저녁 8시’ 하면 어느 날인지 헷갈릴 수 있어요. 어느 쪽으로 맞출까요?" in asked.all_text()
    assert [b.label for b in asked.last.current.buttons] == [
        "⏰ 11월 27일 (금) 오후 8:00",
        "⏰ 11월 28일 (토) 오후 8:00",
    ]
    done = await press(app, asked.last.current.buttons[1].action)
    assert "11월 28일 (토) 오후 8:00에 알려 드릴게요: 운동하기" in done.all_text()
    assert "— 운동하기" in (await say(app, "/remind list")).all_text()


async def test_an_approximate_time_typed_to_remind_offers_the_exact_one(app: App) -> None:
    asked = await say(app, "/remind 9시 30분쯤 약 먹기")
    assert "대략적인 시각" in asked.all_text()
    assert [b.label for b in asked.last.current.buttons] == [
        "⏰ 11월 27일 (금) 오전 9:30"
    ]  # 9시 is 09:00, past at noon
    done = await press(app, asked.last.current.buttons[0].action)
    assert "알려 드릴게요: 약 먹기" in done.all_text()


async def test_an_open_question_is_exported_and_forgotten_with_the_account(app: App, engine: AsyncEngine) -> None:
    await say(app, "how do i add friends")
    exported = await say(app, "/export")
    data = json.loads(exported.last.current.attachments[0].content)
    assert [q["text"] for q in data["open_questions"]] == ["how do i add friends"]
    await say(app, "/forget")
    await press(app, "mm:forget_confirm:yes")
    assert await count(engine, HeldChoiceRow.id) == 0


async def test_a_plain_mention_in_a_group_is_understood_too(app: App) -> None:
    responder = RecordingResponder()
    incoming = IncomingMessage(
        platform="terminal",
        chat=ChatRef(id="group:club", kind=ChatKind.GROUP),
        sender=Sender(external_id="u1", name="u1"),
        text="안녕",
        mentioned=True,
    )
    await app.dispatcher.handle(incoming, responder)
    assert responder.texts[0] in variants(app, "greeting")


# --- the order: crisis gate, then an awaited answer, then the talk ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Answered(Command):
    text: str


def _build_awaiting(kit: Kit) -> Built:
    async def answered(command: Answered, ctx: Context) -> None:
        await ctx.responder.send(Reply.text(f"answer kept: {command.text}"))

    async def awaited(incoming: IncomingMessage, text: str) -> Command | None:
        return Answered(text=text) if incoming.sender.external_id == "side" else None

    return Built(handlers={Answered: answered}, listeners=(Listener(where=DIRECT, claim=awaited),))


AWAITING = Product(name="awaiting", verbs=(), build=_build_awaiting)


async def test_an_awaited_answer_comes_before_small_talk_but_after_the_crisis_gate(
    settings: Settings, engine: AsyncEngine, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    ops = RecordingOpsAlerts()
    app = bootstrap(settings, clock=clock, llm=llm, engine=engine, ops=ops, products=(*registered(), AWAITING))
    assert (await say(app, "안녕", user="side")).texts[-1] == "answer kept: 안녕"
    crisis = await say(app, "다들 고마웠어 잘 있어", user="side")
    assert "answer kept" not in crisis.all_text() and "109" in crisis.all_text()
    assert [event for event, _ in ops.alerts] == ["crisis_gate"]


# --- a model, when configured, decides what the rules are unsure of -----------------------------------------------


def _intent_model(intent: str) -> ScriptedLanguageModel:
    def answer(call: ModelCall) -> str:
        return json.dumps({"intent": intent}) if call.purpose == "intent.read" else f"{call.persona} 답변"

    return ScriptedLanguageModel(answer)


async def test_a_configured_model_decides_an_unsure_reading_and_the_call_counts_for_the_person(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    llm = _intent_model("invite")
    app = bootstrap(settings, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    replied = await say(app, "how do i add friends", locale="en-US")
    assert "/friend accept" in replied.all_text()  # no question back: the model was sure
    assert [c.purpose for c in llm.calls] == ["intent.read"]
    assert "<worry>" in llm.calls[0].messages[-1].content  # the message reaches the model as data
    async with engine.connect() as conn:
        purposes = (await conn.execute(select(LlmUsageRow.purpose, LlmUsageRow.user_id))).all()
    assert [(p, u is not None) for p, u in purposes] == [("intent.read", True)]

    sure = await say(app, "안녕")
    assert sure.texts[0] in variants(app, "greeting", Locale.EN)
    assert len(llm.calls) == 1  # a sure reading never asks the model


async def test_past_the_persons_daily_cap_the_offline_reading_stands(
    settings: Settings, engine: AsyncEngine, clock: FixedClock
) -> None:
    llm = _intent_model("invite")
    capped = settings.model_copy(update={"user_daily_model_calls": 0, "monthly_budget": Decimal(100)})
    app = bootstrap(capped, clock=clock, llm=llm, engine=engine, ops=RecordingOpsAlerts())
    asked = await say(app, "how do i add friends", locale="en-US")
    assert asked.texts[-1:] == ["Shall I make a friend invite code?"]
    assert llm.calls == []


async def test_a_first_message_without_start_gets_one_welcome_line_and_only_once(app: App) -> None:
    first = await say(app, "요즘 잠이 안 와요", user="new")
    assert first.texts[0] == app.catalog.text(Locale.KO, "welcome.first_message")
    assert "/start" in first.texts[0] and "동의" in first.texts[0]
    assert "공감 (F)" in first.all_text()  # and the worry is answered after it
    again = await say(app, "오늘도 잠이 안 와요", user="new")
    assert app.catalog.text(Locale.KO, "welcome.first_message") not in again.all_text()
    started = await say(app, "/start", user="someone")  # /start first: its own welcome, no extra line
    assert app.catalog.text(Locale.KO, "welcome.first_message") not in started.all_text()
    crisis = await say(
        app, "이따 밤에 한강 가서 뛰어내릴 거야", user="in crisis"
    )  # the crisis reply, nothing before it
    assert "109" in crisis.texts[0]
    english = await say(app, "hello", user="en-new", locale="en-US")
    assert english.texts[0] == app.catalog.text(Locale.EN, "welcome.first_message")
