"""The book clubs' catalog: the books recommendations are drawn from (never the model's memory).

Two ways in. The bundled sample (`core/data/bookclub/sample_catalog.jsonl`, 342 Korean and translated books) goes
into an empty catalog on first run (`ensure_sample_catalog`). `maeum catalog import FILE` reads an Aladin-style
bestseller list (`parse_aladin`, pure) and upserts it (`import_books`). The rules of an import:

- **Category**: `categoryName` "국내도서>소설/시/희곡>한국소설" is kept at its middle level ("소설/시/희곡"); repeated
  levels and stray spaces are folded, so one category is always spelled one way. The levels below it become
  genres in the sample's vocabulary (한국소설, 외국소설, SF, 추리/미스터리, 철학, 심리…), else the deepest level.
- **Excluded** (counted, not stored): foreign-language books (top level 외국도서) and anything that is not a Korean
  print book (eBook, 음반, DVD… — an e-book would double its print edition); children's and school books (middle
  level 어린이, 유아, 청소년, 초등/중학교/고등학교참고서, or any lower level starting with 어린이, such as
  "외국어>어린이영어"): a book club is for adult readers; comics (middle level 만화, or a lower level ending in 만화
  or 웹툰). 청소년 counts as children's because its lists are mostly YA titles and teen study guides.
- **Bad** (counted, not stored): not an object, no readable category, no title, an ISBN-13 missing or failing
  its checksum (the ISBN is the book's identity), a sales point that is not a number.
- **Authors**: "유발 하라리 (지은이), 조현욱 (옮긴이)" keeps the writers (지은이, 글, 원작, 엮은이, 편저… — a role
  written after several names applies to all of them) and drops translators, illustrators, supervisors and
  the like; a translator marks the book as translated. Names are de-duplicated ("외" dropped).
- **Title**: Aladin's " - subtitle" and trailing edition notes ("(양장)", "(리커버 특별판)") are dropped, so the
  title is the one readers know and the one the answer quotes.
- **Upsert by ISBN**: an ISBN already in the catalog is updated; a sample book (no ISBN) with the same title and
  a common author gains the ISBN instead of getting a twin. An update never blanks what the import does not know
  (the sample's mood, pace and length stay) and genres accumulate. The same ISBN twice in one file is one
  book: genres merged, the higher sales point kept, counted as updated — so every item of the file is counted
  once: added + updated + excluded + bad = items.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, NewType

if TYPE_CHECKING:
    from core.ports import Clock, UnitOfWorkFactory

BookId = NewType("BookId", int)

SOURCE_SAMPLE: Final = "sample"
SOURCE_IMPORT: Final = "import"

KOREAN_BOOKS: Final = "국내도서"
FOREIGN_BOOKS: Final = "외국도서"
CHILDREN_LEVELS: Final = frozenset({"어린이", "유아", "청소년", "초등학교참고서", "중학교참고서", "고등학교참고서"})
COMICS_LEVEL: Final = "만화"

# Pages → the quiz's length words (the sample uses the same three).
SHORT_PAGES: Final = 200
LONG_PAGES: Final = 400


@dataclass(frozen=True, kw_only=True)
class NewBook:
    """A book as the sample or an import describes it, before it is stored. `key` is its stable identity:
    `isbn:<13 digits>` when the ISBN is known, else the sample's slug id."""

    key: str
    isbn13: str | None = None
    title: str
    authors: tuple[str, ...] = ()
    category: str  # the middle level: "소설/시/희곡", "에세이", "인문학"…
    genres: tuple[str, ...] = ()
    fiction: bool = False
    translated: bool = False
    mood: tuple[str, ...] = ()  # 따뜻한, 잔잔한, 긴장감… (the sample's words; an import knows none)
    pace: str | None = None  # 느린 | 빠른
    length: str | None = None  # 짧은 | 보통 | 긴
    description: str = ""
    popularity: int = 0  # the sample's estimate, or Aladin's salesPoint
    source: str = SOURCE_IMPORT

    @property
    def document(self) -> str:
        """The words a reader's taste is matched against (embeddings or lexical overlap)."""
        return book_document(self)


@dataclass(frozen=True, kw_only=True)
class Book(NewBook):
    """A stored book."""

    id: BookId


