"""The web process: health, readiness (database and Redis) and Prometheus metrics."""

from __future__ import annotations

from starlette.testclient import TestClient

from bots.web import create_web_app
from core.bootstrap import bootstrap
from core.settings import Settings
from tests.conftest import REDIS_URL, dm
from tests.fakes import RecordingResponder


def test_healthz_and_readyz_answer_when_everything_is_up(settings: Settings) -> None:
    web = create_web_app(lambda: bootstrap(settings.model_copy(update={"redis_url": REDIS_URL})))
    with TestClient(web) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text


def test_readyz_fails_when_redis_is_unreachable(settings: Settings) -> None:
    web = create_web_app(lambda: bootstrap(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})))
    with TestClient(web) as client:
        assert client.get("/healthz").status_code == 200  # alive, just not ready
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["problems"] == ["redis: ConnectionError"]


def test_metrics_count_messages_model_calls_and_pushes(settings: Settings) -> None:
    web = create_web_app(lambda: bootstrap(settings))
    with TestClient(web) as client:
        app = web.state.maeum
        client.portal.call(app.dispatcher.handle, dm("요즘 잠이 안 와요"), RecordingResponder())  # type: ignore[union-attr]
        client.portal.call(app.dispatcher.handle, dm("/remind 10m 물"), RecordingResponder())  # type: ignore[union-attr]
        body = client.get("/metrics").text
    assert 'maeum_messages_in_total{platform="terminal"} 2.0' in body
    assert "maeum_llm_calls_total 2.0" in body  # F and T (offline counselor: no tokens, no cost)
    assert 'maeum_outbox_rows{state="pending"} 1.0' in body
    assert "maeum_queue_depth 0.0" in body
    assert "maeum_dead_letters 0.0" in body


def test_metrics_still_answer_when_redis_is_down(settings: Settings) -> None:
    web = create_web_app(lambda: bootstrap(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})))
    with TestClient(web) as client:
        metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "maeum_dead_letters 0.0" in metrics.text
    assert "maeum_messages_in" not in metrics.text
