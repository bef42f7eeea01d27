"""Run Alembic migrations programmatically (maeum migrate, maeum chat, tests), and tell how far a database's schema
is from the code's (every process at start, `/readyz`, `maeum doctor`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from core.adapters.db.engine import create_sync_engine

REPO_ROOT = Path(__file__).resolve().parents[3]


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(*, url: str | None = None, connection: Connection | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url=url, connection=connection), revision)


def downgrade(*, url: str | None = None, connection: Connection | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url=url, connection=connection), revision)


@dataclass(frozen=True, kw_only=True)
class SchemaState:
    """The revisions a database is at (its alembic_version table; none when it was never migrated) against the heads
    of this code's migrations."""

    database: tuple[str, ...]
    code: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # revisions of the database this code has no migration for

    @property
    def current(self) -> bool:
        return set(self.database) == set(self.code)

    @property
    def behind(self) -> bool:
        """`maeum migrate` would bring it to the code's heads."""
        return not self.current and not self.unknown

    def describe(self) -> str:
        at, expects = ", ".join(self.database) or "none", ", ".join(self.code)
        if self.current:
            return f"current (revision {at})"
        if self.unknown:
            return (
                f"unknown revision {', '.join(self.unknown)} (newer than this code, which expects {expects}): "
                "a newer maeum migrated this database"
            )
        return f"behind (revision {at}, code expects {expects})"


@cache
def _code_revisions() -> tuple[tuple[str, ...], frozenset[str]]:
    """The heads of migrations/ and every revision it knows (read once per process)."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return tuple(scripts.get_heads()), frozenset(script.revision for script in scripts.walk_revisions())


@contextlib.contextmanager
def _quiet_alembic_context() -> Iterator[None]:
    """Alembic logs its plugins and "Context impl …" at INFO; a status read should say nothing."""
    alembic_logger = logging.getLogger("alembic")
    level = alembic_logger.level
    alembic_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_logger.setLevel(level)


def read_schema_state(connection: Connection) -> SchemaState:
    """Where the database on `connection` stands, by Alembic's own reading of its version table and of migrations/.
    (Async callers: `await conn.run_sync(read_schema_state)`.)"""
    with _quiet_alembic_context():
        database = MigrationContext.configure(connection).get_current_heads()
        heads, known = _code_revisions()
    return SchemaState(
        database=tuple(sorted(database)),
        code=tuple(sorted(heads)),
        unknown=tuple(sorted(rev for rev in database if rev not in known)),
    )


def schema_state(url: str) -> SchemaState:
    engine = create_sync_engine(url)
    try:
        with engine.connect() as conn:
            return read_schema_state(conn)
    finally:
        engine.dispose()


def migrates_on_start(url: str) -> bool:
    """SQLite is a one-machine database with no release step to run `maeum migrate`: processes on it bring it to
    the code's schema themselves (as `maeum chat` always has). Elsewhere migrating is the release's job, never a
    side effect of starting a worker."""
    return make_url(url.replace("postgres://", "postgresql://", 1)).get_backend_name() == "sqlite"
