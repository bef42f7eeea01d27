"""The crisis gate as every product meets it: free text of any kind goes through it, a crisis is answered with
help and nothing of it is kept, the operator hears of each person separately, and the conversation stays
gentle for a while afterwards."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.db.models import DiaryCommentRow, DiaryEntryRow, OutboxRow, WorryRow
from core.adapters.ops import LoggingOpsAlerts, alert_event
from core.bootstrap import App
from core.usecases.safety_gate import GENTLE_HOURS
from tests.conftest import dm
from tests.fakes import FixedClock, RecordingOpsAlerts, RecordingResponder, ScriptedLanguageModel


async def say(app: App, text: str, user: str = "minji") -> RecordingResponder:
    responder = RecordingResponder()
    await app.dispatcher.handle(dm(text, user=user), responder)
    return responder


async def count(engine: AsyncEngine, column: object, *where: object) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


def is_crisis_reply(responder: RecordingResponder) -> bool:
    text = responder.all_text()
    return "109" in text and "💗" not in text and "🧠" not in text


async def test_the_reply_offers_the_help_lines_again_with_a_button(app: App) -> None:
    crisis = await say(app, "이따 밤에 한강 가서 뛰어내릴 거야")
    assert is_crisis_reply(crisis)
    [button] = crisis.last.current.buttons
    again = RecordingResponder()
    await app.dispatcher.handle(dm(invocation=app.verbs.decode_action(button.action), user="minji"), again)
    assert "109" in again.all_text() and "1577-0199" in again.all_text()


async def test_help_shows_the_help_lines_too(app: App) -> None:
    assert "1577-0199" in (await say(app, "/help")).all_text()


@pytest.mark.parametrize(
    "text",
    ["/diary 약을 다 모아뒀어", "/remind 10m 유서 마저 쓰기", "/comment 1 내일이 안 왔으면 좋겠어"],
)
async def test_every_free_text_goes_through_the_same_gate_and_nothing_is_kept(
    app: App, engine: AsyncEngine, ops: RecordingOpsAlerts, text: str
) -> None:
    await say(app, "/consent yes")
    await say(app, "/diary 오늘은 산책을 했어")
    outbox_before = await count(engine, OutboxRow.id)

    assert is_crisis_reply(await say(app, text))
    assert await count(engine, DiaryEntryRow.id) == 1
    assert await count(engine, DiaryCommentRow.id) == 0
    assert await count(engine, OutboxRow.id) == outbox_before
    assert [fields["source"] for event, fields in ops.alerts if event == "crisis_gate"] == [
        {"/diary": "diary", "/remind": "reminder", "/comment": "comment"}[text.split(maxsplit=1)[0]]
    ]


async def test_after_a_crisis_counseling_stays_gentle_costs_nothing_and_keeps_help_a_tap_away(
    app: App, clock: FixedClock, llm: ScriptedLanguageModel
) -> None:
    for n in range(5):
        await say(app, f"고민 {n}")
    assert "무료 상담 5회" in (await say(app, "여섯 번째 고민")).all_text()
    assert is_crisis_reply(await say(app, "그냥 다 끝내고 싶다"))

    gentle = await say(app, "조금 나아진 것 같기도 해")
    _f_part, t_part = gentle.messages
    assert "무료 상담" not in gentle.all_text()
    assert any(b.action == "mm:help:lines" for b in t_part.current.buttons)
    assert all(call.gentle for call in llm.calls[-2:])
    assert "계획이나 할 일 목록은 주지 마" in llm.calls[-1].messages[0].content

    clock.advance(hours=GENTLE_HOURS + 1)
    later = await say(app, "오늘은 괜찮았어")
    assert not llm.calls[-1].gentle
    assert not any(b.action == "mm:help:lines" for b in later.messages[-1].current.buttons)


async def test_the_offline_counselor_gives_no_plan_in_the_gentle_window(app: App, engine: AsyncEngine) -> None:
    from core.adapters.offline_counselor import compose
    from core.domain.values import Locale, Persona
    from core.ports import ModelCall

    call = ModelCall(
        purpose="counsel.T", messages=(), locale=Locale.KO, subject="좀 나아졌어", persona=Persona.T, gentle=True
    )
    advice = compose(call)
    assert "109" in advice and "1." not in advice
    assert compose(
        ModelCall(purpose="counsel.T", messages=(), locale=Locale.EN, subject="x", persona=Persona.T, gentle=True)
    )


async def test_a_crisis_keeps_no_text_and_tells_the_operator_without_it(
    app: App, engine: AsyncEngine, ops: RecordingOpsAlerts
) -> None:
    await say(app, "/consent yes")
    await say(app, "I've been saving up my pills to take them all at once")
    assert await count(engine, WorryRow.id, WorryRow.text.is_not(None)) == 0
    [(event, fields)] = ops.alerts
    assert event == "crisis_gate" and fields["reason"] == "means"
    assert all("pills" not in str(value) for value in fields.values())


async def test_each_persons_crisis_is_its_own_alert(caplog: pytest.LogCaptureFixture) -> None:
    alerts = LoggingOpsAlerts()
    with caplog.at_level(logging.WARNING, logger="maeum.events"):
        await alerts.alert("crisis_gate", user=1, platform="telegram", reason="plan", source="worry")
        await alerts.alert("crisis_gate", user=2, platform="telegram", reason="plan", source="worry")
        await alerts.alert("crisis_gate", user=1, platform="telegram", reason="plan", source="worry")
    prints = [alert_event(record, component="test").fingerprint for record in caplog.records]
    assert prints[0] != prints[1]
    assert prints[0] == prints[2]  # the same person's repeats still fold into one post
