"""book picks: what was recommended to a person or a room

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "book_picks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_picks_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["club_rooms.id"], name=op.f("fk_book_picks_room_id_club_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_book_picks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_picks")),
        sa.UniqueConstraint("room_id", "book_id", name=op.f("uq_book_picks_room_id_book_id")),
    )
    with op.batch_alter_table("book_picks", schema=None) as batch_op:
        batch_op.create_index("ix_book_picks_user", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("book_picks", schema=None) as batch_op:
        batch_op.drop_index("ix_book_picks_user")
    op.drop_table("book_picks")