@dataclass(frozen=True, kw_only=True)
class BookText:
    """What ranking reads of every book: its id, its words and its popularity (no timestamps, no source)."""

    id: BookId
    title: str
    authors: tuple[str, ...]
    category: str
    genres: tuple[str, ...]
    fiction: bool
    translated: bool
    mood: tuple[str, ...]
    pace: str | None
    length: str | None
    description: str
    popularity: int

    @property
    def document(self) -> str:
        return book_document(self)


def book_document(book: NewBook | BookText) -> str:
    return " ".join([book.title, *book.authors, book.category, *book.genres, *book.mood, book.description]).strip()


@dataclass(frozen=True, kw_only=True)
class Upserted:
    added: int = 0
    updated: int = 0


@dataclass(frozen=True, kw_only=True)
class ParsedImport:
    """An import file read: the books to upsert (one per ISBN) and what was left out, and why."""

    books: tuple[NewBook, ...]
    excluded: int = 0
    bad: int = 0
    merged: int = 0  # items whose ISBN an earlier item had: folded into that book (reported as updated)
    excluded_by: Mapping[str, int] = field(default_factory=dict)  # foreign | not a book | children's | comics
    bad_by: Mapping[str, int] = field(default_factory=dict)  # not an object | category | title | ISBN | sales point

    @property
    def items(self) -> int:
        return len(self.books) + self.merged + self.excluded + self.bad


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    added: int
    updated: int
    excluded: int
    bad: int

    def line(self) -> str:
        return f"added {self.added}, updated {self.updated}, excluded {self.excluded}, bad {self.bad}"


class UnreadableImport(ValueError):
    """The file is not an Aladin-style list: not JSON, or neither `{"item": [...]}` nor a list of items."""


# --- small text rules -------------------------------------------------------------------------------------------

_TAG: Final = re.compile(r"<[^>]*>")
_SPACES: Final = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Tags out, then entities read ("&lt;소년이 온다&gt;" is a title in brackets, not a tag), whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


_EDITION_NOTE: Final = re.compile(
    r"\s*[(\[]([^()\[\]]*(?:판|양장|무선|보급|리커버|에디션|한정|합본|세트|큰글자|커버|기념)[^()\[\]]*)[)\]]\s*$"
)


def main_title(value: object) -> str:
    """ "소년이 온다 (리커버 특별판) - 2024 노벨문학상 수상작가" → "소년이 온다"."""
    title = clean_text(value)
    head = title.split(" - ", 1)[0].strip()
    while (stripped := _EDITION_NOTE.sub("", head).strip()) != head and stripped:
        head = stripped
    return head or title


def work_key(title: str) -> str:
    """A title reduced to its letters and digits, edition notes dropped: the same work's key across editions."""
    return "".join(ch for ch in main_title(title).casefold() if ch.isalnum())


def author_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def same_work(a_title: str, a_authors: Iterable[str], b_title: str, b_authors: Iterable[str]) -> bool:
    """The same title (edition notes aside) and at least one author in common."""
    if work_key(a_title) != work_key(b_title) or not work_key(a_title):
        return False
    return bool({author_key(name) for name in a_authors} & {author_key(name) for name in b_authors})


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Order kept, repeats (and blanks) dropped."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return tuple(seen)


def valid_isbn13(value: object) -> str | None:
    """The 13 digits of a valid ISBN-13 (hyphens and spaces allowed; 978/979 prefix; checksum), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s-]", "", value)
    else:
        return None
    if not re.fullmatch(r"97[89]\d{10}", text):
        return None
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(text[:12]))
    return text if (10 - total % 10) % 10 == int(text[12]) else None


# --- authors ----------------------------------------------------------------------------------------------------

_WRITER_ROLES: Final = frozenset(
    {"지은이", "지음", "저", "저자", "공저", "글", "원작", "원저", "엮은이", "엮음", "편", "편저", "편저자"}
)
_TRANSLATOR_ROLES: Final = frozenset({"옮긴이", "옮김", "역", "역자", "번역", "공역", "편역"})
_ROLE: Final = re.compile(r"^(?P<names>.*?)\s*\((?P<role>[^()]*)\)\s*$")
_ET_AL: Final = re.compile(r"\s*(?:외|등)(?:\s*\d+\s*(?:명|인))?$")


def _top_level_parts(text: str) -> list[str]:
    """Split on commas outside parentheses: "백희나 (글, 그림), 김철수 (옮긴이)" is two parts."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _role_words(role: str) -> set[str]:
    return {word for word in re.split(r"[\s·,/&+]+", role) if word}


