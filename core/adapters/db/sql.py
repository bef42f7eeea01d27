"""What every repository here may need: the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def on_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def dialect_insert(session: AsyncSession, model: type[Any]) -> Any:
    """INSERT with the dialect's ON CONFLICT support (both SQLite and PostgreSQL have it)."""
    return pg_insert(model) if on_postgres(session) else sqlite_insert(model)
