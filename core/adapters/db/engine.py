"""Engines for the configured DATABASE_URL: async for the app, sync for Alembic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def async_url(url: str) -> str:
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _sqlite_pragmas_and_immediate_transactions(engine: Engine) -> None:
    """SQLite: enforce foreign keys, and take the write lock when a transaction begins.

    Deferred transactions that read and then write fail with SQLITE_BUSY under WAL when another
    writer got in between; BEGIN IMMEDIATE makes them queue (up to the busy timeout) instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # a single read outside any transaction (UnitOfWorkFactory(reading=True))
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_app_engine(url: str, *, connect_args: dict[str, Any] | None = None, null_pool: bool = False) -> AsyncEngine:
    target = async_url(url)
    kwargs: dict[str, Any] = {"connect_args": dict(connect_args or {})}
    if null_pool:
        kwargs["poolclass"] = NullPool
    if target.startswith("sqlite"):
        kwargs["connect_args"].setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
        engine = create_async_engine(target, **kwargs)
        _sqlite_pragmas_and_immediate_transactions(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(target, **kwargs)


def create_sync_engine(url: str, *, connect_args: dict[str, Any] | None = None) -> Engine:
    target = sync_url(url)
    engine = create_engine(target, connect_args=dict(connect_args or {}), poolclass=NullPool)
    if target.startswith("sqlite"):
        _sqlite_pragmas_and_immediate_transactions(engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
