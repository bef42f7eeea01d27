"""`maeum slack-socket`: the same listeners over Socket Mode, with the real aiohttp Socket Mode client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bots.slack.app import run_socket_mode
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.servers.slack_api import FakeSlackServer
from tests.servers.slack_signing import slash_command_payload

TOKEN = "xoxb-socket-test"
APP_TOKEN = "xapp-1-socket-test"


@pytest.fixture
def slack() -> Iterator[FakeSlackServer]:
    with FakeSlackServer(token=TOKEN, app_token=APP_TOKEN) as server:
        yield server


async def test_a_slash_command_over_socket_mode_is_acked_and_answered(
    settings: Settings, engine: AsyncEngine, slack: FakeSlackServer
) -> None:
    app = bootstrap(
        settings.model_copy(
            update={"slack_bot_token": TOKEN, "slack_app_token": APP_TOKEN, "slack_api_url": slack.base_url}
        ),
        engine=engine,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_socket_mode(app, stop=stop))
    try:
        await slack.wait_socket_connected()
        envelope = slack.socket_send("slash_commands", slash_command_payload("help"), accepts_response_payload=True)
        await slack.wait_for_ack(envelope)
        async with asyncio.timeout(10):
            while not any("마음 사용법" in json.dumps(m, ensure_ascii=False) for m in slack.posted):
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
        await slack.wait_socket_closed()
