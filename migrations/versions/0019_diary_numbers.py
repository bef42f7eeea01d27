"""diary numbers: each person's entries numbered from 1 (existing ones in the order they were written)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added NOT NULL with a placeholder default, filled, then (PostgreSQL) the default dropped. SQLite keeps the
    # default: removing it means rebuilding the table, and dropping the old copy with foreign keys on would cascade
    # to every comment. No insert relies on it (the number is always given), and a 0 would break the unique index.
    op.add_column("diary_entries", sa.Column("number", sa.Integer(), server_default="0", nullable=False))
    # Every row, deleted ones too (they keep their numbers): its place among its writer's entries by id. A
    # correlated count reads the (user_id, id) index and runs alike on SQLite and PostgreSQL.
    op.execute(
        "UPDATE diary_entries SET number = ("
        " SELECT COUNT(*) FROM diary_entries AS earlier"
        " WHERE earlier.user_id = diary_entries.user_id AND earlier.id <= diary_entries.id)"
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("diary_entries", "number", server_default=None)
    op.create_index("ix_diary_entries_user_number", "diary_entries", ["user_id", "number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_diary_entries_user_number", table_name="diary_entries")
    # not in batch: SQLite (3.35+) drops a column in place, where a batch rebuild would cascade to the comments
    op.drop_column("diary_entries", "number")
