"""Settings validate at start and name every bad variable."""

from __future__ import annotations

import pytest

from core.adapters.crypto import FernetCipher, PlainCipher, new_key
from core.errors import SettingsError
from core.settings import load_settings


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///./maeum.db"
    assert not settings.llm_configured
    assert settings.daily_free_worries == 5
    assert settings.port == 8000


def test_environment_names_follow_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORT", "9000")
    settings = load_settings(_env_file=None)
    assert settings.llm_configured
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.port == 9000


def test_bad_values_are_all_named_in_one_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Base")
    monkeypatch.setenv("MAEUM_ENCRYPTION_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    message = str(error.value)
    for name in ("PORT", "DEFAULT_TIMEZONE", "MAEUM_ENCRYPTION_KEY", "DATABASE_URL"):
        assert name in message
    assert "short" not in message  # secrets are never echoed


def test_fernet_cipher_round_trips_and_reads_older_plain_rows() -> None:
    cipher = FernetCipher(new_key())
    stored = cipher.encrypt("요즘 잠이 안 와요")
    assert "잠" not in stored and stored.startswith("enc1:")
    assert cipher.decrypt(stored) == "요즘 잠이 안 와요"
    assert cipher.decrypt("평문") == "평문"


def test_encrypted_rows_are_not_silently_shown_without_the_key() -> None:
    stored = FernetCipher(new_key()).encrypt("비밀")
    with pytest.raises(ValueError, match="MAEUM_ENCRYPTION_KEY"):
        PlainCipher().decrypt(stored)


def test_embedding_model_is_unset_by_default_so_nothing_is_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMBEDDING_MODEL", raising=False)
    assert load_settings(_env_file=None).embedding_model is None
    monkeypatch.setenv("EMBEDDING_MODEL", "  ")
    assert load_settings(_env_file=None).embedding_model is None  # blank is unset
    monkeypatch.setenv("EMBEDDING_MODEL", "/models/ko-sbert")
    assert load_settings(_env_file=None).embedding_model == "/models/ko-sbert"


def test_a_set_embedding_model_gives_an_embedder_that_loads_nothing_yet() -> None:
    from core.adapters.embeddings import SentenceTransformerEmbedder
    from core.bootstrap import build_embedder

    assert build_embedder(load_settings(_env_file=None, embedding_model=None)) is None
    embedder = build_embedder(load_settings(_env_file=None, embedding_model="/models/ko-sbert"))
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.name == "/models/ko-sbert"
