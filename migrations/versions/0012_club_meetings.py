"""book-club meetings and their RSVPs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "club_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reading", sa.Text(), nullable=False),
        sa.Column("remind_minutes", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_club_meetings_created_by_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["club_rooms.id"], name=op.f("fk_club_meetings_room_id_club_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_meetings")),
        sa.UniqueConstraint("room_id", "number", name=op.f("uq_club_meetings_room_id_number")),
    )
    with op.batch_alter_table("club_meetings", schema=None) as batch_op:
        batch_op.create_index("ix_club_meetings_room_starts", ["room_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_club_meetings_created_by"), ["created_by"], unique=False)
    op.create_table(
        "club_rsvps",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("answer IN ('yes', 'maybe', 'no')", name=op.f("ck_club_rsvps_answer")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["club_meetings.id"],
            name=op.f("fk_club_rsvps_meeting_id_club_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_club_rsvps_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_club_rsvps")),
    )
    with op.batch_alter_table("club_rsvps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_club_rsvps_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("club_rsvps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_club_rsvps_user_id"))
    op.drop_table("club_rsvps")
    with op.batch_alter_table("club_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_club_meetings_created_by"))
        batch_op.drop_index("ix_club_meetings_room_starts")
    op.drop_table("club_meetings")
