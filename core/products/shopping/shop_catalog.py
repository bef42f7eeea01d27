"""The bundled shop catalog (`core/data/shopping/products.jsonl`, written for this project) and the food words
(`products_words.jsonl`) that `/similar` and recipes read.

**Products** carry a name, a category, whether they are food, whether a food is an *ingredient* (삼겹살, 배추,
고춧가루 — bought to cook with) or a *finished good* (포기김치, 양념 돼지갈비, 즉석밥 — eaten or heated as bought),
a core keyword and a typical price. A non-food product (김치냉장고, 감자 필러) is never an ingredient.

**Words** are the food words the shop and the recipes share: synonyms (계란 = 달걀, 감귤 = 귤), broader words
(돼지고기 ⊃ 삼겹살, 목살…), English names (for `/recipe with tofu kimchi` and the English replies) and the
pantry staples (소금, 간장, 참기름…) that a recipe never counts as missing.

**Korean-aware matching** (`Glossary.covers`): a word names a thing when a word of the text *ends* with it —
김치 names 포기김치 and 신김치 but not 김치냉장고 or 김치만두; a one-syllable word (파, 무, 김, 배) only names
itself or the words listed under it (파 → 대파, 쪽파), because 양파 is not 파 and 배추 is not 배. Synonyms are
one word; a broader word names its narrower ones (돼지고기 → 삼겹살), never the other way round unless asked
(`narrower_satisfies`: having 삼겹살 satisfies a recipe's 돼지고기).

**`/similar`** (`SimilarFinder`): the query is read as a catalog product (its exact name, or a close one: Indel
similarity of the Hangul letters ≥ 0.9) or, failing that, by its core keyword. The *class* — food ingredient,
finished food, non-food — is the product's own, or that of the products holding the keyword; a keyword held in
two classes (돼지갈비: raw ribs and seasoned ribs) gives two groups, each told apart in the reply. Within a
class, products are ranked by, each part in [0, 1]:

    lexical  = 0.5 · keyword + 0.2 · category + 0.2 · name + 0.1 · price   (price only when both have one)
    keyword  1 the same word (or a synonym) · 0.8 one ends with the other (포기김치/김치) · 0.7 the same broader
             word (삼겹살/목살 under 돼지고기, 총각김치/묵은지 under 김치) · else 0.6 × the share of the shorter
             word that a shared ending of two syllables or more makes (오겹살/삼겹살 0.4, 돼지고기/소불고기 0.3)
    name     the Jaccard overlap of the names' character bigrams, units and counts left out
    price    1 − |ln(a / b)| / ln 10, at least 0 (a tenth or ten times the price counts nothing)
    score    = lexical, or with an `Embedder`: 0.65 · lexical + 0.35 · cosine (negatives as 0)

Products of another class are never candidates: a 김치 query never answers 김치냉장고, however close the words.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from core.ports import Embedder

logger = logging.getLogger(__name__)

PRODUCTS_FILE: Final = ("data", "shopping", "products.jsonl")  # under the `core` package
WORDS_FILE: Final = ("data", "shopping", "products_words.jsonl")

SAME_PRODUCT: Final = 90.0  # Indel similarity (0-100) of Hangul letters from which a query is read as that product
SIMILAR_PER_GROUP: Final = 5
MAX_GROUPS: Final = 2


class ProductClass(StrEnum):
    INGREDIENT = "ingredient"  # food bought to cook with
    FINISHED = "finished"  # food eaten or heated as bought
    NON_FOOD = "non_food"


@dataclass(frozen=True, kw_only=True)
class ShopProduct:
    name: str
    category: str
    food: bool
    ingredient: bool  # False for finished food and for everything non-food
    keyword: str
    price: int | None

    @property
    def kind(self) -> ProductClass:
        if not self.food:
            return ProductClass.NON_FOOD
        return ProductClass.INGREDIENT if self.ingredient else ProductClass.FINISHED

    @property
    def text(self) -> str:
        """What an embedding model reads of the product."""
        return f"{self.name} · {self.category} · {self.keyword}"


# --- text ------------------------------------------------------------------------------------------------------

_NOT_WORD: Final = re.compile(r"[^\w\s]+")
_SPACES: Final = re.compile(r"\s+")
# "10kg", "1.5L", "24개", "3인분", "16P", "(대)": sizes and counts say nothing about what a product is
_UNIT: Final = re.compile(
    r"^\d+(?:[.,~]\d+)*(?:kg|g|l|ml|mm|cm|w|p|개|구|매|봉|팩|병|포|정|캡슐|마리|미|통|단|모|장|인분|인용|켤레|롤|"
    r"송이|종|벌|년|평형|인치|호|도어|개월분)?$"
)


@lru_cache(maxsize=16384)  # the same few hundred ingredient and product names are read again and again
def normalize(text: str) -> str:
    """NFC, lower case, punctuation as spaces, spaces collapsed: the form every comparison reads."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", folded)).strip()