def parse_authors(value: object) -> tuple[tuple[str, ...], bool]:
    """(the writers, whether a translator is named). A role in parentheses applies to the names written since
    the previous role ("김초엽, 정세랑 (지은이)"); names with no role at all are taken as writers."""
    text = clean_text(value)
    writers: list[str] = []
    translated = False
    pending: list[str] = []
    for part in _top_level_parts(text):
        match = _ROLE.match(part)
        if match is None:
            pending.append(part)
            continue
        names = [*pending, match["names"]]
        pending = []
        words = _role_words(match["role"])
        if words & _TRANSLATOR_ROLES:
            translated = True
        if words & _WRITER_ROLES:
            writers += names
    writers += pending
    cleaned = (_SPACES.sub(" ", _ET_AL.sub("", name)).strip(" ,") for name in writers)
    by_key: dict[str, str] = {}
    for name in cleaned:
        if name and author_key(name) not in by_key:
            by_key[author_key(name)] = name
    return tuple(by_key.values()), translated


# --- categories -------------------------------------------------------------------------------------------------


def category_levels(value: object) -> list[str]:
    """ "국내도서 > 소설/시/희곡>소설/시/희곡>한국소설" → ["국내도서", "소설/시/희곡", "한국소설"]."""
    if not isinstance(value, str):
        return []
    levels = (re.sub(r"\s*/\s*", "/", _SPACES.sub(" ", html.unescape(level))).strip() for level in value.split(">"))
    return list(unique(levels))


def exclusion(levels: Sequence[str]) -> str | None:
    """Why a book with these category levels stays out of the catalog, or None. See the module's docstring."""
    top, middle, lower = levels[0], levels[1], levels[2:]
    if top == FOREIGN_BOOKS:
        return "foreign"
    if top != KOREAN_BOOKS:
        return "not a book"
    if middle in CHILDREN_LEVELS or any(level.startswith("어린이") for level in lower):
        return "children's"
    if middle == COMICS_LEVEL or any(level.endswith(("만화", "웹툰")) for level in lower):
        return "comics"
    return None


_MIDDLE_GENRES: Final = {
    "에세이": "에세이",
    "인문학": "",  # its own lower levels say which (철학, 심리…)
    "사회과학": "사회",
    "정치/사회": "사회",
    "역사": "역사",
    "과학": "과학",
    "경제경영": "경제",
    "자기계발": "자기계발",
    "예술/대중문화": "예술",
    "종교/역학": "종교",
    "건강/취미": "건강",
    "여행": "여행",
    "고전": "고전",
}
_LEVEL_GENRES: Final = (
    (re.compile(r"추리|미스터리"), "추리/미스터리"),
    (re.compile(r"SF|과학소설"), "SF"),
    (re.compile(r"판타지|환상"), "판타지"),
    (re.compile(r"로맨스|연애소설"), "로맨스"),
    (re.compile(r"역사소설"), "역사소설"),
    (re.compile(r"^한국\s?소설|^한국\s?장편|^한국\s?단편"), "한국소설"),
    (re.compile(r"^(?:한국|외국)?시$|^시집"), "시"),
    (re.compile(r"철학"), "철학"),
    (re.compile(r"심리"), "심리"),
    (re.compile(r"고전"), "고전"),
    (re.compile(r"에세이"), "에세이"),
)
_FOREIGN_WORK: Final = re.compile(
    r"^(?:영미|영국|미국|일본|중국|프랑스|독일|러시아|스페인|중남미|북유럽|이탈리아|동유럽|기타\s?국가|세계|외국)"
)
_LITERARY: Final = ("소설", "시", "에세이", "문학", "희곡")
FICTION_MIDDLE: Final = "소설/시/희곡"


def genres_of(levels: Sequence[str]) -> tuple[str, ...]:
    """The genres of a book from its category levels below the top, in the sample's words when one fits."""
    middle, lower = levels[1], levels[2:]
    found = [_MIDDLE_GENRES.get(middle, "")]
    for level in lower:
        found += [genre for pattern, genre in _LEVEL_GENRES if pattern.search(level)]
        if middle == FICTION_MIDDLE and "소설" in level and _FOREIGN_WORK.match(level):
            found.append("외국소설")
    genres = unique(found)
    return genres or (lower[-1] if lower else middle,)


