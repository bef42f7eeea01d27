"""wrong code tries; pushes addressed to one linked account

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:00:00

Adds the table `code_tries` (a /link or /friend accept code that was not right, per user, for the pause after
too many) and the nullable column `outbox.identity_id` (a push meant for one of a person's linked accounts,
such as "an account was linked to this one").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_tries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_code_tries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_tries")),
    )
    with op.batch_alter_table("code_tries", schema=None) as batch_op:
        batch_op.create_index("ix_code_tries_user_created", ["user_id", "created_at"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("identity_id")
    with op.batch_alter_table("code_tries", schema=None) as batch_op:
        batch_op.drop_index("ix_code_tries_user_created")
    op.drop_table("code_tries")
