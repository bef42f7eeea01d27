"""inbox retries and update keys

Inbox rows get `next_attempt_at` (a failed or unclaimed update waits for it), `last_error` (an exception type)
and `replies` (the messages sent for the update, so handling it again edits them instead of sending more);
worries get `update_key` (the platform update they came from) with a unique index per user, so handling the same
update again finds its worry instead of adding (and counting, and charging for) another.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("replies", sa.Text(), nullable=True))
        batch_op.create_index("ix_inbox_due", ["state", "next_attempt_at"], unique=False)
    # updates still waiting are due at once
    op.execute("UPDATE inbox SET next_attempt_at = received_at WHERE state = 'pending'")

    with op.batch_alter_table("worries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_key", sa.String(length=160), nullable=True))
        batch_op.create_index("uq_worries_user_update", ["user_id", "update_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("worries", schema=None) as batch_op:
        batch_op.drop_index("uq_worries_user_update")
        batch_op.drop_column("update_key")

    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_due")
        batch_op.drop_column("replies")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
