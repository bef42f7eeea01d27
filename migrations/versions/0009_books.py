"""books: the book clubs' catalog

One table: the bundled sample and imported bestseller lists (core/products/bookclub/catalog.py). Lists of strings
(authors, genres, mood) are JSON text; `key` is `isbn:<13 digits>` or the sample's slug; candidates are read by
category, most popular first.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "books",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("isbn13", sa.String(length=13), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("genres", sa.Text(), nullable=False),
        sa.Column("fiction", sa.Boolean(), nullable=False),
        sa.Column("translated", sa.Boolean(), nullable=False),
        sa.Column("mood", sa.Text(), nullable=False),
        sa.Column("pace", sa.String(length=16), nullable=True),
        sa.Column("length", sa.String(length=16), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("popularity", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('sample', 'import')", name=op.f("ck_books_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
        sa.UniqueConstraint("isbn13", name=op.f("uq_books_isbn13")),
        sa.UniqueConstraint("key", name=op.f("uq_books_key")),
    )
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.create_index("ix_books_category_popularity", ["category", "popularity"], unique=False)
        batch_op.create_index("ix_books_popularity", ["popularity"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_index("ix_books_popularity")
        batch_op.drop_index("ix_books_category_popularity")

    op.drop_table("books")
