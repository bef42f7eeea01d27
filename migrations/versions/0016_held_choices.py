"""held choices: texts that buttons stand for (a question back to the person)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("verb", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_held_choices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_choices")),
    )
    with op.batch_alter_table("held_choices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_choices_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_held_choices_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_choices_user_id"))
        batch_op.drop_index(batch_op.f("ix_held_choices_created_at"))
    op.drop_table("held_choices")
