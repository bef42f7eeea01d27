"""A book club meets on Slack (issue #15, must-show 3): the real Bolt app behind `POST /slack/events`, signed like
Slack, the Web API local (tests.servers.slack_api), a clock the test moves, and the pushes delivered through the
outbox relay, the in-process queue and a real SlackMessenger pointed at the same local server."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from bots.slack.messenger import SlackMessenger
from bots.web import create_web_app
from core.adapters.db.engine import create_sync_engine
from core.adapters.db.models import ClubMeetingNoteRow, InboxRow
from core.bootstrap import App, bootstrap
from core.domain.inbox import UpdateState
from core.settings import Settings
from tests.fakes import FixedClock
from tests.integration.test_delivery import run_clock_once
from tests.servers.slack_api import BOT_USER_ID, FakeSlackServer
from tests.servers.slack_signing import (
    app_mention_event,
    block_actions_body,
    channel_message_event,
    event_body,
    signed_headers,
    slash_command_body,
)

TOKEN = "xoxb-maeum-test"
SECRET = "signing-secret-for-tests"
ROOM = "C777"
MINJI, JUNHO, SEOYEON = "U123", "U456", "U789"
NOON = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 12:00 in Seoul, a Thursday
CATALOG = Path(__file__).resolve().parents[2] / "core" / "data" / "bookclub" / "sample_catalog.jsonl"

# Each person's quiz: the choices pressed per question (a question with several choices then gets 다음).
Picks = tuple[tuple[str, ...], ...]
MINJI_QUIZ: Picks = (
    ("korean", "essay"), ("fiction",), ("warm",), ("slow",), ("any",),
    ("korean",), ("bedtime",), ("both",), ("comfort",), ("discuss",),
)  # fmt: skip
JUNHO_QUIZ: Picks = (
    ("mystery",), ("both",), ("tense", "thoughtful"), ("fast",), ("medium",),
    ("any",), ("commute",), ("recent",), ("fun", "think"), ("discuss",),
)  # fmt: skip


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN) as server:
        # The handles payloads carry are not what people see: the display name is, else the full name.
        server.set_user(MINJI, name="minji.kim", display_name="민지", locale="ko-KR")
        server.set_user(JUNHO, name="junho", display_name="준호", locale="ko-KR")
        server.set_user(SEOYEON, name="sy.lee", display_name="", real_name="이서연", locale="ko-KR")
        yield server


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOON)


@pytest.fixture
def built(settings: Settings, slack: FakeSlackServer, clock: FixedClock) -> Iterator[tuple[TestClient, list[App]]]:
    configured = settings.model_copy(
        update={"slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": slack.base_url}
    )
    apps: list[App] = []

    def build() -> App:
        messenger = SlackMessenger(token=TOKEN, base_url=slack.base_url)
        apps.append(bootstrap(configured, clock=clock, messengers={"slack": messenger}))
        return apps[-1]

    with TestClient(create_web_app(build)) as test_client:
        yield test_client, apps


@pytest.fixture
def db(settings: Settings) -> Iterator[Engine]:
    """The app's database, read from the test's side."""
    engine = create_sync_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(built: tuple[TestClient, list[App]]) -> TestClient:
    return built[0]


@pytest.fixture
def app(built: tuple[TestClient, list[App]]) -> App:
    return built[1][0]


def post(client: TestClient, body: bytes) -> None:
    answer = client.post("/slack/events", content=body, headers=signed_headers(body, SECRET))
    assert answer.status_code == 200


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def in_room(slack: FakeSlackServer, channel: str = ROOM) -> list[dict[str, Any]]:
    """The bot's messages in a channel, oldest first, as they stand now (after any chat.update)."""
    found = []
    for call in slack.calls_to("chat.postMessage"):
        if call.ok and isinstance(call.response, dict) and call.body.get("channel") == channel:
            message = slack.message(channel, str(call.response["ts"]))
            if message is not None:
                found.append(message)
    return found


def shown(message: dict[str, Any]) -> str:
    """What a person reads in a message: its blocks' texts (the top-level text is only their fallback)."""
    if not message.get("blocks"):
        return str(message.get("text", ""))
    parts = []
    for block in message.get("blocks", []):
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts.extend(element["text"] for element in block["elements"])
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """label → action_id of a message's buttons."""
    return {
        element["text"]["text"]: element["action_id"]
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    }


def after(slack: FakeSlackServer, act: Callable[[], None], *, channel: str = ROOM, count: int = 1) -> list[str]:
    """Do `act`, then wait for `count` new messages of the bot in the channel; their texts."""
    before = len(in_room(slack, channel))
    act()
    wait_for(lambda: len(in_room(slack, channel)) >= before + count)
    return [shown(m) for m in in_room(slack, channel)[before:]]


