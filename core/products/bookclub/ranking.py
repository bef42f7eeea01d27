"""Recommendation candidates: the top 20 books of the catalog for a reading persona, before the model picks 3.

SPEC §4: candidates come from the catalog, filtered by genre, top 20 by relevance to the persona (embeddings
when configured, else lexical) and popularity. For each book, with every part in [0, 1]:

    score      = 0.8 · relevance + 0.2 · popularity
    popularity = log(1 + sales points), scaled so the catalog's least popular book is 0 and its most popular 1
    relevance  = the weighted mean of the parts the persona expresses (a part it says nothing about is left out):
        genre    0.35  noisy-OR over the book's genres and category: 1 − Π(1 − 0.8 · share of the persona's genre)
        mood     0.20  the same over the book's moods
        pace     0.10  the share of the persona that wants the book's pace (1 or 0 for one person)
        length   0.10  the same for length
        fiction  0.10  the same for fiction / non-fiction
        text     0.15  cosine of character-bigram tf-idf vectors: the persona's words (keywords, genres, moods)
                       against the book's title, authors, category, genres, moods and description
        semantic 0.60  only with an `Embedder`: the cosine (negatives as 0) of the persona's text and the book's
                       text; it then takes the place of `text`

The structured parts stay when an embedder is given: pace, length and fiction are exact answers from the quiz,
and an embedding does not know them better than an equality test does (nor does an English-only model know
Korean at all). Books sharing a genre with the persona come first — the genre filter — and the others only fill
the list when fewer than 20 share one, so a narrow persona still gets 20 candidates. Already picked books are
left out (`exclude`): a room never gets the same book twice.

Speed: the catalog's index (facet postings, bigram postings, popularity, and the book vectors when there is an
embedder) is built once per catalog version; a ranking is then a few numpy additions over posting lists and at
most one matrix-vector product (`bench/recommend.py`: 10,000 books and a 20-member room).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from core.ports import Embedder

logger = logging.getLogger(__name__)

CANDIDATES: Final = 20
MATCH_STRENGTH: Final = 0.8  # one matching genre (or mood) of a one-person persona counts 0.8; two count 0.96
EMBED_BATCH: Final = 256  # books handed to the embedder per call while a catalog's vectors are built

GENRE, MOOD, PACE, LENGTH, FICTION = "genre", "mood", "pace", "length", "fiction"


class BookLike(Protocol):
    """What ranking reads of a book; the catalog's `Book` (and any test double) fits it."""

    @property
    def id(self) -> str | int: ...
    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> Sequence[str]: ...
    @property
    def category(self) -> str: ...
    @property
    def genres(self) -> Sequence[str]: ...
    @property
    def mood(self) -> Sequence[str]: ...
    @property
    def pace(self) -> str | None: ...
    @property
    def length(self) -> str | None: ...
    @property
    def fiction(self) -> bool | None: ...
    @property
    def description(self) -> str: ...
    @property
    def popularity(self) -> float: ...


B = TypeVar("B", bound=BookLike)


