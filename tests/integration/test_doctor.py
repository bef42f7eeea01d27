"""`maeum doctor` says in plain words what works and what is wrong."""

from __future__ import annotations

from pathlib import Path

from core.adapters.health import Status, check_database, check_language_model, check_redis, run_all
from core.settings import Settings
from tests.conftest import REDIS_URL, make_settings
from tests.servers.openai_compatible import FakeOpenAIServer


async def test_a_migrated_database_is_ok_and_an_empty_one_asks_for_migrate(tmp_path: Path, settings: Settings) -> None:
    assert (await check_database(settings)).status is Status.OK  # the `database` fixture migrated it
    empty = await check_database(make_settings(f"sqlite:///{tmp_path / 'empty.db'}"))
    assert empty.status is Status.FAIL
    assert "maeum migrate" in empty.detail


async def test_unreachable_database_is_named_without_its_password() -> None:
    check = await check_database(make_settings("postgresql://maeum:s3cret@127.0.0.1:1/none"))
    assert check.status is Status.FAIL
    assert "s3cret" not in check.detail and "127.0.0.1:1" in check.detail


async def test_redis_is_off_when_unset_ok_when_reachable_and_failed_when_not() -> None:
    assert (await check_redis(make_settings())).status is Status.OFF
    assert (await check_redis(make_settings(redis_url=REDIS_URL))).status is Status.OK
    assert (await check_redis(make_settings(redis_url="redis://127.0.0.1:1/0"))).status is Status.FAIL


async def test_llm_endpoint_checks_reachability_key_and_model() -> None:
    with FakeOpenAIServer(api_key="sk-right") as server:
        base = {"llm_base_url": server.base_url, "llm_model": "gpt-4o-mini"}
        assert (await check_language_model(make_settings(**base, llm_api_key="sk-right"))).status is Status.OK
        wrong = await check_language_model(make_settings(**base, llm_api_key="sk-wrong"))
        assert wrong.status is Status.FAIL and "LLM_API_KEY" in wrong.detail
        missing = await check_language_model(make_settings(**base, llm_api_key="sk-right", llm_model_t="nope-1"))
        assert missing.status is Status.FAIL and "nope-1" in missing.detail
    gone = await check_language_model(make_settings(llm_base_url="http://127.0.0.1:9/v1"))
    assert gone.status is Status.FAIL


async def test_the_default_configuration_has_no_failures(tmp_path: Path) -> None:
    from core.adapters.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'maeum.db'}"
    upgrade(url=url)
    checks = await run_all(make_settings(url))
    assert [c.status for c in checks if c.status is Status.FAIL] == []
