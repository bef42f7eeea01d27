"""The book clubs' catalog (SQLAlchemy): see core.ports.Books for the contract.

Lists of strings are JSON text (`JsonStrings`), so "has this genre" is `LIKE '%"장르"%'` on both databases: a JSON
string is quoted, so the pattern matches a whole element and never part of one. With the catalog in the
thousands, a genre filter reads the category/popularity index or the table (milliseconds); a large catalog would
want a genres table, which the port leaves room for.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, func, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.adapters.db.models import BookRow
from core.adapters.db.sql import dialect_insert
from core.products.bookclub.catalog import Book, BookId, BookText, NewBook, Upserted, merge, same_work, work_key

_FIELDS = (
    "key",
    "isbn13",
    "title",
    "authors",
    "category",
    "genres",
    "fiction",
    "translated",
    "mood",
    "pace",
    "length",
    "description",
    "popularity",
    "source",
)


def book(row: Any) -> Book:
    """A row as the record the port returns."""
    return Book(
        id=BookId(row.id),
        key=row.key,
        isbn13=row.isbn13,
        title=row.title,
        authors=tuple(row.authors),
        category=row.category,
        genres=tuple(row.genres),
        fiction=row.fiction,
        translated=row.translated,
        mood=tuple(row.mood),
        pace=row.pace,
        length=row.length,
        description=row.description,
        popularity=row.popularity,
        source=row.source,
    )


def _values(new: NewBook) -> dict[str, Any]:
    return {name: getattr(new, name) for name in _FIELDS}


def _has(genre: str) -> Any:
    """`genres` holds `genre` as one whole element."""
    pattern = json.dumps(genre, ensure_ascii=False).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return type_coerce(BookRow.genres, Text).like(f"%{pattern}%", escape="\\")


class SqlAlchemyBooks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(self, books: Sequence[NewBook], *, now: datetime) -> Upserted:
        """One pass: the books already stored under these ISBNs or keys are read at once; a book with an ISBN the
        catalog lacks may update a sample book of the same work (read once, when first needed). A book another
        process inserted meanwhile (ON CONFLICT DO NOTHING returned nothing) is read back and updated."""
        if not books:
            return Upserted()
        isbns = [new.isbn13 for new in books if new.isbn13]
        keys = [new.key for new in books]
        rows = await self._session.execute(select(BookRow).where(or_(BookRow.key.in_(keys), BookRow.isbn13.in_(isbns))))
        stored = [book(row) for row in rows.scalars()]
        by_key = {old.key: old for old in stored}
        by_isbn = {old.isbn13: old for old in stored if old.isbn13}
        without_isbn: dict[str, list[Book]] | None = None
        added = updated = 0
        for new in books:
            old = (by_isbn.get(new.isbn13) if new.isbn13 else None) or by_key.get(new.key)
            if old is None and new.isbn13:
                if without_isbn is None:
                    without_isbn = await self._without_isbn()
                old = next(
                    (
                        twin
                        for twin in without_isbn.get(work_key(new.title), [])
                        if same_work(twin.title, twin.authors, new.title, new.authors)
                    ),
                    None,
                )
                if old is not None:
                    without_isbn[work_key(old.title)].remove(old)
            if old is None:
                inserted = await self._insert(new, now)
                if inserted is not None:
                    added += 1
                    by_key[new.key] = inserted
                    if new.isbn13:
                        by_isbn[new.isbn13] = inserted
                    continue
                old = await self._stored(new)  # inserted by another process since we looked
                if old is None:
                    raise RuntimeError(f"book {new.key} neither inserted nor found")
            written = await self._update(old, merge(old, new), now)
            updated += 1
            by_key[written.key] = written
            if written.isbn13:
                by_isbn[written.isbn13] = written
        return Upserted(added=added, updated=updated)

    async def _insert(self, new: NewBook, now: datetime) -> Book | None:
        row = (
            await self._session.execute(
                dialect_insert(self._session, BookRow)
                .values(**_values(new), created_at=now, updated_at=now)
                .on_conflict_do_nothing()  # key or ISBN: whichever a concurrent import took first
                .returning(*BookRow.__table__.c)
            )
        ).one_or_none()
        return book(row) if row is not None else None

    async def _update(self, old: Book, new: NewBook, now: datetime) -> Book:
        row = (
            await self._session.execute(
                update(BookRow)
                .where(BookRow.id == old.id)
                .values(**_values(new), updated_at=now)
                .returning(*BookRow.__table__.c)
                .execution_options(synchronize_session=False)
            )
        ).one()
        return book(row)

    async def _stored(self, new: NewBook) -> Book | None:
        match = BookRow.key == new.key if not new.isbn13 else or_(BookRow.key == new.key, BookRow.isbn13 == new.isbn13)
        found = (await self._session.execute(select(BookRow).where(match).limit(1))).scalar_one_or_none()
        return book(found) if found is not None else None

    async def _without_isbn(self) -> dict[str, list[Book]]:
        """Books without an ISBN (the sample's), by their work key."""
        rows = await self._session.execute(select(BookRow).where(BookRow.isbn13.is_(None)))
        found: dict[str, list[Book]] = {}
        for row in rows.scalars():
            old = book(row)
            found.setdefault(work_key(old.title), []).append(old)
        return found

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(BookRow)) or 0)

    async def get(self, ids: Sequence[BookId]) -> list[Book]:
        if not ids:
            return []
        rows = await self._session.execute(select(BookRow).where(BookRow.id.in_(set(ids))))
        found = {row.id: book(row) for row in rows.scalars()}
        return [found[book_id] for book_id in ids if book_id in found]

    async def candidates(
        self,
        *,
        categories: Collection[str] = (),
        genres: Collection[str] = (),
        fiction: bool | None = None,
        exclude: Collection[BookId] = (),
        limit: int = 200,
    ) -> list[Book]:
        query = select(BookRow)
        wanted = [*([BookRow.category.in_(list(categories))] if categories else []), *(_has(g) for g in genres)]
        if wanted:
            query = query.where(or_(*wanted))
        if fiction is not None:
            query = query.where(BookRow.fiction.is_(fiction))
        if exclude:
            query = query.where(BookRow.id.not_in(list(exclude)))
        rows = await self._session.execute(query.order_by(BookRow.popularity.desc(), BookRow.id).limit(limit))
        return [book(row) for row in rows.scalars()]

    async def texts(self) -> list[BookText]:
        columns = (
            BookRow.id,
            BookRow.title,
            BookRow.authors,
            BookRow.category,
            BookRow.genres,
            BookRow.fiction,
            BookRow.translated,
            BookRow.mood,
            BookRow.pace,
            BookRow.length,
            BookRow.description,
            BookRow.popularity,
        )
        rows = await self._session.execute(select(*columns).order_by(BookRow.id))
        return [
            BookText(
                id=BookId(row.id),
                title=row.title,
                authors=tuple(row.authors),
                category=row.category,
                genres=tuple(row.genres),
                fiction=row.fiction,
                translated=row.translated,
                mood=tuple(row.mood),
                pace=row.pace,
                length=row.length,
                description=row.description,
                popularity=row.popularity,
            )
            for row in rows
        ]