@dataclass(frozen=True, kw_only=True)
class ReadingPersona:
    """What a reader likes, from the taste quiz; or a room's, from `combine_personas`.

    Values are the catalog's own words (genres "SF", moods "잔잔한", pace "느린"/"빠른", length "짧은"/"보통"/"긴").
    `fiction` None means either. `shares` is empty for one person (each named value counts fully); a combined
    persona holds the share of members behind each value, keyed "genre:SF", "mood:잔잔한", "pace:빠른",
    "length:짧은", "fiction:true", "keyword:우주"."""

    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    pace: str | None = None
    length: str | None = None
    fiction: bool | None = None
    keywords: tuple[str, ...] = ()
    shares: Mapping[str, float] = field(default_factory=dict, hash=False)
    translated: bool | None = None  # from the quiz; shown, not yet scored
    recent: bool | None = None  # True: recent hits; False: classics; None: both (from the quiz; not yet scored)

    def weighted(self) -> dict[str, float]:
        """Every value the persona names, with its share (1.0 for each value of one person)."""
        if self.shares:
            return dict(self.shares)
        named: dict[str, float] = {}
        for facet, values in (
            (GENRE, self.genres),
            (MOOD, self.moods),
            (PACE, (self.pace,) if self.pace else ()),
            (LENGTH, (self.length,) if self.length else ()),
            (FICTION, (_yes_no(self.fiction),) if self.fiction is not None else ()),
            ("keyword", self.keywords),
        ):
            for value in values:
                named[f"{facet}:{value}"] = 1.0
        return named


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def combine_personas(personas: Sequence[ReadingPersona]) -> ReadingPersona:
    """A room's persona: every value any member named, weighted by the share of members who named it.

    Genres, moods and keywords are the union, most shared first (then in the order first met); pace, length and
    fiction are the most shared value, None on a tie. Scoring reads the shares, so a genre half the room wants
    counts half as much as one everybody wants, and a book of the minority's pace still gets that minority's
    share. No personas (nobody took the quiz) give an empty persona: candidates are then the most popular."""
    if not personas:
        return ReadingPersona()
    members = len(personas)
    counts: Counter[str] = Counter()
    for persona in personas:
        counts.update(persona.weighted())  # a one-person persona has 1.0 per value: a head count
    shares = {key: count / members for key, count in counts.items()}

    def ordered(facet: str) -> tuple[str, ...]:
        prefix = f"{facet}:"
        found = [key for key in counts if key.startswith(prefix)]  # Counter keeps first-met order
        found.sort(key=lambda key: -counts[key])  # stable: ties stay in first-met order
        return tuple(key[len(prefix) :] for key in found)

    def most_shared(facet: str) -> str | None:
        values = ordered(facet)
        if not values:
            return None
        if len(values) > 1 and counts[f"{facet}:{values[0]}"] == counts[f"{facet}:{values[1]}"]:
            return None
        return values[0]

    fiction = most_shared(FICTION)
    return ReadingPersona(
        genres=ordered(GENRE),
        moods=ordered(MOOD),
        pace=most_shared(PACE),
        length=most_shared(LENGTH),
        fiction=None if fiction is None else fiction == "true",
        keywords=ordered("keyword"),
        shares=shares,
    )


@dataclass(frozen=True, kw_only=True)
class Weights:
    """The formula's weights (module docstring); relevance is normalized by the weights of the parts present."""

    relevance: float = 0.8
    popularity: float = 0.2
    genre: float = 0.35
    mood: float = 0.20
    pace: float = 0.10
    length: float = 0.10
    fiction: float = 0.10
    text: float = 0.15
    semantic: float = 0.60


@dataclass(frozen=True, kw_only=True)
class Candidate(Generic[B]):
    book: B
    score: float
    relevance: float
    popularity: float
    genre_match: bool  # shares a genre (or its category) with the persona: passed the genre filter


# --- texts ---


def persona_text(persona: ReadingPersona) -> str:
    """The persona as one Korean sentence-like text, for an embedding model (most shared values first)."""
    parts = []
    if persona.genres:
        parts.append("장르: " + ", ".join(persona.genres))
    if persona.moods:
        parts.append("분위기: " + ", ".join(persona.moods))
    if persona.pace:
        parts.append(f"전개: {persona.pace}")
    if persona.length:
        parts.append(f"분량: {persona.length}")
    if persona.fiction is not None:
        parts.append("소설" if persona.fiction else "비소설")
    if persona.keywords:
        parts.append("키워드: " + ", ".join(persona.keywords))
    return ". ".join(parts)


def book_text(book: BookLike) -> str:
    """The book as one text, for an embedding model and for the character-bigram index."""
    return ". ".join(
        part
        for part in (
            book.title,
            ", ".join(book.authors),
            book.category,
            ", ".join(book.genres),
            ", ".join(book.mood),
            book.description,
        )
        if part
    )