def command(client: TestClient, text: str, user: str, channel: str = ROOM) -> Callable[[], None]:
    # Slack sends the handle as user_name; the app must not show it.
    return lambda: post(client, slash_command_body(text, user_id=user, user_name=f"handle-{user}", channel_id=channel))


def press(client: TestClient, action_id: str, user: str, channel: str = ROOM) -> Callable[[], None]:
    return lambda: post(client, block_actions_body(action_id, action_id, user_id=user, channel_id=channel))


def take_quiz(client: TestClient, slack: FakeSlackServer, user: str, choices: Picks) -> str:
    """Take the quiz in the room with its buttons; the persona card's text."""
    [question] = after(slack, command(client, "quiz", user))
    for step, picks in enumerate(choices):
        assert f"({step + 1}/10)" in question
        offered = set(buttons(in_room(slack)[-1]).values())
        presses = [f"mm:quiz:{step}:{pick}" for pick in picks]
        if len(picks) > 1 or f"mm:quiz:{step}:next" in offered:
            presses.append(f"mm:quiz:{step}:next")
        for action in presses:
            assert action in offered
            [question] = after(slack, press(client, action, user))
    return question


def count(db: Engine, query: Any) -> int:
    with db.connect() as conn:
        return int(conn.scalar(query) or 0)


def notes(db: Engine) -> int:
    """Lines kept as a meeting's log."""
    return count(db, select(func.count()).select_from(ClubMeetingNoteRow))


def settle(db: Engine) -> None:
    """Wait until every request Slack sent has been handled to its end: each is an inbox row before Slack gets its
    200, and is done only after its answers (and the App Home refresh) went out."""
    wait_for(lambda: count(db, select(func.count()).where(InboxRow.state != UpdateState.DONE)) == 0)


def taken_in(db: Engine, event_id: str) -> int:
    return count(db, select(func.count()).where(InboxRow.event_id.endswith(f":{event_id}")))


def catalog_titles() -> set[str]:
    with CATALOG.open(encoding="utf-8") as lines:
        return {json.loads(line)["title"] for line in lines if line.strip()}


def run_clock(client: TestClient, app: App, *, steps: bool = False) -> None:
    """One turn of the clock process, in the web app's event loop: the clock steps (a meeting's summary) when
    asked, then due pushes relayed, queued in process and delivered to the local Slack server."""

    async def turn() -> None:
        if steps:
            for step in app.housekeeping:
                await step()
        await run_clock_once(app)

    assert client.portal is not None
    client.portal.call(turn)


