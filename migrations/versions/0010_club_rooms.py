"""book-club rooms, their members and the taste quiz

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "club_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("remind_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["users.id"], name=op.f("fk_club_rooms_leader_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_rooms")),
        sa.UniqueConstraint("platform", "chat_id", name=op.f("uq_club_rooms_platform_chat_id")),
    )
    with op.batch_alter_table("club_rooms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_club_rooms_leader_id"), ["leader_id"], unique=False)
    op.create_table(
        "club_members",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["club_rooms.id"], name=op.f("fk_club_members_room_id_club_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_club_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_club_members")),
    )
    with op.batch_alter_table("club_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_club_members_user_id"), ["user_id"], unique=False)
    op.create_table(
        "reading_quizzes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("picked", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reading_quizzes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reading_quizzes")),
    )


def downgrade() -> None:
    op.drop_table("reading_quizzes")
    with op.batch_alter_table("club_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_club_members_user_id"))
    op.drop_table("club_members")
    with op.batch_alter_table("club_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_club_rooms_leader_id"))
    op.drop_table("club_rooms")