def content_key(book: BookLike) -> str:
    """The book's id and a hash of every field its vector depends on: a changed description is embedded again."""
    digest = hashlib.blake2b(book_text(book).encode(), digest_size=8).hexdigest()
    return f"{book.id}:{digest}"


_WORD = re.compile(r"\w+")


def bigrams(text: str) -> Counter[str]:
    """Character bigrams inside each word (a one-letter word is its own gram): Korean words share stems across
    particles and compounds (우주 / 우주선 / 우주를), which whole-word tokens would miss."""
    grams: Counter[str] = Counter()
    for word in _WORD.findall(text.lower()):
        if len(word) == 1:
            grams[word] += 1
        else:
            grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return grams


# --- the index: built once per catalog version ---

Books = Sequence[B] | Callable[[], Awaitable[Sequence[B]]]  # the catalog, or an async loader of it
Floats = NDArray[np.float32]
Indices = NDArray[np.intp]


@dataclass(frozen=True, kw_only=True, eq=False)
class BookIndex(Generic[B]):
    """A catalog prepared for ranking. Build with `build_index`; add vectors with `CandidateRanker`."""

    books: tuple[B, ...]
    keys: tuple[str, ...]  # content_key of each book, in order
    popularity: Floats  # log-scaled, 0…1
    facets: Mapping[str, Indices]  # "genre:SF" → the positions of the books that have it
    grams: Mapping[str, tuple[Indices, Floats]]  # bigram → (positions, the books' normalized tf-idf weights)
    idf: Mapping[str, float]
    positions: Mapping[str | int, int]  # book id → position
    vectors: Floats | None = None  # (books, dimension), unit rows, from `embedder_name`
    embedder_name: str | None = None