def is_fiction(levels: Sequence[str], genres: Sequence[str]) -> bool:
    """Novels, stories and plays — 소설/시/희곡, or the classics' novels and literature — but not poems (as in the
    sample)."""
    if "시" in genres:
        return False
    middle, lower = levels[1], levels[2:]
    return middle == FICTION_MIDDLE or (middle == "고전" and any(level.endswith(("소설", "문학")) for level in lower))


def translated_by_category(levels: Sequence[str]) -> bool:
    """ "일본소설", "외국에세이", "영미시"…: a literary category named for a foreign country or language."""
    return any(_FOREIGN_WORK.match(level) and level.endswith(_LITERARY) for level in levels[2:])


def _length(item: Mapping[str, Any]) -> str | None:
    sub = item.get("subInfo")
    pages = sub.get("itemPage") if isinstance(sub, Mapping) else item.get("itemPage")
    if isinstance(pages, str) and pages.strip().isdigit():
        pages = int(pages)
    if not isinstance(pages, int) or isinstance(pages, bool) or pages <= 0:
        return None
    return "짧은" if pages < SHORT_PAGES else "긴" if pages > LONG_PAGES else "보통"


def _sales_point(value: object) -> int | None:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        return int(value.strip().replace(",", ""))
    return None


# --- the Aladin import ------------------------------------------------------------------------------------------


