"""maeum on Slack: the real Bolt app behind `POST /slack/events`, signed like Slack, with the Web API local."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from bots.web import create_web_app
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.servers.slack_api import FakeSlackServer
from tests.servers.slack_signing import (
    app_home_opened_event,
    app_mention_event,
    block_actions_body,
    bot_message_event,
    dm_message_event,
    event_body,
    signed_headers,
    slash_command_body,
    url_verification_body,
)

TOKEN = "xoxb-maeum-test"
SECRET = "signing-secret-for-tests"


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN) as server:
        server.set_user("U123", name="minji", locale="ko-KR")
        server.set_user("U456", name="alex", locale="en-US")
        yield server


@pytest.fixture
def client(settings: Settings, slack: FakeSlackServer) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={"slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": slack.base_url}
    )
    with TestClient(create_web_app(lambda: bootstrap(configured))) as test_client:
        yield test_client


def post(client: TestClient, body: bytes, **header_options: object) -> tuple[int, float]:
    started = time.monotonic()
    answer = client.post("/slack/events", content=body, headers=signed_headers(body, SECRET, **header_options))  # type: ignore[arg-type]
    return answer.status_code, time.monotonic() - started


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def texts(slack: FakeSlackServer) -> str:
    return "\n".join(json.dumps(m, ensure_ascii=False) for m in [*slack.posted, *slack.updates, *slack.ephemerals])


def test_a_signed_worry_command_is_acked_at_once_then_answered_in_two_parts(
    client: TestClient, slack: FakeSlackServer
) -> None:
    status, took = post(client, slash_command_body("worry 요즘 잠이 안 와요"))
    assert status == 200
    assert took < 1.0  # well under Slack's 3 seconds
    wait_for(lambda: "공감이 도움이 됐어요" in texts(slack) and "조언이 도움이 됐어요" in texts(slack))
    titles = [m["blocks"][0]["text"]["text"] for m in slack.posted if m.get("blocks")]
    assert "*💗 공감 (F)*" in titles and "*🧠 조언 (T)*" in titles
    assert slack.updates  # filled in by chat.update


def test_forged_and_stale_signatures_are_rejected_with_nothing_processed(
    client: TestClient, slack: FakeSlackServer
) -> None:
    body = slash_command_body("help")
    forged = signed_headers(body, "not-the-secret")
    assert client.post("/slack/events", content=body, headers=forged).status_code == 401
    stale, _ = post(client, body, timestamp=int(time.time()) - 6 * 60)
    assert stale == 401
    time.sleep(0.3)
    assert slack.posted == []


def test_a_dm_a_button_and_lang_en_work(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, event_body(dm_message_event("회사가 너무 힘들어요")))
    wait_for(lambda: "조언이 도움이 됐어요" in texts(slack))
    action = next(
        element["action_id"]
        for message in [*slack.posted, *slack.updates]  # the buttons come with the final edit
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("mm:helpful:F")
    )
    status, _ = post(client, block_actions_body(action, action))
    assert status == 200
    wait_for(lambda: "도움이 됐다고 기록했어요" in texts(slack))
    post(client, slash_command_body("lang en"))
    wait_for(lambda: "Language set to English." in texts(slack))


def test_the_locale_comes_from_slack_on_first_contact(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, slash_command_body("lang", user_id="U456", channel_id="D456"))
    wait_for(lambda: "Your language is English" in texts(slack))


def test_app_home_shows_the_summary_and_the_main_verbs(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, event_body(app_home_opened_event("U123")))
    wait_for(lambda: "U123" in slack.home_views)
    view = json.dumps(slack.home_views["U123"], ensure_ascii=False)
    assert "마음 홈" in view and "최근 7일" in view and "mm:remind:list" in view


def test_an_event_retried_by_slack_is_handled_once(client: TestClient, slack: FakeSlackServer) -> None:
    body = event_body(dm_message_event("/help"), event_id="Ev0RETRY")
    post(client, body)
    post(client, body, retry_num=1)
    post(client, body, retry_num=2)
    wait_for(lambda: "마음 사용법" in texts(slack))
    time.sleep(0.5)
    assert sum("마음 사용법" in json.dumps(m, ensure_ascii=False) for m in slack.posted) == 1


def test_mentions_in_channels_and_bots_messages(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, event_body(bot_message_event("I am another bot")))
    post(client, event_body(app_mention_event("<@UBOT> help", user="U123", channel="C777")))
    wait_for(lambda: "마음 사용법" in texts(slack))
    assert all(m["channel"] == "C777" for m in slack.posted)


def test_an_unknown_subcommand_gets_the_usage_only_to_the_asker(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, slash_command_body("frobnicate", channel_id="C777"))
    wait_for(lambda: slack.ephemerals)
    (note,) = slack.ephemerals
    assert note["user"] == "U123" and "모르는 명령" in json.dumps(note, ensure_ascii=False)


def test_url_verification_is_answered(client: TestClient) -> None:
    body = url_verification_body("challenge-123")
    answer = client.post("/slack/events", content=body, headers=signed_headers(body, SECRET))
    assert answer.status_code == 200 and "challenge-123" in answer.text


def test_export_arrives_as_a_file_in_the_dm(client: TestClient, slack: FakeSlackServer) -> None:
    post(client, slash_command_body("export"))
    wait_for(lambda: slack.files)
    (upload,) = slack.files
    assert upload["filename"].endswith(".json") and b"maeum-export/1" in upload["bytes"]
