"""Settings from the environment and `.env`: the only module that reads them."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.domain.values import DEFAULT_TIMEZONE, Locale
from core.errors import SettingsError


class Settings(BaseSettings):
    """Every name is fixed by SPEC §8 (plus the tuning knobs below, all with safe defaults)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    database_url: str = "sqlite:///./maeum.db"
    redis_url: str | None = None

    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_model_f: str | None = None  # per-persona overrides
    llm_model_t: str | None = None
    llm_timeout_seconds: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_backoff_seconds: float = Field(default=0.5, ge=0)
    # An image model on the same endpoint for `/mediate comic` (e.g. gpt-image-1, dall-e-3); unset = a text storyboard.
    llm_image_model: str | None = None
    llm_image_size: str = "1024x1024"
    llm_price_input_per_1k: Decimal = Field(default=Decimal("0.2"), ge=0)  # currency per 1,000 tokens
    llm_price_output_per_1k: Decimal = Field(default=Decimal("0.8"), ge=0)
    monthly_budget: Decimal = Field(default=Decimal("100000"), ge=0)
    budget_currency: str = "KRW"
    daily_free_worries: int = Field(default=5, ge=0)
    # One person's model calls per local day, all features together; past it the offline path answers.
    user_daily_model_calls: int = Field(default=30, ge=0)
    user_monthly_budget_share: Decimal = Field(default=Decimal("0.02"), ge=0, le=1)  # of MONTHLY_BUDGET
    history_worries: int = Field(default=10, ge=0, le=50)
    # With a model configured, also ask it for a crisis verdict beside F and T (one more call per worry).
    safety_second_opinion: bool = False
    # Where the crisis classifier's fitted tables are kept between runs (unset: trained in every process).
    crisis_cache_dir: Path | None = Field(default_factory=lambda: Path.home() / ".cache" / "maeum")
    max_input_chars: int = Field(default=4000, ge=100)
    push_rate_per_second: dict[str, float] = Field(default_factory=dict)  # e.g. {"telegram": 25}
    push_batch_size: int = Field(default=100, ge=1, le=1000)
    retention_days: int = Field(default=30, ge=1)  # sent pushes' texts blanked, handled inbox rows purged after
    push_lease_seconds: float = Field(default=30.0, gt=0, le=600)  # a dead worker's pushes go again after this
    # Sends one delivery batch has in flight at once (inside the platforms' pace). A worker killed mid-batch can
    # double at most this many pushes: those sent whose outcome was not yet recorded.
    push_concurrency: int = Field(default=20, ge=1, le=200)
    # /link CODE and /friend accept CODE: this many wrong codes (one count for both) within the window, then a
    # pause until the oldest leaves it; and how many link codes, and friend codes, a person may make a local day.
    code_wrong_tries: int = Field(default=5, ge=1, le=100)
    code_wrong_tries_minutes: int = Field(default=10, ge=1, le=1440)
    codes_per_day: int = Field(default=10, ge=1, le=1000)
    # The inbox: a process holds an update it handles this long, renewed by a heartbeat every third of it; a dead
    # process's update is taken again after it. A failed update is retried after INBOX_RETRY_SECONDS, doubling
    # (capped at 10 minutes), and is dead (the operator is told) after INBOX_MAX_ATTEMPTS.
    inbox_lease_seconds: float = Field(default=30.0, gt=0, le=600)
    inbox_retry_seconds: float = Field(default=5.0, gt=0, le=600)
    inbox_max_attempts: int = Field(default=6, ge=1, le=50)
    # `maeum serve` starts each platform on its own and retries one that fails (its API unreachable, a refused
    # token) after this many seconds, doubling up to the maximum; each attempt gives up after the timeout.
    platform_start_backoff_seconds: float = Field(default=1.0, gt=0, le=600)
    platform_start_backoff_max_seconds: float = Field(default=60.0, gt=0, le=3600)
    platform_start_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    ops_backlog_threshold: int = Field(default=5000, ge=1)  # queued jobs
    ops_cpu_threshold: float = Field(default=0.9, gt=0)  # 1-minute load per core
    ops_memory_threshold: float = Field(default=0.9, gt=0, le=1)  # share of memory in use

    # A sentence-transformers model (a local path, or a hub name a deployment lets it download) for book-club
    # candidates and broadcast-alert matching; unset = lexical matching only, and nothing is ever downloaded.
    embedding_model: str | None = None

    # Broadcast alerts: schedule files or URLs the clock re-reads every SCHEDULE_FEEDS_MINUTES (a JSON list), and the
    # bundled sample schedule (17 channels, today and tomorrow), loaded on first run unless SCHEDULE_SAMPLE=off.
    schedule_feeds: list[str] = Field(default_factory=list)
    schedule_sample: bool = True
    schedule_feeds_minutes: int = Field(default=5, ge=1, le=1440)

    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # Announcements and broadcast alerts' fan-outs go with Telegram's `allow_paid_broadcast` (charged in Stars), paced
    # up to 1,000 messages a second instead of 30 (PUSH_RATE_PER_SECOND's "telegram:paid" sets another rate).
    telegram_paid_broadcast: bool = False
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    discord_bot_token: str | None = None
    discord_public_key: str | None = None
    discord_application_id: str | None = None
    discord_api_base: str = "https://discord.com/api/v10"
    # The privileged Message Content intent (switched on in the Developer Portal too): server channel talk reaches
    # the bot, for a book club's live meeting. Off, the gateway is refused nothing and reads only mentions and DMs.
    discord_message_content: bool = False
    ops_slack_channel: str | None = None
    ops_slack_webhook_url: str | None = None

    maeum_encryption_key: str | None = None
    port: int = Field(default=8000, ge=1, le=65535)

    default_locale: Locale = Locale.KO
    default_timezone: str = DEFAULT_TIMEZONE

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Seoul") from exc
        return value

    @field_validator("maeum_encryption_key")
    @classmethod
    def _fernet_key(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        try:
            raw = base64.urlsafe_b64decode(value.encode())
        except (binascii.Error, ValueError) as exc:
            raise ValueError("must be a Fernet key: 32 bytes, url-safe base64 (make one with `maeum keygen`)") from exc
        if len(raw) != 32:
            raise ValueError("must be a Fernet key: 32 bytes, url-safe base64 (make one with `maeum keygen`)")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("only sqlite:/// and postgresql:// URLs are supported")
        return value

    @field_validator(
        "llm_base_url",
        "llm_api_key",
        "redis_url",
        "ops_slack_channel",
        "ops_slack_webhook_url",
        "embedding_model",
        "llm_image_model",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _llm_needs_both(self) -> Settings:
        if self.llm_api_key and not self.llm_base_url:
            # The openai client would silently talk to api.openai.com; make the choice explicit.
            object.__setattr__(self, "llm_base_url", "https://api.openai.com/v1")
        return self

    @model_validator(mode="after")
    def _backoff_cap_above_first(self) -> Settings:
        if self.platform_start_backoff_max_seconds < self.platform_start_backoff_seconds:
            raise ValueError("PLATFORM_START_BACKOFF_MAX_SECONDS must be at least PLATFORM_START_BACKOFF_SECONDS")
        return self

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url)


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; on failure raise SettingsError naming each bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
            value = error.get("input")
            shown = "" if isinstance(value, dict) or name.endswith(("KEY", "TOKEN", "SECRET")) else f" (got {value!r})"
            lines.append(f"{name}: {error['msg']}{shown}")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from None
