"""book-club meetings' live log and end-of-meeting summary; a room's language

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("club_rooms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), server_default="ko", nullable=False))
    with op.batch_alter_table("club_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summarized_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "club_meeting_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("said_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["club_meetings.id"],
            name=op.f("fk_club_meeting_notes_meeting_id_club_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_club_meeting_notes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_meeting_notes")),
    )
    with op.batch_alter_table("club_meeting_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_club_meeting_notes_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_club_meeting_notes_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("club_meeting_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_club_meeting_notes_user_id"))
        batch_op.drop_index(batch_op.f("ix_club_meeting_notes_meeting_id"))
    op.drop_table("club_meeting_notes")
    with op.batch_alter_table("club_meetings", schema=None) as batch_op:
        batch_op.drop_column("summarized_at")
    with op.batch_alter_table("club_rooms", schema=None) as batch_op:
        batch_op.drop_column("locale")
