"""Every migration upgrades and downgrades cleanly, and the models match the migrated schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from core.adapters.db.engine import create_sync_engine
from core.adapters.db.migrate import alembic_config, downgrade, upgrade
from core.adapters.db.models import Base
from tests.conftest import empty_postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def connection(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Connection]:
    if request.param == "sqlite":
        engine = create_sync_engine(f"sqlite:///{tmp_path / 'm.db'}")
        with engine.connect() as conn:
            yield conn
        engine.dispose()
        return
    with empty_postgres_schema() as url:
        engine = create_sync_engine(url)
        with engine.connect() as conn:
            yield conn
        engine.dispose()


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def user_tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_every_migration_upgrades_and_downgrades_step_by_step(connection: Connection) -> None:
    steps = revisions()
    assert steps, "no migrations found"
    for revision in steps:
        upgrade(connection=connection, revision=revision)
        connection.commit()
    assert user_tables(connection) == set(Base.metadata.tables)
    for previous in [*reversed(steps[:-1]), "base"]:
        downgrade(connection=connection, revision=previous)
        connection.commit()
    assert user_tables(connection) == set()
    upgrade(connection=connection)
    connection.commit()
    assert user_tables(connection) == set(Base.metadata.tables)


def test_models_match_the_migrated_schema(connection: Connection) -> None:
    upgrade(connection=connection)
    connection.commit()
    differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert differences == []