@lru_cache(maxsize=16384)
def words_of(text: str) -> tuple[str, ...]:
    """The words that say what a thing is: sizes, counts and grades ("10kg", "24개", "1++") left out."""
    return tuple(word for word in normalize(text).split() if not _UNIT.match(word))


def letters(text: str) -> str:
    """Hangul split into its letters (김치찌게 → ㄱㅣㅁㅊㅣㅉㅣㄱㅔ): a typo then costs one letter, not a syllable."""
    return unicodedata.normalize("NFD", text)


def _ends_with(word: str, tail: str) -> bool:
    """`word` ends with `tail`, which is a whole word of two syllables or more (or the word itself)."""
    return word == tail or (len(tail) >= 2 and word.endswith(tail))


def _bigrams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in words_of(text):
        grams.update(word[i : i + 2] for i in range(len(word) - 1))
        if len(word) == 1:
            grams.add(word)
    return frozenset(grams)


def _key(name: str) -> str:
    """A name as one word, sizes and counts left out: "종가 포기김치 10kg" and "종가포기김치" are one product."""
    return "".join(words_of(name))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# --- words -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WordEntry:
    word: str
    en: tuple[str, ...] = ()
    same: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    staple: bool = False


class Glossary:
    """The food words: synonyms, broader words, English names, staples (module docstring)."""

    def __init__(self, entries: Iterable[WordEntry]) -> None:
        self.entries: dict[str, WordEntry] = {}
        self._canonical: dict[str, str] = {}
        self._broader: dict[str, set[str]] = {}
        self._english: dict[str, str] = {}
        for entry in entries:
            word = normalize(entry.word).replace(" ", "")
            self.entries[word] = entry
            self._canonical[word] = word
            for same in entry.same:
                self._canonical.setdefault(normalize(same).replace(" ", ""), word)
            for narrower in entry.narrower:
                self._broader.setdefault(normalize(narrower).replace(" ", ""), set()).add(word)
            for english in entry.en:
                self._english.setdefault(normalize(english), word)
        self._narrower = {
            word: frozenset(self.canonical(n) for n in entry.narrower) for word, entry in self.entries.items()
        }
        # longest first: "다진마늘" is read before "마늘", "청양고추" before "고추"
        self._by_length = sorted(self.entries, key=lambda w: (-len(w), w))
        self._english_phrases = sorted(self._english, key=lambda p: (-len(p.split()), p))

    def canonical(self, word: str) -> str:
        key = normalize(word).replace(" ", "")
        return self._canonical.get(key, key)

    def entry(self, word: str) -> WordEntry | None:
        return self.entries.get(self.canonical(word))

    def narrower(self, word: str) -> frozenset[str]:
        return self._narrower.get(self.canonical(word), frozenset())

    def broader(self, word: str) -> frozenset[str]:
        """The words `word` is a kind of: listed under them (삼겹살 → 돼지고기), or ending with them (신김치 → 김치)."""
        word = self.canonical(word)
        found = set(self._broader.get(word, ()))
        found.update(w for w in self.entries if w != word and len(w) >= 2 and word.endswith(w))
        return frozenset(found)

    def head(self, text: str) -> str | None:
        """The food word a text names, most specific first: "국물용 멸치" → 멸치, "신김치" → 김치 (only via 김치's
        list), "돼지고기" → 돼지고기, "다진 파" → 파; None when no word of the text is known."""
        candidates = [normalize(text).replace(" ", ""), *reversed(words_of(text))]
        for word in candidates:
            canonical = self.canonical(word)
            if canonical in self.entries:
                return canonical
            listed = self._broader.get(canonical)
            if listed:
                return min(listed)
        for word in candidates:
            for known in self._by_length:
                if len(known) >= 2 and word.endswith(known):
                    return known
        return None

    def staple(self, text: str) -> bool:
        head = self.head(text)
        if head is None:
            return False
        entry = self.entries[head]
        return entry.staple or any(self.entries[b].staple for b in self.broader(head) if b in self.entries)

    def english(self, word: str) -> str | None:
        entry = self.entry(word)
        return entry.en[0] if entry is not None and entry.en else None

    def from_english(self, text: str) -> list[str]:
        """English words in their Korean form, longest phrase first ("green onion" → 대파, not 양파); words it does
        not know are kept as typed."""
        words = normalize(text).split()
        found: list[str] = []
        i = 0
        while i < len(words):
            for size in (3, 2, 1):
                phrase = " ".join(words[i : i + size])
                if len(phrase.split()) == size and phrase in self._english:
                    found.append(self._english[phrase])
                    i += size
                    break
            else:
                singular = words[i].removesuffix("es") if words[i].endswith("oes") else words[i].removesuffix("s")
                found.append(self._english.get(singular, words[i]))
                i += 1
        return found

    def covers(self, term: str, text: str, *, narrower_satisfies: bool = False) -> bool:
        """Whether `term` names what `text` names (module docstring): 김치 covers "신김치" and "종가 포기김치 10kg";
        돼지고기 covers "삼겹살"; with `narrower_satisfies`, 삼겹살 covers "돼지고기" too (a recipe's 돼지고기 can be
        the 삼겹살 you have)."""
        wanted = self.canonical(term)
        if not wanted:
            return False
        below = self.narrower(wanted)
        for word in {normalize(text).replace(" ", ""), *words_of(text)}:
            have = self.canonical(word)
            if _ends_with(have, wanted) or have in below or any(_ends_with(have, n) for n in below if len(n) >= 2):
                return True
            if narrower_satisfies and wanted in self.narrower(have):
                return True
        return False

    def relation(self, a: str, b: str) -> float:
        """How close two keywords are (module docstring: 1, 0.8, 0.7, 0.6 or 0)."""
        a, b = self.canonical(a), self.canonical(b)
        if not a or not b:
            return 0.0
        if a == b:
            return 1.0
        if (len(b) >= 2 and a.endswith(b)) or (len(a) >= 2 and b.endswith(a)):
            return 0.8
        if ({a} | self.broader(a)) & ({b} | self.broader(b)):
            return 0.7
        shared = 0
        while shared < min(len(a), len(b)) and a[-1 - shared] == b[-1 - shared]:
            shared += 1
        # 오겹살/삼겹살 share most of a word; 돼지고기/소불고기 only the 고기 of it
        return 0.6 * shared / min(len(a), len(b)) if shared >= 2 else 0.0


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{what} is not a list of strings")
    return tuple(value)


