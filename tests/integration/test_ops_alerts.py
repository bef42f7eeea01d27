"""ERROR records become ops alerts in Slack: grouped, folded, never a storm, never user text, never a loop."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bots.slack.ops import slack_ops_poster
from core.adapters.ops import (
    AlertEvent,
    InProcessAlertSink,
    OpsAlertHandler,
    RedisAlertSink,
    alert_event,
    alert_text,
    digest_text,
)
from jobs.alerts import drain_alerts, fold_open_alerts, install_alert_handler, use_ops_poster
from tests.conftest import REDIS_URL, empty_redis_db, make_settings
from tests.servers.slack_api import FakeSlackServer

TEST_REDIS = REDIS_URL.rsplit("/", 1)[0] + "/10"  # the database empty_redis_db(10) hands out
SECRET = "아무에게도 말 못 한 고민"


@pytest.fixture(autouse=True)
def alerts_reach_slack() -> None:
    """What `maeum`'s process assembly (bots/cli.py) does before any alert job runs."""
    use_ops_poster(slack_ops_poster)


@pytest.fixture
def redis_client() -> Iterator[Any]:
    from redis import Redis

    with empty_redis_db(10) as url:
        client = Redis.from_url(url)
        yield client
        client.close()


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token="xoxb-ops") as server:
        yield server


def failing_record(logger_name: str = "core.products.diary.service", user_text: str = SECRET) -> logging.LogRecord:
    try:
        raise ValueError(f"could not save {user_text}")  # an exception message may quote user text
    except ValueError:
        import sys

        record = logging.getLogger(logger_name).makeRecord(
            logger_name,
            logging.ERROR,
            __file__,
            42,
            "saving entry %s failed for %s",
            (17, user_text),
            sys.exc_info(),
            func="save",
        )
    record.incident = "AB12CD34"
    return record


def test_an_alert_carries_ids_types_and_frames_but_never_user_text() -> None:
    event = alert_event(failing_record(), component="worker")
    text = alert_text(event)
    assert SECRET not in text and "could not save" not in text
    assert "ValueError" in text and "AB12CD34" in text and "17" in text and "‹redacted›" in text
    assert "~test_ops_alerts.py:" in text  # frames outside core/bots/jobs are marked and shortened


def test_the_same_error_twice_has_one_fingerprint_and_another_error_another() -> None:
    first = alert_event(failing_record(user_text="a"), component="web")
    again = alert_event(failing_record(user_text="b"), component="web")
    other = alert_event(failing_record(logger_name="core.usecases.clubs"), component="web")
    assert first.fingerprint == again.fingerprint != other.fingerprint


def test_a_thousand_identical_errors_in_a_second_are_one_post_and_a_folded_count(
    redis_client: Any, slack: FakeSlackServer
) -> None:
    settings = make_settings(
        redis_url=TEST_REDIS, slack_bot_token="xoxb-ops", ops_slack_channel="C0PS", slack_api_url=slack.base_url
    )
    jobs: list[tuple[str, dict[str, Any], str]] = []
    handler = OpsAlertHandler(RedisAlertSink(redis_client, enqueue=lambda *job: jobs.append(job)), component="web")
    logger = logging.getLogger("core.usecases.storm")
    logger.addHandler(handler)
    try:
        started = time.monotonic()
        for _ in range(1000):
            try:
                raise KeyError(SECRET)
            except KeyError:
                logger.exception("lookup failed for %s", SECRET)
        assert time.monotonic() - started < 5
    finally:
        logger.removeHandler(handler)
    assert len(jobs) == 1  # one post job, not a thousand
    function, _, job_id = jobs[0]
    assert function == "jobs.alerts.post_alerts" and job_id.startswith("alert-")

    import asyncio

    from redis.asyncio import Redis

    async def drain() -> int:  # what the RQ worker's job runs
        client = Redis.from_url(TEST_REDIS)
        try:
            return await drain_alerts(client, slack_ops_poster(settings))
        finally:
            await client.aclose()

    assert asyncio.run(drain()) == 1
    (posted,) = slack.posted
    answer = slack.calls_to("chat.postMessage")[0].response
    assert isinstance(answer, dict)
    ts = answer["ts"]
    assert posted["channel"] == "C0PS" and SECRET not in str(posted)

    assert asyncio.run(fold_open_alerts(settings)) == 1
    (update,) = slack.updates
    assert update["ts"] == ts and "repeated 1000 times" in update["text"]
    assert asyncio.run(fold_open_alerts(settings)) == 0  # nothing new to fold


