"""which linked account pushes go to: the one used last, or the one chosen

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: SQLite would rebuild `users` for the NOT NULL default, and dropping the old
    # copy cascades, with foreign keys on, to every row that refers to a user.
    op.add_column("users", sa.Column("push_identity_id", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("push_identity_pinned", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("push_identity_pinned")
        batch_op.drop_column("push_identity_id")
