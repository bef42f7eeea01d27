"""pending diary entries (text written before consent, held for the answer) and outbox.blanked_at (retention)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_diary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_diary_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_diary_entries")),
    )
    with op.batch_alter_table("pending_diary_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_diary_entries_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_diary_entries_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blanked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("blanked_at")
    with op.batch_alter_table("pending_diary_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_diary_entries_created_at"))
        batch_op.drop_index(batch_op.f("ix_pending_diary_entries_user_id"))
    op.drop_table("pending_diary_entries")
