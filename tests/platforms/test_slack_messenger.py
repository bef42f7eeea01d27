"""SlackMessenger and SlackOpsPoster: the real slack_sdk against the local FakeSlackServer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bots.slack.messenger import SlackMessenger, render_blocks, split_text
from bots.slack.ops import SlackOpsPoster
from core.ports import Messenger, Recipient, RecipientUnreachable, RetryLater
from core.replies import Button, Reply, Section
from tests.conftest import empty_redis_db
from tests.servers.slack_api import WEBHOOK, FakeSlackServer

TOKEN = "xoxb-1"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN) as running:
        yield running


@pytest.fixture
def slack(server: FakeSlackServer) -> FakeSlackServer:
    server.reset()
    return server


@pytest.fixture
async def messenger(slack: FakeSlackServer) -> AsyncIterator[SlackMessenger]:
    made = SlackMessenger(token=TOKEN, base_url=slack.base_url)
    yield made
    await made.aclose()


def channel(chat_id: str = "C0001") -> Recipient:
    return Recipient(platform="slack", chat_id=chat_id)


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def answer(body: str = "a < b & c") -> Reply:
    return Reply(
        sections=(
            Section(
                title="💗 공감 (F)",
                body=body,
                note="오프라인 상담사",
                buttons=(
                    Button(label="도움이 됐어요", action="m:helped:7"),
                    Button(label="더 듣기", action="m:more:7"),
                ),
            ),
        )
    )


def test_the_messenger_satisfies_the_port() -> None:
    messenger: Messenger = SlackMessenger(token=TOKEN)
    assert messenger.platform == "slack"


async def test_a_push_to_a_channel_renders_block_kit_with_an_escaped_text_fallback(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    ts = await messenger.push(channel(), answer(), idempotency_key="k1")

    [posted] = slack.posted
    assert ts == "1700000000.000100"
    assert posted["channel"] == "C0001"
    assert posted["text"] == "💗 공감 (F)\na &lt; b &amp; c\n오프라인 상담사"
    title, body, note, actions = posted["blocks"]
    assert title == {"type": "section", "text": {"type": "mrkdwn", "text": "*💗 공감 (F)*"}}
    assert body == {"type": "section", "text": {"type": "mrkdwn", "text": "a &lt; b &amp; c"}}
    assert note == {"type": "context", "elements": [{"type": "mrkdwn", "text": "오프라인 상담사"}]}
    assert actions["type"] == "actions"
    assert [(e["action_id"], e["value"], e["text"]["text"]) for e in actions["elements"]] == [
        ("m:helped:7", "m:helped:7", "도움이 됐어요"),
        ("m:more:7", "m:more:7", "더 듣기"),
    ]
    assert slack.calls_to("chat.postMessage")[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_pushes_get_increasing_message_ts(slack: FakeSlackServer, messenger: SlackMessenger) -> None:
    first = await messenger.push(channel(), Reply.text("하나"), idempotency_key="k1")
    second = await messenger.push(channel(), Reply.text("둘"), idempotency_key="k2")

    assert float(second) > float(first)


async def test_a_push_to_a_user_opens_the_dm_once_and_posts_to_the_d_channel(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    person = Recipient(platform="slack", user_external_id="U0USER1", display_name="지민")

    await messenger.push(person, Reply.text("안녕하세요"), idempotency_key="k1")
    await messenger.push(person, Reply.text("또 만나요"), idempotency_key="k2")

    [opened] = slack.calls_to("conversations.open")
    assert opened.body["users"] == "U0USER1"
    dm = slack.dm_channel("U0USER1")
    assert dm is not None
    assert dm.startswith("D")
    assert [p["channel"] for p in slack.posted] == [dm, dm]


async def test_the_dm_channel_is_remembered_for_every_worker_through_redis_and_forgotten_when_closed(
    slack: FakeSlackServer,
) -> None:
    from redis.asyncio import Redis

    from bots.slack.messenger import DM_CHANNELS_KEY

    person = Recipient(platform="slack", user_external_id="U0USER7", display_name="지민")
    with empty_redis_db(11) as url:
        redis = Redis.from_url(url)
        first, second = (SlackMessenger(token=TOKEN, base_url=slack.base_url, redis=redis) for _ in range(2))
        try:
            await first.push(person, Reply.text("안녕하세요"), idempotency_key="k1")
            await second.push(person, Reply.text("또 만나요"), idempotency_key="k2")  # another worker
            assert len(slack.calls_to("conversations.open")) == 1  # opened once for both
            dm = slack.dm_channel("U0USER7")
            assert [p["channel"] for p in slack.posted] == [dm, dm]
            assert await redis.hget(DM_CHANNELS_KEY, "U0USER7") == (dm or "").encode()
            slack.fail_next("chat.postMessage", error="channel_not_found")
            with pytest.raises(RecipientUnreachable):
                await second.push(person, Reply.text("닫힌 방"), idempotency_key="k3")
            assert await redis.hget(DM_CHANNELS_KEY, "U0USER7") is None  # reopened next time, by any worker
        finally:
            for made in (first, second):
                await made.aclose()
            await redis.aclose()


async def test_a_person_is_addressed_before_the_paced_send_and_the_send_opens_nothing_more(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    from core.ports import AddressingMessenger

    assert isinstance(messenger, AddressingMessenger)  # delivery asks for the DM channel before it waits for the pace
    person = Recipient(platform="slack", user_external_id="U0USER9", display_name="지민")
    addressed = await messenger.address(person)
    assert addressed.chat_id == slack.dm_channel("U0USER9") and addressed.user_external_id == "U0USER9"
    assert await messenger.address(addressed) is addressed  # a channel needs nothing
    calls = len(slack.calls)
    await messenger.push(addressed, Reply.text("안녕하세요"), idempotency_key="a1")
    assert [c.method for c in slack.calls[calls:]] == ["chat.postMessage"]  # the paced call is the post itself
    assert len(slack.calls_to("conversations.open")) == 1


async def test_one_http_session_serves_every_push(slack: FakeSlackServer, messenger: SlackMessenger) -> None:
    for n in range(5):
        await messenger.push(channel(), Reply.text(f"#{n}"), idempotency_key=f"s{n}")
    session = messenger._session
    assert session is not None and not session.closed
    await messenger.aclose()
    assert session.closed
    await messenger.push(channel(), Reply.text("again"), idempotency_key="s5")  # usable after closing
    assert len(slack.posted) == 6


async def test_a_long_korean_body_is_split_into_sections_under_3000_characters_that_join_back(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    sentence = "오늘 하루도 정말 수고 많았어요. 마음이 무거울 때는 잠시 쉬어 가도 괜찮아요.\n"
    body = (sentence * (7_000 // len(sentence) + 1))[:7_000]

    await messenger.push(channel(), Reply.text(body), idempotency_key="k1")

    texts = section_texts(slack.posted[0]["blocks"])
    assert len(texts) >= 3
    assert all(len(t) < 3_000 for t in texts)
    assert "".join(texts) == body
    assert all(t.endswith("\n") for t in texts[:-1])  # cut after a line, not mid-sentence


def test_splitting_never_cuts_inside_a_character_and_prefers_spaces_without_newlines() -> None:
    family = "👩\u200d👩\u200d👧"  # one emoji of five code points (eight UTF-16 units)
    spaced = " ".join(["마음"] * 2_000)
    dense = family * 1_000

    spaced_pieces = split_text(spaced, 2_900)
    dense_pieces = split_text(dense, 2_900)

    assert "".join(spaced_pieces) == spaced
    assert all(p.endswith(" ") for p in spaced_pieces[:-1])
    assert "".join(dense_pieces) == dense
    assert all(p.startswith("👩") and p.endswith("👧") for p in dense_pieces)
    assert all(len(p.encode("utf-16-le")) // 2 <= 2_900 for p in dense_pieces)


def test_escaping_is_counted_when_splitting() -> None:
    pieces = split_text("<&>" * 2_000, 2_900)

    assert "".join(pieces) == "<&>" * 2_000
    assert all(len(p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")) <= 2_900 for p in pieces)


def test_buttons_are_capped_at_25_per_actions_block_with_labels_of_at_most_75_characters() -> None:
    buttons = tuple(Button(label="아주 긴 버튼 이름 " * 10, action=f"m:pick:{n}") for n in range(30))

    blocks = render_blocks(Reply.text("골라 주세요", buttons=buttons))

    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    labels = [e["text"]["text"] for a in actions for e in a["elements"]]
    assert all(len(label) <= 75 and label.endswith("…") for label in labels)
    assert [e["action_id"] for a in actions for e in a["elements"]] == [f"m:pick:{n}" for n in range(30)]


async def test_a_429_becomes_retry_later_after_the_retry_after_header(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=2)

    with pytest.raises(RetryLater) as raised:
        await messenger.push(channel(), Reply.text("안녕"), idempotency_key="k1")

    assert raised.value.after == 2.0
    assert len(slack.calls_to("chat.postMessage")) == 1  # the SDK did not retry on its own
    assert slack.posted == []


async def test_the_global_rate_limit_answers_429_past_n_posts_a_second(slack: FakeSlackServer) -> None:
    with FakeSlackServer(token=TOKEN, rate_limit_per_second=2) as limited:
        messenger = SlackMessenger(token=TOKEN, base_url=limited.base_url)
        await messenger.push(channel(), Reply.text("1"), idempotency_key="k1")
        await messenger.push(channel(), Reply.text("2"), idempotency_key="k2")
        with pytest.raises(RetryLater) as raised:
            await messenger.push(channel(), Reply.text("3"), idempotency_key="k3")

        assert raised.value.after >= 1.0
        assert limited.rate_limited == 1
        assert len(limited.posted) == 2
        await messenger.aclose()


async def test_a_missing_channel_makes_the_recipient_unreachable(
    slack: FakeSlackServer, messenger: SlackMessenger
) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")

    with pytest.raises(RecipientUnreachable, match="channel_not_found"):
        await messenger.push(channel("C404"), Reply.text("안녕"), idempotency_key="k1")


async def test_a_user_who_cannot_be_messaged_is_unreachable(slack: FakeSlackServer, messenger: SlackMessenger) -> None:
    slack.fail_next("conversations.open", error="cannot_dm_bot")

    with pytest.raises(RecipientUnreachable, match="cannot_dm_bot"):
        await messenger.push(
            Recipient(platform="slack", user_external_id="U0BOT2"), Reply.text("안녕"), idempotency_key="k"
        )

    assert slack.posted == []


async def test_a_rejected_token_is_a_runtime_error(slack: FakeSlackServer) -> None:
    messenger = SlackMessenger(token="xoxb-wrong", base_url=slack.base_url)

    with pytest.raises(RuntimeError, match="Slack rejected the bot token: invalid_auth"):
        await messenger.push(channel(), Reply.text("안녕"), idempotency_key="k1")
    await messenger.aclose()


async def test_other_slack_errors_propagate_unchanged(slack: FakeSlackServer, messenger: SlackMessenger) -> None:
    from slack_sdk.errors import SlackApiError

    slack.fail_next("chat.postMessage", status=500, error="internal_error")

    with pytest.raises(SlackApiError):
        await messenger.push(channel(), Reply.text("안녕"), idempotency_key="k1")


async def test_the_ops_poster_posts_with_the_token_and_folds_repeats_into_the_same_message(
    slack: FakeSlackServer,
) -> None:
    poster = SlackOpsPoster(token=TOKEN, channel="C0PS", webhook_url=None, base_url=slack.base_url)

    ts = await poster.post("🚨 delivery backlog: 120")
    await poster.fold(ts, "🚨 delivery backlog: 120 (repeated 3 times)")

    assert ts is not None
    assert [p["text"] for p in slack.posted] == ["🚨 delivery backlog: 120"]
    [update] = slack.updates
    assert (update["channel"], update["ts"]) == ("C0PS", ts)
    assert slack.message("C0PS", ts)["text"] == "🚨 delivery backlog: 120 (repeated 3 times)"  # type: ignore[index]


async def test_the_ops_poster_posts_through_a_webhook_and_folds_as_a_new_message(slack: FakeSlackServer) -> None:
    poster = SlackOpsPoster(token=None, channel=None, webhook_url=slack.webhook_url)

    ts = await poster.post(
        "🚨 model unavailable", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]
    )
    await poster.fold(ts, "repeated 2 times")

    assert ts is None
    assert [p["text"] for p in slack.webhook_posts] == ["🚨 model unavailable", "repeated 2 times"]
    assert slack.webhook_posts[0]["blocks"][0]["text"]["text"] == "x"
    assert slack.calls_to("chat.postMessage") == []
    assert slack.calls_to("chat.update") == []


async def test_a_429_on_the_ops_poster_becomes_retry_later(slack: FakeSlackServer) -> None:
    poster = SlackOpsPoster(token=TOKEN, channel="C0PS", webhook_url=None, base_url=slack.base_url)
    hook = SlackOpsPoster(token=None, channel=None, webhook_url=slack.webhook_url)
    slack.fail_next("chat.postMessage", status=429, retry_after=3)
    slack.fail_next(WEBHOOK, status=429, retry_after=4)

    with pytest.raises(RetryLater) as by_token:
        await poster.post("alert")
    with pytest.raises(RetryLater) as by_webhook:
        await hook.post("alert")

    assert (by_token.value.after, by_webhook.value.after) == (3.0, 4.0)


async def test_ops_poster_errors_name_the_slack_code_but_never_the_alert_text(slack: FakeSlackServer) -> None:
    poster = SlackOpsPoster(token=TOKEN, channel="C0PS", webhook_url=None, base_url=slack.base_url)
    hook = SlackOpsPoster(token=None, channel=None, webhook_url=slack.webhook_url)
    slack.fail_next("chat.update", error="message_not_found")
    slack.fail_next(WEBHOOK, status=404, error="no_service")

    with pytest.raises(RuntimeError) as by_token:
        await poster.fold("1.000001", "secret detail")
    with pytest.raises(RuntimeError) as by_webhook:
        await hook.post("secret detail")

    assert "message_not_found" in str(by_token.value)
    assert "no_service" in str(by_webhook.value)
    assert "secret" not in str(by_token.value) + str(by_webhook.value)


def test_the_ops_poster_needs_a_token_and_channel_or_a_webhook() -> None:
    with pytest.raises(ValueError, match="webhook"):
        SlackOpsPoster(token=TOKEN, channel=None, webhook_url=None)
