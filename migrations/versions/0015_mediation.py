"""couple mediation: couples, sessions and the partners' sides

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-10 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mediation_couples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("child_name", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_id"], ["users.id"], name=op.f("fk_mediation_couples_first_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["second_id"], ["users.id"], name=op.f("fk_mediation_couples_second_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_couples")),
        sa.UniqueConstraint("platform", "chat_id", name=op.f("uq_mediation_couples_platform_chat_id")),
    )
    with op.batch_alter_table("mediation_couples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_couples_first_id"), ["first_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_couples_second_id"), ["second_id"], unique=False)
    op.create_table(
        "mediation_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("chat_title", sa.String(length=200), nullable=True),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("open_chat", sa.String(length=160), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("post", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('open', 'posted', 'cancelled', 'expired')", name=op.f("ck_mediation_sessions_state")
        ),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["mediation_couples.id"],
            name=op.f("fk_mediation_sessions_couple_id_mediation_couples"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["users.id"], name=op.f("fk_mediation_sessions_opened_by_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_sessions")),
        sa.UniqueConstraint("open_chat", name=op.f("uq_mediation_sessions_open_chat")),
    )
    with op.batch_alter_table("mediation_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_mediation_sessions_chat", ["platform", "chat_id", "opened_at"], unique=False)
        batch_op.create_index("ix_mediation_sessions_state_expires", ["state", "expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_sessions_couple_id"), ["couple_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_sessions_opened_by"), ["opened_by"], unique=False)
    op.create_table(
        "mediation_sides",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quote_ok", sa.Boolean(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["mediation_sessions.id"],
            name=op.f("fk_mediation_sides_session_id_mediation_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mediation_sides_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_mediation_sides")),
    )
    with op.batch_alter_table("mediation_sides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_sides_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mediation_sides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_sides_user_id"))
    op.drop_table("mediation_sides")
    with op.batch_alter_table("mediation_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_sessions_opened_by"))
        batch_op.drop_index(batch_op.f("ix_mediation_sessions_couple_id"))
        batch_op.drop_index("ix_mediation_sessions_state_expires")
        batch_op.drop_index("ix_mediation_sessions_chat")
    op.drop_table("mediation_sessions")
    with op.batch_alter_table("mediation_couples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_couples_second_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_couples_first_id"))
    op.drop_table("mediation_couples")
