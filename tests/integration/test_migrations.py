"""Every migration upgrades and downgrades cleanly, and the models match the migrated schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

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


def test_diary_numbers_are_given_per_person_in_the_order_entries_were_written(connection: Connection) -> None:
    """0019 numbers the entries already written: each person's from 1 by id, deleted ones keeping theirs, and the
    comments on them untouched (SQLite adds the column in place rather than rebuilding the table)."""
    upgrade(connection=connection, revision="0018")
    connection.commit()
    now = "2026-11-26 03:00:00+00:00"
    for user in (1, 2):
        connection.execute(
            text("INSERT INTO users (id, locale, timezone, created_at) VALUES (:id, 'ko', 'Asia/Seoul', :now)"),
            {"id": user, "now": now},
        )
    # ids 1..5 interleave the two writers; entry 3 was deleted
    for entry, user, deleted in ((1, 1, None), (2, 2, None), (3, 1, now), (4, 1, None), (5, 2, None)):
        connection.execute(
            text(
                "INSERT INTO diary_entries (id, user_id, text, emotion, intensity, visibility, crisis, local_date,"
                " created_at, deleted_at) VALUES (:id, :user, 'x', 'calm', 1, 'friends', false, '2026-11-26', :now,"
                " :deleted)"
            ),
            {"id": entry, "user": user, "now": now, "deleted": deleted},
        )
    connection.execute(
        text("INSERT INTO diary_comments (entry_id, author_id, text, created_at) VALUES (4, 2, 'hi', :now)"),
        {"now": now},
    )
    connection.commit()

    upgrade(connection=connection)
    connection.commit()

    rows = connection.execute(text("SELECT id, user_id, number FROM diary_entries ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, 1, 1), (2, 2, 1), (3, 1, 2), (4, 1, 3), (5, 2, 2)]
    assert connection.execute(text("SELECT entry_id FROM diary_comments")).scalar_one() == 4
    with pytest.raises(IntegrityError):  # one person's numbers are unique
        connection.execute(text("UPDATE diary_entries SET number = 1 WHERE id = 3"))
    connection.rollback()