def _lines(path: tuple[str, ...]) -> list[tuple[int, Mapping[str, Any]]]:
    text = resources.files("core").joinpath(*path).read_text(encoding="utf-8")
    return [(number, json.loads(line)) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


@cache
def glossary() -> Glossary:
    """The bundled food words, read once per process; a malformed line is a bug in the shipped data."""
    entries = []
    for number, row in _lines(WORDS_FILE):
        try:
            entries.append(
                WordEntry(
                    word=str(row["word"]),
                    en=_strings(row.get("en", []), "en"),
                    same=_strings(row.get("same", []), "same"),
                    narrower=_strings(row.get("narrower", []), "narrower"),
                    staple=bool(row.get("staple", False)),
                )
            )
        except (KeyError, ValueError) as error:
            raise ValueError(f"products_words line {number}: {error}") from error
    return Glossary(entries)


@cache
def shop_products() -> tuple[ShopProduct, ...]:
    """The bundled shop catalog, read once per process; a malformed line is a bug in the shipped data."""
    products = []
    for number, row in _lines(PRODUCTS_FILE):
        try:
            price = row.get("price")
            products.append(
                ShopProduct(
                    name=str(row["name"]),
                    category=str(row["category"]),
                    food=bool(row["food"]),
                    ingredient=bool(row["ingredient"]) and bool(row["food"]),
                    keyword=str(row["keyword"]),
                    price=int(price) if price is not None else None,
                )
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"products line {number}: {error}") from error
    return tuple(products)


def core_keyword(name: str, keywords: Iterable[str], words: Glossary) -> str | None:
    """A product name's core keyword, from the last word that says what it is: "국내산 한돈 삼겹살 1kg" → 삼겹살,
    "한돈 목살 구이용 1kg" → 목살. A word is read as the longest known keyword it ends with; None when none."""
    known = sorted({normalize(k).replace(" ", "") for k in keywords}, key=lambda k: (-len(k), k))
    for written in reversed(words_of(name)):
        word = words.canonical(written)
        for keyword in known:
            if _ends_with(word, keyword):
                return keyword
    return None


# --- /similar --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Ranked:
    product: ShopProduct
    score: float


@dataclass(frozen=True, kw_only=True)
class SimilarGroup:
    kind: ProductClass
    products: tuple[Ranked, ...]


@dataclass(frozen=True, kw_only=True)
class SimilarAnswer:
    """What `/similar` found: the product the query was read as (None when read by keyword), the keyword, and
    the similar products by class."""

    matched: ShopProduct | None
    keyword: str
    groups: tuple[SimilarGroup, ...]


@dataclass(frozen=True, kw_only=True)
class _Profile:
    keyword: str
    category: str | None
    grams: frozenset[str]
    price: int | None


@dataclass(frozen=True, kw_only=True)
class Weights:
    keyword: float = 0.5
    category: float = 0.2
    name: float = 0.2
    price: float = 0.1
    semantic: float = 0.35  # the cosine's share when an embedder is given


def price_closeness(a: int | None, b: int | None) -> float | None:
    if not a or not b:
        return None
    return max(0.0, 1.0 - abs(math.log(a / b)) / math.log(10))


@dataclass
class SimilarFinder:
    """`/similar` over the bundled catalog (module docstring). One per process: the product vectors of an embedder
    are computed once, on the first query."""

    products: Sequence[ShopProduct] = field(default_factory=shop_products)
    words: Glossary = field(default_factory=glossary)
    embedder: Embedder | None = None
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        self._keys = [_key(p.name) for p in self.products]
        self._letters = [letters(key) for key in self._keys]
        self._grams = [_bigrams(p.name) for p in self.products]
        # what a query's keyword may be: a product's keyword or a food word (김치 is no product's keyword)
        self._keywords = {self.words.canonical(p.keyword) for p in self.products} | set(self.words.entries)
        self._vectors: NDArray[np.float32] | None = None
        self._vectors_of: str | None = None

    def read(self, query: str) -> tuple[ShopProduct | None, str | None]:
        """The product a query names (exact or close), else None; and its keyword (None: nothing known). English
        food words are read in Korean ("pork belly" → 삼겹살): the catalog is Korean."""
        if query.isascii():
            query = " ".join(self.words.from_english(query))
        key = _key(query)
        if not key:
            return None, None
        if key in self._keys:
            product = self.products[self._keys.index(key)]
            return product, self.words.canonical(product.keyword)
        best = process.extractOne(letters(key), self._letters, scorer=fuzz.ratio, score_cutoff=SAME_PRODUCT)
        if best is not None and len(key) >= 3:
            product = self.products[best[2]]
            return product, self.words.canonical(product.keyword)
        keyword = core_keyword(query, self._keywords, self.words)
        if keyword is None:  # a word some keywords end with: 갈비 (돼지갈비, LA갈비…)
            keyword = next(
                (
                    word
                    for word in reversed(words_of(query))
                    if len(word) >= 2 and any(_ends_with(k, word) for k in self._keywords)
                ),
                None,
            )
        return None, keyword

    def _anchors(self, keyword: str) -> list[ShopProduct]:
        """The products holding the keyword or a word it names (김치 → 포기김치, 총각김치; 김 → 조미김); failing
        that, those whose keyword names it (냉장고 for 김치냉장고)."""
        named = [p for p in self.products if self.words.covers(keyword, p.keyword)]
        return named or [p for p in self.products if self.words.covers(p.keyword, keyword)]

    async def similar(self, query: str, *, per_group: int = SIMILAR_PER_GROUP) -> SimilarAnswer | None:
        """Similar products of the query's class (or classes), best first; None when nothing in it is known."""
        matched, keyword = self.read(query)
        if keyword is None:
            return None
        anchors = [matched] if matched is not None else self._anchors(keyword)
        if not anchors:
            return None
        counts = Counter(p.kind for p in anchors)
        exact = {p.kind for p in anchors if self.words.canonical(p.keyword) == keyword}
        # the class holding the very word first (김 → 김밥용 김 before 조미김), then the one holding most
        kinds = sorted(counts, key=lambda kind: (kind not in exact, -counts[kind]))[:MAX_GROUPS]
        cosines = await self._cosines(matched.text if matched else query)
        groups = []
        for kind in kinds:
            in_kind = [p for p in anchors if p.kind is kind]
            category = Counter(p.category for p in in_kind).most_common(1)[0][0]
            prices = sorted(p.price for p in in_kind if p.price)
            profile = _Profile(
                keyword=keyword,
                category=category,
                grams=_bigrams(matched.name if matched else query),
                price=prices[len(prices) // 2] if prices else None,  # a keyword's typical price: the median
            )
            ranked = sorted(
                (
                    Ranked(product=p, score=self._score(profile, i, cosines))
                    for i, p in enumerate(self.products)
                    if p.kind is kind and p is not matched
                ),
                key=lambda r: (-r.score, r.product.name),
            )
            groups.append(SimilarGroup(kind=kind, products=tuple(ranked[:per_group])))
        return SimilarAnswer(matched=matched, keyword=keyword, groups=tuple(groups))

    def _score(self, profile: _Profile, index: int, cosines: Sequence[float] | None) -> float:
        product, w = self.products[index], self.weights
        parts = [
            (w.keyword, self.words.relation(profile.keyword, product.keyword)),
            (w.category, 1.0 if profile.category == product.category else 0.0),
            (w.name, _jaccard(profile.grams, self._grams[index])),
        ]
        closeness = price_closeness(profile.price, product.price)
        if closeness is not None:
            parts.append((w.price, closeness))
        lexical = sum(weight * value for weight, value in parts) / sum(weight for weight, _ in parts)
        if cosines is None:
            return lexical
        return (1 - w.semantic) * lexical + w.semantic * max(cosines[index], 0.0)

    async def _cosines(self, text: str) -> list[float] | None:
        """The cosine of the query and every product, or None (no embedder, or it failed: lexical only)."""
        embedder = self.embedder
        if embedder is None:
            return None
        try:
            if self._vectors is None or self._vectors_of != embedder.name:
                self._vectors = await embedder.embed([p.text for p in self.products])
                self._vectors_of = embedder.name
            query = await embedder.embed([text])
        except Exception:
            logger.exception("embedding for /similar with %s failed: ranking lexically", embedder.name)
            return None
        return [float(value) for value in self._vectors @ query[0]]
