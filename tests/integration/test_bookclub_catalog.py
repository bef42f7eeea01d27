"""The catalog in the database (SQLite and PostgreSQL): the sample on first run, imports by ISBN, the queries
ranking needs, and `maeum catalog import`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.adapters.crypto import PlainCipher
from core.adapters.db.engine import session_factory
from core.adapters.db.models import BookRow
from core.adapters.db.uow import SqlAlchemyUnitOfWorkFactory
from core.products.bookclub.catalog import (
    BookId,
    ImportReport,
    NewBook,
    ensure_sample_catalog,
    import_books,
    read_aladin,
    sample_books,
)
from tests.fakes import FixedClock

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "aladin_bestsellers.json"
SAMPLE = len(sample_books())


@pytest.fixture
def uow(engine: AsyncEngine) -> SqlAlchemyUnitOfWorkFactory:
    return SqlAlchemyUnitOfWorkFactory(session_factory(engine), PlainCipher())


async def _row(engine: AsyncEngine, **where: object) -> BookRow:
    async with engine.connect() as conn:
        query = select(BookRow.__table__).filter_by(**where)
        return (await conn.execute(query)).one()  # type: ignore[return-value]


async def test_the_sample_loads_once_into_an_empty_catalog(uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock) -> None:
    assert await ensure_sample_catalog(uow, clock) == SAMPLE >= 200
    assert await ensure_sample_catalog(uow, clock) == 0
    async with uow() as work:
        assert await work.books.count() == SAMPLE


async def test_two_processes_loading_the_sample_at_once_add_it_once(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock
) -> None:
    added = await asyncio.gather(ensure_sample_catalog(uow, clock), ensure_sample_catalog(uow, clock))
    assert sum(added) == SAMPLE
    async with uow() as work:
        assert await work.books.count() == SAMPLE


async def test_the_sample_stays_out_of_a_catalog_that_has_books(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock
) -> None:
    async with uow() as work:
        await work.books.upsert([NewBook(key="mine", title="내 책", category="에세이")], now=clock.now())
        await work.commit()
    assert await ensure_sample_catalog(uow, clock) == 0


async def test_an_import_adds_then_updates_by_isbn_and_sample_books_gain_their_isbn(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock, engine: AsyncEngine
) -> None:
    parsed = read_aladin(FIXTURE.read_text(encoding="utf-8"))
    progressed: list[int] = []
    first = await import_books(uow, clock, parsed, progress=progressed.append, chunk=10)
    # 23 books: 16 are sample books (same title and author) that gain an ISBN; the repeated ISBN is an update
    assert first == ImportReport(added=7, updated=17, excluded=9, bad=6)
    assert progressed == [10, 10, 3]
    clock.advance(hours=1)
    again = await import_books(uow, clock, parsed)
    assert again == ImportReport(added=0, updated=24, excluded=9, bad=6)
    async with uow() as work:
        assert await work.books.count() == SAMPLE + 7

    almond = await _row(engine, isbn13="9791190565226")
    assert (almond.key, almond.title, almond.source, almond.popularity) == ("kor-almond", "아몬드", "import", 154230)
    assert list(almond.mood) == ["따뜻한", "잔잔한"] and almond.pace == "빠른"  # the sample's words stay
    assert almond.updated_at == clock.now() and almond.created_at < almond.updated_at

    human_acts = await _row(engine, isbn13="9788936434120")  # listed twice: one book, both lists' genres
    assert list(human_acts.genres) == ["한국소설", "역사소설"] and human_acts.popularity == 512340

    new = await _row(engine, isbn13="9791171251094")
    assert (new.key, new.title, list(new.authors), new.category) == (
        "isbn:9791171251094",
        "가공범",
        ["히가시노 게이고"],
        "소설/시/희곡",
    )
    assert list(new.genres) == ["외국소설", "추리/미스터리"] and new.translated and new.fiction


async def test_candidates_come_by_category_or_whole_genre_most_popular_first(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock
) -> None:
    await ensure_sample_catalog(uow, clock)
    async with uow() as work:
        sf = await work.books.candidates(genres=["SF"], limit=500)
        essays = await work.books.candidates(categories=["에세이"], limit=5)
        either = await work.books.candidates(categories=["에세이"], genres=["SF"], limit=500)
        part_of_a_genre = await work.books.candidates(genres=["소설"], limit=500)
        poems = await work.books.candidates(genres=["시"], fiction=False, limit=500)
        first_page = await work.books.candidates(limit=3)
        next_page = await work.books.candidates(exclude=[book.id for book in first_page], limit=3)
        everything = await work.books.candidates(limit=1000)
    assert sf and all("SF" in book.genres for book in sf)
    assert [book.popularity for book in sf] == sorted((book.popularity for book in sf), reverse=True)
    assert len(essays) == 5 and all(book.category == "에세이" for book in essays)
    assert {book.id for book in either} >= {book.id for book in sf}
    assert part_of_a_genre == []  # "소설" is no book's genre; "한국소설" is not matched by a part of it
    assert poems and all("시" in book.genres and not book.fiction for book in poems)
    assert not {book.id for book in first_page} & {book.id for book in next_page}
    assert len(everything) == SAMPLE


async def test_books_are_read_by_id_in_the_order_asked_and_every_books_words_for_ranking(
    uow: SqlAlchemyUnitOfWorkFactory, clock: FixedClock
) -> None:
    await ensure_sample_catalog(uow, clock)
    async with uow() as work:
        texts = await work.books.texts()
        some = [texts[5].id, texts[0].id, BookId(999_999), texts[2].id]
        books = await work.books.get(some)
    assert len(texts) == SAMPLE
    assert [book.id for book in books] == [texts[5].id, texts[0].id, texts[2].id]
    assert books[1].title == texts[0].title and texts[0].title in texts[0].document
    assert all(text.description in text.document for text in texts)


# --- maeum catalog import -----------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_import_command_prints_its_counts_and_a_second_run_updates(cli: Path) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    runner = CliRunner()
    first = runner.invoke(main, ["catalog", "import", str(FIXTURE)])
    assert first.exit_code == 0, first.output
    assert first.stdout == "added 7, updated 17, excluded 9, bad 6\n"
    again = runner.invoke(main, ["catalog", "import", str(FIXTURE)])
    assert again.exit_code == 0 and again.stdout == "added 0, updated 24, excluded 9, bad 6\n"

    items = cli / "items.json"  # a plain list of items is read too
    items.write_text(json.dumps(json.loads(FIXTURE.read_text(encoding="utf-8"))["item"][:3]), encoding="utf-8")
    listed = runner.invoke(main, ["catalog", "import", str(items)])
    assert listed.exit_code == 0 and listed.stdout == "added 0, updated 3, excluded 0, bad 0\n"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "No such file"),
        ("<html>not json</html>", "not JSON"),
        ('{"errorCode": 10, "errorMessage": "잘못된 TTBKey"}', 'no "item" list'),
        ('"just a string"', "neither"),
    ],
)
def test_the_import_command_exits_1_with_one_line_when_the_file_cannot_be_read(
    cli: Path, content: str | None, says: str
) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    path = cli / "bestsellers.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["catalog", "import", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"maeum: cannot read {path}:") and says in line