def test_a_book_club_meets_on_slack_from_start_to_summary(
    client: TestClient, app: App, slack: FakeSlackServer, clock: FixedClock, db: Engine
) -> None:
    # a channel becomes a club; the second member joins with the button, and a second join is refused to them only
    [started] = after(slack, command(client, "club start 책벌레", MINJI))
    assert "'책벌레' 독서 모임을 열었어요" in started
    join = buttons(in_room(slack)[-1])["🙋 참여하기"]
    [joined] = after(slack, press(client, join, JUNHO))
    assert "'책벌레'에 오신 걸 환영해요! 이제 멤버가 2명이에요." in joined
    command(client, "club join", JUNHO)()
    wait_for(lambda: slack.ephemerals)
    assert slack.ephemerals[-1]["user"] == JUNHO and "이미 '책벌레' 멤버예요" in shown(slack.ephemerals[-1])

    # both take the quiz with its buttons; the cards name them as Slack shows them
    assert "🎉 민지님의 독서 페르소나" in take_quiz(client, slack, MINJI, MINJI_QUIZ)
    assert "🎉 준호님의 독서 페르소나" in take_quiz(client, slack, JUNHO, JUNHO_QUIZ)

    # three books from the catalog for the room
    [picks] = after(slack, command(client, "club recommend", MINJI))
    lines = re.findall(r"^(\d)\. 《(.+?)》 — .+$", picks, flags=re.MULTILINE)
    assert [n for n, _ in lines] == ["1", "2", "3"], picks
    titles = {title for _, title in lines}
    assert len(titles) == 3 and titles <= catalog_titles()

    # a reminder a minute before; a two-minute meeting three minutes from now; 준호 says 참석 with the button
    [reminder_set] = after(slack, command(client, "club remind 1m", MINJI))
    assert "1분 전에 알려 드릴게요" in reminder_set
    [added] = after(slack, command(client, "meeting add 오늘 12:03 2m 1-5장", MINJI))
    assert "모임 #1을 잡았어요" in added and "오후 12:03 (2분)" in added
    rsvp = buttons(in_room(slack)[-1])
    assert set(rsvp) == {"참석", "미정", "불참"}
    [answered] = after(slack, press(client, rsvp["참석"], JUNHO))
    assert "참석 1 · 미정 0 · 불참 0" in answered

    # nothing is due yet; at 12:02 the reminder reaches the room and 준호's DM (opened by the messenger)
    settle(db)  # the clock moves only between requests, as minutes pass between people's taps
    posts_before = len(in_room(slack))
    run_clock(client, app)
    assert len(slack.posted) == len(in_room(slack)) == posts_before
    clock.set(NOON + timedelta(minutes=2))
    run_clock(client, app)
    [room_reminder] = [shown(m) for m in in_room(slack)[posts_before:]]
    assert "'책벌레' 모임 #1이 1분 뒤에 시작해요!" in room_reminder and "1-5장" in room_reminder
    assert [call.body["users"] for call in slack.calls_to("conversations.open")] == [JUNHO]
    dm = slack.dm_channel(JUNHO)
    assert dm is not None
    [dm_reminder] = [shown(m) for m in in_room(slack, dm)]
    assert "곧 '책벌레' 모임 #1이 시작해요" in dm_reminder and "오후 12:03" in dm_reminder
    assert slack.dm_channel(MINJI) is None  # 민지 did not say 참석

    # at the start the room hears so; /here from both shows them, 민지 crowned
    settle(db)
    clock.set(NOON + timedelta(minutes=3))
    [started_post] = after(slack, lambda: run_clock(client, app))
    assert "'책벌레' 모임 #1이 지금 시작해요!" in started_post
    [first_here] = after(slack, command(client, "here", JUNHO))
    assert "✋ 준호님 왔어요! 지금 함께하는 사람 1명: 준호" in first_here
    [second_here] = after(slack, command(client, "here", MINJI))
    assert "지금 함께하는 사람 2명: 👑 민지 · 준호" in second_here

    # the room's talk is kept as the meeting's log, not answered
    posts_before = len(in_room(slack))
    talk = (
        (MINJI, "주인공이 편지를 태우는 장면이 제일 좋았어요"),
        (JUNHO, "저는 주인공의 편지가 끝까지 마음에 남았어요"),
        (MINJI, "결말은 조금 쓸쓸했죠"),
        (JUNHO, "다음엔 편지 이야기부터 해요"),
    )
    for kept, (user, text) in enumerate(talk, start=1):
        post(client, event_body(channel_message_event(text, user=user, channel=ROOM)))
        settle(db)  # one after the other, so the log keeps the order they were said in
        assert notes(db) == kept

    # a message mentioning the bot comes twice (message and app_mention): answered once, and not kept as talk
    mention = f"<@{BOT_USER_ID}> club"
    post(client, event_body(channel_message_event(mention, user=JUNHO, channel=ROOM), event_id="EvTWIN0001"))
    post(client, event_body(app_mention_event(mention, user=JUNHO, channel=ROOM), event_id="EvMENTION1"))
    # what the app takes in is in its inbox before Slack gets the 200: the message twin never was
    assert taken_in(db, "EvTWIN0001") == 0 and taken_in(db, "EvMENTION1") == 1
    settle(db)
    [card] = [shown(m) for m in in_room(slack)[posts_before:]]  # nothing for the talk, one card for the mention
    assert "함께하는 사람: 👑 민지 · 준호" in card
    assert notes(db) == len(talk)

    # after the end, the clock's summary step posts who spoke to the room
    clock.set(NOON + timedelta(minutes=6))
    [summary] = after(slack, lambda: run_clock(client, app, steps=True))
    assert "'책벌레' 모임 #1이 끝났어요" in summary
    assert "이야기 나눈 사람: 민지 2번 · 준호 2번" in summary
    assert "많이 나온 말: 편지, 주인공" in summary
    run_clock(client, app, steps=True)  # delivers what is due before it returns
    assert sum("모임 #1이 끝났어요" in shown(m) for m in in_room(slack)) == 1  # once
    assert not slack.ephemerals[1:]  # nobody was told off along the way
    assert all(m["channel"] in {ROOM, dm} for m in slack.posted)


def test_a_member_first_met_through_a_mention_is_named_as_slack_shows_them(
    client: TestClient, slack: FakeSlackServer
) -> None:
    """A message event carries only the sender's id: the club's card must not show "U789"."""
    after(slack, command(client, "club start 책벌레", MINJI))
    [joined] = after(
        slack, lambda: post(client, event_body(app_mention_event("club join", user=SEOYEON, channel=ROOM)))
    )
    assert "이제 멤버가 2명이에요" in joined
    [card] = after(slack, command(client, "club", SEOYEON))
    assert "멤버 2명: 👑 민지 · 이서연" in card  # no display name set: the full name
    assert SEOYEON not in card and "handle-" not in card
