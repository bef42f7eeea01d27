"""Books for ranking tests and `bench/recommend.py`: the bundled sample catalog, and larger synthetic ones from it.

`SampleBook` is a plain stand-in for the catalog's own `Book`; both fit `core.products.bookclub.ranking.BookLike`."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "core" / "data" / "bookclub" / "sample_catalog.jsonl"


@dataclass(frozen=True, kw_only=True)
class SampleBook:
    id: str
    title: str
    authors: tuple[str, ...] = ()
    category: str = ""
    genres: tuple[str, ...] = ()
    mood: tuple[str, ...] = ()
    pace: str | None = None
    length: str | None = None
    fiction: bool | None = None
    description: str = ""
    popularity: float = 0.0


def sample_books() -> list[SampleBook]:
    books = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        books.append(
            SampleBook(
                id=row["id"],
                title=row["title"],
                authors=tuple(row["authors"]),
                category=row["category"],
                genres=tuple(row["genres"]),
                mood=tuple(row["mood"]),
                pace=row["pace"],
                length=row["length"],
                fiction=row["fiction"],
                description=row["description"],
                popularity=float(row["popularity"]),
            )
        )
    return books


_SERIES = ("개정판", "특별판", "리커버", "2부", "완결편", "양장본", "청소년판", "에디션")
_ADDED = (
    "오래 기억될 문장들이 가득하다.",
    "읽는 내내 다음 장이 궁금해진다.",
    "작가의 새로운 해석이 더해졌다.",
    "독서 모임에서 이야기 나누기 좋은 책.",
    "짧은 챕터로 나뉘어 읽기 편하다.",
    "긴 여운을 남기는 마지막 장면.",
)


def synthetic_catalog(size: int, *, seed: int = 7) -> list[SampleBook]:
    """`size` books: the sample first, then variations of it (another edition's title, one genre or mood swapped
    for another the catalog uses, a sentence added to the description, popularity spread over three orders)."""
    rng = random.Random(seed)
    base = sample_books()
    genres = sorted({g for book in base for g in book.genres})
    moods = sorted({m for book in base for m in book.mood})
    books = list(base[:size])
    while len(books) < size:
        origin = rng.choice(base)
        number = len(books)
        genre_list = list(origin.genres)
        if rng.random() < 0.5:
            genre_list[rng.randrange(len(genre_list))] = rng.choice(genres)
        mood_list = list(origin.mood)
        if mood_list and rng.random() < 0.5:
            mood_list[rng.randrange(len(mood_list))] = rng.choice(moods)
        books.append(
            replace(
                origin,
                id=f"{origin.id}-v{number}",
                title=f"{origin.title} {rng.choice(_SERIES)} {number}",
                genres=tuple(dict.fromkeys(genre_list)),
                mood=tuple(dict.fromkeys(mood_list)),
                pace=rng.choice(("느린", "빠른")) if rng.random() < 0.3 else origin.pace,
                description=f"{origin.description} {rng.choice(_ADDED)}",
                popularity=float(int(origin.popularity * rng.uniform(0.01, 1.5)) + 1),
            )
        )
    return books
