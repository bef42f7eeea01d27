"""The book clubs' catalog of books."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.products.bookclub.catalog import Book, BookId, BookText, NewBook, Upserted


class Books(Protocol):
    """Every book recommendations may pick from: the bundled sample and what `maeum catalog import` brought."""

    async def upsert(self, books: Sequence[NewBook], *, now: datetime) -> Upserted:
        """Add each book, or update the one already stored under its ISBN (or key); a book with an ISBN the catalog
        lacks updates the sample book (no ISBN) of the same title and a common author, which gains the ISBN. An
        update stores `catalog.merge(old, new)`. How many were added and how many updated."""
        ...

    async def count(self) -> int: ...

    async def get(self, ids: Sequence[BookId]) -> list[Book]:
        """The books with these ids, in the order asked (unknown ids left out)."""
        ...

    async def candidates(
        self,
        *,
        categories: Collection[str] = (),
        genres: Collection[str] = (),
        fiction: bool | None = None,
        exclude: Collection[BookId] = (),
        limit: int = 200,
    ) -> list[Book]:
        """The most popular books (then by id) in one of `categories` or having one of `genres` (neither given:
        any), fiction or not as asked, leaving out `exclude` (a room's earlier picks)."""
        ...

    async def texts(self) -> list[BookText]:
        """Every book's id, words and popularity, for ranking them against a persona."""
        ...
