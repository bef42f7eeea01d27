"""Health checks of the infrastructure a process depends on (`maeum doctor`, later `/readyz`).

Each check answers in plain words what is wrong and what to do, never a stack trace.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url

from core.adapters.db.engine import create_app_engine
from core.adapters.db.migrate import read_schema_state
from core.settings import Settings

CHECK_TIMEOUT_SECONDS = 5.0


class Status(StrEnum):
    OK = "ok"
    OFF = "off"  # not configured, and that is a valid choice
    FAIL = "fail"


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    status: Status
    detail: str


def _safe_url(url: str) -> str:
    """A database URL without its password, even when SQLAlchemy cannot parse it."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — an unparseable URL is shown with anything password-like blanked
        return _USERINFO.sub(r"//\1:***@", url)


_USERINFO = re.compile(r"//([^:/@\s]*):([^@/\s]*)@")


def _safe_http_url(url: str | None) -> str:
    """An endpoint as scheme://host:port/path: no user, password or query string (keys travel in both)."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _password(url: str) -> str | None:
    try:
        password = make_url(url).password
        return str(password) if password else None
    except Exception:  # noqa: BLE001 — unparseable: the userinfo pattern blanks it
        return None


def _without_secrets(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _USERINFO.sub(r"//\1:***@", text)


async def check_database(settings: Settings) -> Check:
    url = settings.database_url
    engine = create_app_engine(url, null_pool=True)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), engine.connect() as conn:
            state = await conn.run_sync(read_schema_state)
    except Exception as error:  # noqa: BLE001 — any failure is reported in words
        return Check(
            name="database",
            status=Status.FAIL,
            detail=f"cannot connect to {_safe_url(url)}: {type(error).__name__}: "
            + _without_secrets(str(error), _password(url)),
        )
    finally:
        await engine.dispose()
    latest = ", ".join(state.code)
    if state.unknown:
        return Check(
            name="database",
            status=Status.FAIL,
            detail=f"{_safe_url(url)}: schema {state.describe()}; update this maeum to it",
        )
    if not state.current:
        at = ", ".join(state.database) or "none"
        return Check(
            name="database",
            status=Status.FAIL,
            detail=f"{_safe_url(url)} is at schema {at}, latest is {latest}: run `maeum migrate`",
        )
    return Check(name="database", status=Status.OK, detail=f"{_safe_url(url)}, schema {latest} (latest)")


async def check_redis(settings: Settings) -> Check:
    if not settings.redis_url:
        return Check(name="redis", status=Status.OFF, detail="REDIS_URL not set: locks and jobs stay in this process")
    from redis.asyncio import Redis

    client = Redis.from_url(settings.redis_url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await client.ping()
    except Exception as error:  # noqa: BLE001
        return Check(
            name="redis",
            status=Status.FAIL,
            detail=f"cannot reach {_safe_url(settings.redis_url)}: {type(error).__name__}",
        )
    finally:
        await client.aclose()
    return Check(name="redis", status=Status.OK, detail=f"{_safe_url(settings.redis_url)} answers")


async def check_language_model(settings: Settings) -> Check:
    if not settings.llm_configured:
        return Check(
            name="llm",
            status=Status.OFF,
            detail="LLM_BASE_URL not set: the offline counselor answers (scripted, labelled offline)",
        )
    import openai

    client = openai.AsyncOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "unused",
        timeout=CHECK_TIMEOUT_SECONDS,
        max_retries=0,
    )
    try:
        models = [m.id async for m in client.models.list()]
    except openai.AuthenticationError:
        endpoint = _safe_http_url(settings.llm_base_url)
        return Check(name="llm", status=Status.FAIL, detail=f"{endpoint} refused LLM_API_KEY (401)")
    except openai.NotFoundError:
        # Some compatible servers have no model list; reachability is what matters here.
        return Check(
            name="llm",
            status=Status.OK,
            detail=f"{_safe_http_url(settings.llm_base_url)} answers (no model list); model {settings.llm_model}",
        )
    except openai.OpenAIError as error:
        return Check(
            name="llm",
            status=Status.FAIL,
            detail=f"cannot use {_safe_http_url(settings.llm_base_url)}: {type(error).__name__}",
        )
    finally:
        await client.close()
    wanted = {m for m in (settings.llm_model, settings.llm_model_f, settings.llm_model_t) if m}
    missing = sorted(m for m in wanted if m not in models) if models else []
    if missing:
        return Check(
            name="llm",
            status=Status.FAIL,
            detail=f"{_safe_http_url(settings.llm_base_url)} does not list model(s) {', '.join(missing)}",
        )
    return Check(
        name="llm",
        status=Status.OK,
        detail=f"{_safe_http_url(settings.llm_base_url)} answers; model {settings.llm_model}",
    )


def check_platforms(settings: Settings) -> list[Check]:
    found = []
    for name, token in (
        ("telegram", settings.telegram_bot_token),
        ("slack", settings.slack_bot_token),
        ("discord", settings.discord_bot_token),
    ):
        if token:
            found.append(Check(name=name, status=Status.OK, detail="token set (the platform checks it at start)"))
        else:
            found.append(Check(name=name, status=Status.OFF, detail="not configured"))
    return found


async def run_all(settings: Settings) -> list[Check]:
    database, redis, llm = await asyncio.gather(
        check_database(settings), check_redis(settings), check_language_model(settings)
    )
    encryption = Check(
        name="encryption",
        status=Status.OK if settings.maeum_encryption_key else Status.OFF,
        detail="worry text encrypted at rest"
        if settings.maeum_encryption_key
        else "MAEUM_ENCRYPTION_KEY not set: worry text stored as plain text",
    )
    return [database, redis, llm, encryption, *check_platforms(settings)]