def build_index(books: Iterable[B]) -> BookIndex[B]:
    """Everything about the catalog that does not depend on the persona (pure; ~0.3 s for 10,000 books)."""
    rows = tuple(books)
    count = len(rows)
    raw = np.array([math.log1p(max(float(book.popularity), 0.0)) for book in rows], dtype=np.float64)
    spread = float(raw.max() - raw.min()) if count else 0.0
    popularity = ((raw - raw.min()) / spread if spread > 0 else np.zeros(count)).astype(np.float32)

    facet_lists: dict[str, list[int]] = {}
    gram_counts: list[Counter[str]] = []
    document_frequency: Counter[str] = Counter()
    for position, book in enumerate(rows):
        for key in _book_facets(book):
            facet_lists.setdefault(key, []).append(position)
        grams = bigrams(book_text(book))
        gram_counts.append(grams)
        document_frequency.update(grams.keys())

    idf = {gram: math.log((1 + count) / (1 + df)) + 1.0 for gram, df in document_frequency.items()}
    gram_lists: dict[str, tuple[list[int], list[float]]] = {}
    for position, grams in enumerate(gram_counts):
        weights = {gram: (1.0 + math.log(tf)) * idf[gram] for gram, tf in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for gram, weight in weights.items():
            at, values = gram_lists.setdefault(gram, ([], []))
            at.append(position)
            values.append(weight / norm)

    return BookIndex(
        books=rows,
        keys=tuple(content_key(book) for book in rows),
        popularity=popularity,
        facets={key: np.array(at, dtype=np.intp) for key, at in facet_lists.items()},
        grams={
            gram: (np.array(at, dtype=np.intp), np.array(values, dtype=np.float32))
            for gram, (at, values) in gram_lists.items()
        },
        idf=idf,
        positions={book.id: position for position, book in enumerate(rows)},
    )


def _book_facets(book: BookLike) -> set[str]:
    facets = {f"{GENRE}:{genre}" for genre in book.genres}
    if book.category:
        facets.add(f"{GENRE}:{book.category}")  # a persona's "에세이" matches the category 에세이 too
    facets.update(f"{MOOD}:{mood}" for mood in book.mood)
    if book.pace:
        facets.add(f"{PACE}:{book.pace}")
    if book.length:
        facets.add(f"{LENGTH}:{book.length}")
    if book.fiction is not None:
        facets.add(f"{FICTION}:{_yes_no(book.fiction)}")
    return facets


# --- ranking: pure, per request ---


def rank(
    index: BookIndex[B],
    persona: ReadingPersona,
    *,
    n: int = CANDIDATES,
    exclude: Collection[str | int] = (),
    persona_vector: Floats | None = None,
    weights: Weights = Weights(),  # frozen: one shared default is safe
) -> list[Candidate[B]]:
    """The top `n` candidates, best first. `persona_vector` (the embedder's row for `persona_text(persona)`)
    switches the text part to the semantic one; it needs `index.vectors` from the same embedder."""
    count = len(index.books)
    if count == 0 or n <= 0:
        return []
    wanted = persona.weighted()
    parts: list[tuple[float, Floats]] = []

    def by_facet(facet: str, part_weight: float, *, noisy_or: bool) -> Floats | None:
        named = [(key, share) for key, share in wanted.items() if key.startswith(f"{facet}:") and share > 0]
        if not named:
            return None
        part = np.zeros(count, dtype=np.float32)
        for key, share in named:
            at = index.facets.get(key)
            if at is None:
                continue
            if noisy_or:
                part[at] += math.log1p(-MATCH_STRENGTH * min(share, 1.0))
            else:
                part[at] = np.maximum(part[at], share)
        if noisy_or:
            part = (1.0 - np.exp(part)).astype(np.float32)
        parts.append((part_weight, part))
        return part

    genre = by_facet(GENRE, weights.genre, noisy_or=True)
    by_facet(MOOD, weights.mood, noisy_or=True)
    by_facet(PACE, weights.pace, noisy_or=False)
    by_facet(LENGTH, weights.length, noisy_or=False)
    by_facet(FICTION, weights.fiction, noisy_or=False)

    if persona_vector is not None and index.vectors is not None:
        semantic = np.clip(index.vectors @ persona_vector.astype(np.float32), 0.0, 1.0).astype(np.float32)
        parts.append((weights.semantic, semantic))
    else:
        text = _text_similarity(index, wanted)
        if text is not None:
            parts.append((weights.text, text))

    total = sum(weight for weight, _ in parts)
    relevance = np.zeros(count, dtype=np.float32)
    for weight, part in parts:
        relevance += (weight / total) * part
    score = weights.relevance * relevance + weights.popularity * index.popularity

    matched = genre > 0 if genre is not None else np.ones(count, dtype=bool)
    key = score.astype(np.float64) + matched  # the genre filter: every matching book before any other
    for book_id in exclude:
        position = index.positions.get(book_id)
        if position is not None:
            key[position] = -np.inf
    available = int(np.isfinite(key).sum())
    n = min(n, available)
    if n == 0:
        return []
    top = np.argpartition(-key, n - 1)[:n] if n < count else np.arange(count)
    top = top[np.lexsort((top, -key[top]))]  # best first; equal keys in catalog order
    return [
        Candidate(
            book=index.books[position],
            score=float(score[position]),
            relevance=float(relevance[position]),
            popularity=float(index.popularity[position]),
            genre_match=bool(matched[position]),
        )
        for position in top.tolist()
    ]


def _text_similarity(index: BookIndex[Any], wanted: Mapping[str, float]) -> Floats | None:
    """Cosine of the persona's words (as tf-idf bigrams, each word weighted by its share) with every book."""
    query: dict[str, float] = {}
    for key, share in wanted.items():
        facet, _, value = key.partition(":")
        if facet in (GENRE, MOOD, "keyword"):
            for gram, tf in bigrams(value).items():
                if gram in index.idf:  # grams no book has are left out, as a fitted vectorizer does
                    query[gram] = query.get(gram, 0.0) + share * tf * index.idf[gram]
    norm = math.sqrt(sum(w * w for w in query.values()))
    if not norm:
        return None
    scores = np.zeros(len(index.books), dtype=np.float32)
    for gram, weight in query.items():
        at, values = index.grams[gram]
        scores[at] += (weight / norm) * values  # a gram's positions are distinct: no lost updates
    return scores


# --- the service the recommend use case holds ---


class CandidateRanker:
    """Ranks a catalog for personas, keeping the catalog's index (and its book vectors) between requests.

    Pass the catalog's `version` (anything that changes when the catalog does, e.g. its row count and last
    update time) and the books or an async loader of them (called only when the version changed); without a
    version the books are loaded and their content hashed on every call (~25 ms for 10,000 books, more than the
    ranking itself). Book vectors are kept per content key across versions, so a catalog import embeds only
    the books it added or changed. When the embedder fails, ranking goes on lexically (logged)."""

    def __init__(self, *, embedder: Embedder | None = None, weights: Weights = Weights()) -> None:
        self._embedder = embedder
        self._weights = weights
        self._index: BookIndex[Any] | None = None
        self._version: Hashable = None
        self._vectors: dict[str, Floats] = {}  # content key → unit vector, for the embedder's model
        self._building = asyncio.Lock()

    @property
    def embedder(self) -> Embedder | None:
        return self._embedder

    async def index(self, books: Books[B], *, version: Hashable | None = None) -> BookIndex[B]:
        """The catalog's index, built again only when `version` changed (`books` may be an async loader, which
        is then called only for a rebuild)."""
        if version is None:
            books = await _loaded(books)
            version = _fingerprint(books)
        async with self._building:
            if self._index is None or self._version != version:
                rows = await _loaded(books)
                built = await asyncio.to_thread(build_index, rows)
                self._index = await self._with_vectors(built)
                self._version = version
            return self._index

    async def rank(
        self,
        persona: ReadingPersona,
        books: Books[B],
        *,
        version: Hashable | None = None,
        n: int = CANDIDATES,
        exclude: Collection[str | int] = (),
    ) -> list[Candidate[B]]:
        index = await self.index(books, version=version)
        vector = await self._persona_vector(persona) if index.vectors is not None else None
        return rank(index, persona, n=n, exclude=exclude, persona_vector=vector, weights=self._weights)

    async def _with_vectors(self, index: BookIndex[B]) -> BookIndex[B]:
        embedder = self._embedder
        if embedder is None or not index.books:
            return index
        try:
            missing = [i for i, key in enumerate(index.keys) if key not in self._vectors]
            for start in range(0, len(missing), EMBED_BATCH):
                batch = missing[start : start + EMBED_BATCH]
                rows = await embedder.embed([book_text(index.books[i]) for i in batch])
                for i, row in zip(batch, rows, strict=True):
                    self._vectors[index.keys[i]] = np.asarray(row, dtype=np.float32)
        except Exception:
            logger.exception("embedding the catalog with %s failed: ranking lexically", embedder.name)
            return index
        self._vectors = {key: self._vectors[key] for key in index.keys}  # drop books no longer in the catalog
        vectors = np.stack([self._vectors[key] for key in index.keys]).astype(np.float32)
        logger.info(
            "catalog vectors ready: %d books, %s (%d newly embedded)", len(index.keys), embedder.name, len(missing)
        )
        return BookIndex(
            books=index.books,
            keys=index.keys,
            popularity=index.popularity,
            facets=index.facets,
            grams=index.grams,
            idf=index.idf,
            positions=index.positions,
            vectors=vectors,
            embedder_name=embedder.name,
        )

    async def _persona_vector(self, persona: ReadingPersona) -> Floats | None:
        text = persona_text(persona)
        if self._embedder is None or not text:
            return None
        try:
            rows = await self._embedder.embed([text])
        except Exception:
            logger.exception("embedding a persona with %s failed: ranking lexically", self._embedder.name)
            return None
        return np.asarray(rows[0], dtype=np.float32)


async def _loaded(books: Books[B]) -> Sequence[B]:
    return await books() if callable(books) else books


def _fingerprint(books: Sequence[BookLike]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for book in books:
        digest.update(content_key(book).encode())
        digest.update(repr(book.popularity).encode())
    return digest.hexdigest()