class _Left(Exception):
    """Not an error: an item the catalog leaves out, and why."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(kind, reason)
        self.kind = kind  # "excluded" | "bad"
        self.reason = reason


def _item(raw: object) -> NewBook:
    """The book an item describes; raises `_Left` for an item that is excluded or bad."""
    if not isinstance(raw, Mapping):
        raise _Left("bad", "not an object")
    levels = category_levels(raw.get("categoryName"))
    if len(levels) < 2:
        raise _Left("bad", "category")
    excluded = exclusion(levels)
    if excluded is not None:
        raise _Left("excluded", excluded)
    title = main_title(raw.get("title"))
    if not title:
        raise _Left("bad", "title")
    isbn = valid_isbn13(raw.get("isbn13"))
    if isbn is None:
        raise _Left("bad", "ISBN")
    popularity = _sales_point(raw.get("salesPoint"))
    if popularity is None:
        raise _Left("bad", "sales point")
    authors, has_translator = parse_authors(raw.get("author"))
    genres = genres_of(levels)
    return NewBook(
        key=f"isbn:{isbn}",
        isbn13=isbn,
        title=title,
        authors=authors,
        category=levels[1],
        genres=genres,
        fiction=is_fiction(levels, genres),
        translated=has_translator or translated_by_category(levels),
        length=_length(raw),
        description=clean_text(raw.get("description")),
        popularity=popularity,
        source=SOURCE_IMPORT,
    )


def _fold(first: NewBook, again: NewBook) -> NewBook:
    """The same ISBN twice in one file (a bestseller list per category repeats books): one book."""
    return replace(
        first,
        genres=unique([*first.genres, *again.genres]),
        popularity=max(first.popularity, again.popularity),
        translated=first.translated or again.translated,
        description=first.description or again.description,
        length=first.length or again.length,
    )


def items_of(data: object) -> list[Any]:
    """The items of an Aladin response (`{"item": [...]}`) or of a plain list of items."""
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and isinstance(data.get("item"), list):
        return list(data["item"])
    if isinstance(data, Mapping):
        raise UnreadableImport('no "item" list')
    raise UnreadableImport("neither an object with an item list nor a list of items")


def parse_aladin(data: object) -> ParsedImport:
    """Read an Aladin-style bestseller list (already decoded JSON). Raises `UnreadableImport` when it is not one."""
    books: dict[str, NewBook] = {}
    merged = 0
    excluded: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    for raw in items_of(data):
        try:
            result = _item(raw)
        except _Left as left:
            (excluded if left.kind == "excluded" else bad)[left.reason] += 1
            continue
        if result.key in books:
            books[result.key] = _fold(books[result.key], result)
            merged += 1
        else:
            books[result.key] = result
    return ParsedImport(
        books=tuple(books.values()),
        excluded=excluded.total(),
        bad=bad.total(),
        merged=merged,
        excluded_by=dict(excluded),
        bad_by=dict(bad),
    )


def read_aladin(text: str) -> ParsedImport:
    """`parse_aladin` of a file's text; a trailing ";" (Aladin's `output=js`) is tolerated."""
    try:
        data = json.loads(text.strip().removesuffix(";"))
    except json.JSONDecodeError as error:
        raise UnreadableImport(f"not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from error
    return parse_aladin(data)


def merge(old: Book, new: NewBook) -> NewBook:
    """What an upsert stores over `old`: the import's facts, but never a blank where `old` knew something, and
    genres accumulated. The key stays (a sample book keeps its slug when it gains an ISBN)."""
    return replace(
        new,
        key=old.key,
        isbn13=new.isbn13 or old.isbn13,
        authors=new.authors or old.authors,
        genres=unique([*old.genres, *new.genres]),
        mood=new.mood or old.mood,
        pace=new.pace or old.pace,
        length=new.length or old.length,
        description=new.description or old.description,
        fiction=new.fiction or old.fiction,  # "not fiction" is what an import says when it cannot tell
        translated=new.translated or old.translated,
    )


# --- the bundled sample -----------------------------------------------------------------------------------------

SAMPLE_FILE: Final = ("data", "bookclub", "sample_catalog.jsonl")  # under the `core` package


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{what} is not a list of strings")
    return unique(value)


def sample_book(row: Mapping[str, Any]) -> NewBook:
    """One line of the sample; a malformed line is a bug in the shipped data (raises ValueError)."""
    isbn = valid_isbn13(row["isbn13"]) if row.get("isbn13") is not None else None
    return NewBook(
        key=f"isbn:{isbn}" if isbn else str(row["id"]),
        isbn13=isbn,
        title=str(row["title"]),
        authors=_strings(row["authors"], "authors"),
        category=str(row["category"]),
        genres=_strings(row["genres"], "genres"),
        fiction=bool(row["fiction"]),
        translated=bool(row["translated"]),
        mood=_strings(row.get("mood", []), "mood"),
        pace=row.get("pace"),
        length=row.get("length"),
        description=str(row.get("description", "")),
        popularity=int(row["popularity"]),
        source=SOURCE_SAMPLE,
    )


@cache
def sample_books() -> tuple[NewBook, ...]:
    """The bundled sample catalog, read once per process."""
    text = resources.files("core").joinpath(*SAMPLE_FILE).read_text(encoding="utf-8")
    books = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                books.append(sample_book(json.loads(line)))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"sample catalog line {number}: {error}") from error
    return tuple(books)


# --- use cases --------------------------------------------------------------------------------------------------


async def ensure_sample_catalog(uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Load the bundled sample into an empty catalog ("loaded on first run"); how many books were added (0 when
    the catalog had books already). Safe to call from every process at once: a book the other one stored first
    is not added twice."""
    async with uow_factory() as uow:
        if await uow.books.count():
            return 0
    books = sample_books()
    async with uow_factory() as uow:
        if await uow.books.count():
            return 0
        upserted = await uow.books.upsert(books, now=clock.now())
        await uow.commit()
    return upserted.added


IMPORT_CHUNK: Final = 200


async def import_books(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    parsed: ParsedImport,
    *,
    progress: Callable[[int], object] | None = None,
    chunk: int = IMPORT_CHUNK,
) -> ImportReport:
    """Upsert an import's books, `chunk` per transaction (`progress(n)` after each). The sample goes in first if
    the catalog is empty, so the catalog does not depend on whether the first import or the first use came first
    (and an imported book the sample has gains its ISBN instead of a twin). Running it again updates the same
    books: a failure half-way is mended by running it again."""
    await ensure_sample_catalog(uow_factory, clock)
    added = updated = 0
    books = parsed.books
    for start in range(0, len(books), chunk):
        part = books[start : start + chunk]
        async with uow_factory() as uow:
            upserted = await uow.books.upsert(part, now=clock.now())
            await uow.commit()
        added += upserted.added
        updated += upserted.updated
        if progress is not None:
            progress(len(part))
    return ImportReport(added=added, updated=updated + parsed.merged, excluded=parsed.excluded, bad=parsed.bad)