def test_without_redis_a_thread_posts_the_first_at_once_and_folds_repeats(slack: FakeSlackServer) -> None:
    posts: list[tuple[int, str | None]] = []

    def post(event: AlertEvent, count: int, ts: str | None) -> str | None:
        posts.append((count, ts))
        return "1700000000.000100"

    sink = InProcessAlertSink(post, fold_every=0.2)
    handler = OpsAlertHandler(sink, component="chat")
    for _ in range(50):
        handler.emit(failing_record())
    deadline = time.monotonic() + 5
    while len(posts) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert posts[0] == (1, None)
    assert posts[-1] == (50, "1700000000.000100")


def test_without_redis_a_burst_of_distinct_alerts_is_the_first_at_once_then_digests_with_every_one() -> None:
    posts: list[tuple[list[AlertEvent], float]] = []  # (alerts in the post, when)

    def post(event: AlertEvent, count: int, ts: str | None) -> str | None:
        posts.append(([event], time.monotonic()))
        return "1700000000.000100"

    def digest(events: list[AlertEvent]) -> None:
        posts.append((events, time.monotonic()))

    handler = OpsAlertHandler(InProcessAlertSink(post, digest=digest, pace_seconds=0.3), component="chat")
    started = time.monotonic()
    for n in range(40):
        handler.emit(failing_record(logger_name=f"core.burst.e{n:02d}"))
        time.sleep(0.005)
    deadline = time.monotonic() + 10
    while sum(len(events) for events, _ in posts) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    (first, first_at), *_ = posts
    assert first[0].logger == "core.burst.e00" and first_at - started < 0.25  # the first goes at once
    assert len(posts) <= 4  # the rest waited for the pace together: digests of at most 25, not 39 posts
    loggers = [event.logger for events, _ in posts for event in events]
    assert loggers == [f"core.burst.e{n:02d}" for n in range(40)]  # every one, once, oldest first
    times = [at for _, at in posts]
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(times))  # the pace held


def test_a_digest_names_every_alert_without_user_text() -> None:
    events = [alert_event(failing_record(logger_name=f"core.d.e{n}"), component="worker") for n in range(3)]
    text = digest_text(events)
    assert text.startswith(":rotating_light: *3 alerts*")
    assert all(f"core.d.e{n}" in text for n in range(3)) and SECRET not in text and "ValueError" in text


def test_a_failing_alert_path_never_raises_nor_alerts_again(slack: FakeSlackServer) -> None:
    calls: list[int] = []

    def broken(event: AlertEvent, count: int, ts: str | None) -> str | None:
        calls.append(count)
        logging.getLogger("bots.slack.ops").error("posting failed")  # would loop without the guard
        raise RuntimeError("slack down")

    handler = OpsAlertHandler(InProcessAlertSink(broken, fold_every=60), component="worker")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("core.x").error("first failure")
        deadline = time.monotonic() + 3
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        root.removeHandler(handler)
    assert calls == [1]


def test_the_handler_is_installed_only_when_an_ops_channel_is_configured(slack: FakeSlackServer) -> None:
    assert install_alert_handler(make_settings(), component="web") is None
    handler = install_alert_handler(make_settings(ops_slack_webhook_url=slack.webhook_url), component="web")
    try:
        assert handler is not None
        logging.getLogger("core.y").error("something broke")
        deadline = time.monotonic() + 5
        while not slack.webhook_posts and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "something broke" in slack.webhook_posts[0]["text"]
    finally:
        logging.getLogger().removeHandler(handler)  # type: ignore[arg-type]


def test_a_crisis_event_reaches_the_ops_channel_with_ids_only() -> None:
    import asyncio

    from core.adapters.ops import LoggingOpsAlerts

    events: list[AlertEvent] = []

    class Collect(InProcessAlertSink):
        def __init__(self) -> None:  # no thread: collect synchronously
            pass

        def submit(self, event: AlertEvent) -> None:
            events.append(event)

    handler = OpsAlertHandler(Collect(), component="chat")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        asyncio.run(LoggingOpsAlerts().alert("crisis_gate", user=7, platform="telegram", reason="indirect"))
        logging.getLogger("core.z").warning("an ordinary warning")  # not an alert
    finally:
        root.removeHandler(handler)
    (event,) = events
    text = alert_text(event)
    assert "crisis_gate" in text and "telegram" in text and "indirect" in text and "‹redacted›" not in text
