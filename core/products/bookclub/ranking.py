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
        text     0.15  fuzzy word matching (rapidfuzz): each of the persona's words (keywords, genres, moods) scores
                       its best match among the words of the book's title, authors, category, genres, moods and
                       description — the Indel similarity of their characters, 1 − (insertions + deletions) / (both
                       lengths), counted from 0.6 up (우주/우주를 0.8, 고양이/길고양이가 0.75, 우주/우주에서 0.67;
                       사랑/사람 0.5 is no match; a one-character word matches only itself) — and the part is the
                       mean of those scores, each word weighted by its share and its idf (a word most books have
                       counts less; a word no book has is left out)
        semantic 0.60  only with an `Embedder`: the cosine (negatives as 0) of the persona's text and the book's
                       text; it then takes the place of `text`

The structured parts stay when an embedder is given: pace, length and fiction are exact answers from the quiz,
and an embedding does not know them better than an equality test does (nor does an English-only model know
Korean at all). Books sharing a genre with the persona come first — the genre filter — and the others only fill
the list when fewer than 20 share one, so a narrow persona still gets 20 candidates. Already picked books are
left out (`exclude`): a room never gets the same book twice.

Speed: the catalog's index (facet postings, the vocabulary's postings, popularity, and the book vectors when there
is an embedder) is built once per catalog version; a ranking is then a few numpy additions over posting lists and
at most one matrix-vector product (`bench/recommend.py`: 10,000 books and a 20-member room). A persona word is
matched against the catalog's vocabulary (not against every book's text) in one `rapidfuzz.process.cdist` call,
and the index keeps each word's matches, so the quiz's few dozen genre and mood words are matched once per catalog
version. Scoring whole texts instead (`fuzz.token_set_ratio` of the persona's text against each book's) takes
~60 ms per request for 10,000 books and misses particles: 고양이 against "길고양이가 …" scores 0.24.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import Indel

if TYPE_CHECKING:
    from core.ports import Embedder

logger = logging.getLogger(__name__)

CANDIDATES: Final = 20
MATCH_STRENGTH: Final = 0.8  # one matching genre (or mood) of a one-person persona counts 0.8; two count 0.96
EMBED_BATCH: Final = 256  # books handed to the embedder per call while a catalog's vectors are built
SIMILAR: Final = 0.6  # the least word similarity that counts as a match (module docstring)
MATCH_CACHE: Final = 4096  # persona words whose matches an index keeps (the oldest go first)

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
    """The book as one text, for an embedding model and for the lexical part's vocabulary."""
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


def words(text: str) -> list[str]:
    """The text's words, lowercased: runs of letters and digits (a Korean word keeps its particles: 우주를)."""
    return _WORD.findall(text.lower())


def word_similarity(a: str, b: str) -> float:
    """How alike two words are, in [0, 1], as the lexical part counts it: the normalized Indel similarity of their
    characters (a Hangul syllable is one character), 0 below `SIMILAR`; a one-character word matches only itself.
    Korean words share a stem and differ by particles and suffixes (우주 / 우주를 / 우주선), which whole-word
    equality would miss."""
    if len(a) == 1 or len(b) == 1:
        return 1.0 if a == b else 0.0
    return float(Indel.normalized_similarity(a, b, score_cutoff=SIMILAR))


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
    vocabulary: Mapping[str, Indices]  # every word of the books' texts → the positions of the books using it
    long_words: tuple[str, ...]  # the vocabulary's words of two characters or more: the ones matched fuzzily
    positions: Mapping[str | int, int]  # book id → position
    vectors: Floats | None = None  # (books, dimension), unit rows, from `embedder_name`
    embedder_name: str | None = None
    # persona word → (positions of the books with a match, each one's best word similarity); filled by `rank`
    matches: dict[str, tuple[Indices, Floats]] = field(default_factory=dict, init=False, repr=False)


def build_index(books: Iterable[B]) -> BookIndex[B]:
    """Everything about the catalog that does not depend on the persona (pure; ~0.2 s for 10,000 books)."""
    rows = tuple(books)
    count = len(rows)
    raw = np.array([math.log1p(max(float(book.popularity), 0.0)) for book in rows], dtype=np.float64)
    spread = float(raw.max() - raw.min()) if count else 0.0
    popularity = ((raw - raw.min()) / spread if spread > 0 else np.zeros(count)).astype(np.float32)

    facet_lists: dict[str, list[int]] = {}
    word_lists: dict[str, list[int]] = {}
    for position, book in enumerate(rows):
        for key in _book_facets(book):
            facet_lists.setdefault(key, []).append(position)
        for word in dict.fromkeys(words(book_text(book))):
            word_lists.setdefault(word, []).append(position)

    return BookIndex(
        books=rows,
        keys=tuple(content_key(book) for book in rows),
        popularity=popularity,
        facets={key: np.array(at, dtype=np.intp) for key, at in facet_lists.items()},
        vocabulary={word: np.array(at, dtype=np.intp) for word, at in word_lists.items()},
        long_words=tuple(word for word in word_lists if len(word) > 1),
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
    # every book at least as good as the n-th best: ties at the cut are then taken in catalog order, not at random
    cut = np.partition(-key, n - 1)[n - 1] if n < count else np.inf
    top = np.flatnonzero(-key <= cut)
    top = top[np.lexsort((top, -key[top]))][:n]  # best first; equal keys in catalog order
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
    """For every book, the idf- and share-weighted mean of each persona word's best match among its words."""
    shares: dict[str, float] = {}
    for key, share in wanted.items():
        facet, _, value = key.partition(":")
        if facet in (GENRE, MOOD, "keyword"):
            for word in words(value):
                shares[word] = shares.get(word, 0.0) + share
    if not shares:
        return None
    matches = _matches(index, shares)
    count = len(index.books)
    scores = np.zeros(count, dtype=np.float32)
    total = 0.0
    for word, share in shares.items():
        at, similarity = matches[word]
        if not len(at):  # a word no book has is left out, as a fitted vectorizer does
            continue
        weight = share * (math.log((1 + count) / (1 + len(at))) + 1.0)
        scores[at] += weight * similarity  # a word's positions are distinct: no lost updates
        total += weight
    return scores / np.float32(total) if total else None


def _matches(index: BookIndex[Any], persona_words: Iterable[str]) -> dict[str, tuple[Indices, Floats]]:
    """Each word's matching books and best similarity, from the index's cache or, for the words new to it, from
    one `cdist` of those words against the catalog's vocabulary."""
    cache = index.matches
    new = [word for word in persona_words if word not in cache]
    fuzzy = [word for word in new if len(word) > 1]
    table = (
        process.cdist(fuzzy, index.long_words, scorer=Indel.normalized_similarity, score_cutoff=SIMILAR)
        if fuzzy and index.long_words
        else np.zeros((len(fuzzy), 0), dtype=np.float32)
    )
    for row, word in enumerate(fuzzy):
        best = np.zeros(len(index.books), dtype=np.float32)
        for column in np.flatnonzero(table[row]).tolist():
            at = index.vocabulary[index.long_words[column]]
            best[at] = np.maximum(best[at], table[row, column])
        found = np.flatnonzero(best)
        cache[word] = (found, best[found])
    for word in new:
        if len(word) == 1:  # only itself
            found = index.vocabulary.get(word, np.zeros(0, dtype=np.intp))
            cache[word] = (found, np.ones(len(found), dtype=np.float32))
    while len(cache) > MATCH_CACHE:
        del cache[next(iter(cache))]
    return cache


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
        return replace(index, vectors=vectors, embedder_name=embedder.name)

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
