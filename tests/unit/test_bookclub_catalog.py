"""The catalog's pure rules: reading an Aladin bestseller list, and the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.products.bookclub.catalog import (
    Book,
    BookId,
    NewBook,
    UnreadableImport,
    category_levels,
    exclusion,
    main_title,
    merge,
    parse_aladin,
    parse_authors,
    read_aladin,
    same_work,
    sample_books,
    valid_isbn13,
)

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "aladin_bestsellers.json"
HISTORY = "국내도서>역사>세계사"
JAPANESE_NOVELS = "국내도서>소설/시/희곡>일본소설"
HISTORICAL_NOVELS = "국내도서>소설/시/희곡>역사소설>한국 역사소설"


def item(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": "작별하지 않는다",
        "author": "한강 (지은이)",
        "categoryName": "국내도서>소설/시/희곡>한국소설>2000년대 이후 한국소설",
        "description": "제주 4·3을 세 여성의 이야기로 그린 장편소설.",
        "salesPoint": 401220,
        "isbn13": "9788936434120",
        "pubDate": "2021-09-09",
        "priceStandard": 16800,
    }
    base.update(overrides)
    return base


def test_the_category_is_kept_at_its_middle_level_with_repeats_and_spaces_folded() -> None:
    [book] = parse_aladin({"item": [item(categoryName="국내도서 > 소설 / 시 / 희곡>소설/시/희곡>한국소설")]}).books
    assert book.category == "소설/시/희곡"
    assert book.genres == ("한국소설",)
    assert category_levels("국내도서>경제경영>경제경영>트렌드/미래전망") == ["국내도서", "경제경영", "트렌드/미래전망"]


@pytest.mark.parametrize(
    ("category", "reason"),
    [
        ("외국도서>Fiction>Literary", "foreign"),
        ("eBook>소설/시/희곡>한국소설", "not a book"),
        ("국내도서>어린이>동화/명작/고전", "children's"),
        ("국내도서>유아>그림책>한국 그림책", "children's"),
        ("국내도서>청소년>청소년 소설", "children's"),
        ("국내도서>초등학교참고서>국어", "children's"),
        ("국내도서>외국어>어린이영어>리더스", "children's"),
        ("국내도서>만화>본격장르만화", "comics"),
        ("국내도서>역사>한국사>한국사 만화", "comics"),
        ("국내도서>소설/시/희곡>한국소설", None),
        ("국내도서>외국어>영어회화", None),  # books for learning a language are Korean books
        ("국내도서>좋은부모>육아", None),  # for parents, not children
    ],
)
def test_children_comics_and_foreign_language_books_are_excluded(category: str, reason: str | None) -> None:
    assert exclusion(category_levels(category)) == reason


def test_writers_are_kept_translators_and_others_dropped_and_names_deduplicated() -> None:
    assert parse_authors("유발 하라리 (지은이), 조현욱 (옮긴이), 이태수 (감수)") == (("유발 하라리",), True)
    assert parse_authors("김초엽 (지은이), 김초엽 (지은이)") == (("김초엽",), False)
    assert parse_authors("김난도, 전미영, 최지혜 (지은이)") == (("김난도", "전미영", "최지혜"), False)
    assert parse_authors("흔한남매 (원작), 백난도 (글), 유난희 (그림)") == (("흔한남매", "백난도"), False)
    assert parse_authors("백희나 (글, 그림)") == (("백희나",), False)  # a comma inside the role
    assert parse_authors("김영하 외 (지은이)") == (("김영하",), False)
    assert parse_authors("쇼펜하우어 (지은이), 강현규 (엮은이), 박제헌 (옮긴이)") == (("쇼펜하우어", "강현규"), True)
    assert parse_authors("James Clear") == (("James Clear",), False)  # no role: a writer
    assert parse_authors("") == ((), False)
    assert parse_authors(None) == ((), False)


def test_a_translator_makes_the_book_translated_and_so_does_a_foreign_fiction_category() -> None:
    by_role, by_category, korean = parse_aladin(
        [
            item(isbn13="9788934975700", author="유발 하라리 (지은이), 조현욱 (옮긴이)", categoryName=HISTORY),
            item(isbn13="9788972758891", author="히가시노 게이고 (지은이)", categoryName=JAPANESE_NOVELS),
            item(),
        ]
    ).books
    assert by_role.translated and by_category.translated and not korean.translated
    assert by_category.genres == ("외국소설",)


def test_titles_lose_aladins_subtitle_and_edition_notes() -> None:
    assert main_title("소년이 온다 (리커버 특별판) - 2024 노벨문학상 수상작가") == "소년이 온다"
    assert main_title("사피엔스 (무선본) - 유인원에서 사이보그까지") == "사피엔스"
    assert main_title("아몬드 (양장)") == "아몬드"
    assert main_title("용의자 X의 헌신") == "용의자 X의 헌신"
    assert main_title("  &lt;채식주의자&gt;  ") == "<채식주의자>"


def test_isbn13_needs_thirteen_digits_a_bookland_prefix_and_its_checksum() -> None:
    assert valid_isbn13("9788936434120") == "9788936434120"
    assert valid_isbn13("978-89-364-3412-0") == "9788936434120"
    assert valid_isbn13(9788936434120) == "9788936434120"
    assert valid_isbn13("9788936434121") is None  # checksum
    assert valid_isbn13("8936434120") is None  # ISBN-10
    assert valid_isbn13("1234567890128") is None  # not 978/979
    assert valid_isbn13("K432030553") is None  # Aladin's own code for items without an ISBN
    assert valid_isbn13("") is None
    assert valid_isbn13(None) is None
    assert valid_isbn13(True) is None


def test_bad_items_are_counted_with_their_reason() -> None:
    parsed = parse_aladin(
        {
            "item": [
                item(),
                "광고",
                item(title=""),
                item(title=None),
                item(isbn13="9788936434121"),
                item(isbn13=""),
                item(salesPoint="많음"),
                item(categoryName="국내도서"),
                item(categoryName=None),
            ]
        }
    )
    assert len(parsed.books) == 1 and parsed.excluded == 0 and parsed.bad == 8
    assert parsed.bad_by == {"not an object": 1, "title": 2, "ISBN": 2, "sales point": 1, "category": 2}


def test_an_excluded_item_is_excluded_even_if_it_would_also_be_bad() -> None:
    parsed = parse_aladin([item(categoryName="국내도서>만화>웹툰", isbn13="")])
    assert (parsed.excluded, parsed.bad) == (1, 0)


def test_the_same_isbn_twice_is_one_book_with_both_genres_and_the_higher_sales_point() -> None:
    parsed = parse_aladin(
        [
            item(salesPoint=100),
            item(title="작별하지 않는다 (특별판)", salesPoint=300, categoryName=HISTORICAL_NOVELS),
        ]
    )
    [book] = parsed.books
    assert (parsed.merged, book.popularity, book.title) == (1, 300, "작별하지 않는다")
    assert book.genres == ("한국소설", "역사소설")
    assert parsed.items == 2


def test_sales_point_is_the_popularity_and_a_missing_one_is_zero() -> None:
    first, second, third = parse_aladin(
        [item(), item(isbn13="9788934975700", salesPoint=None), item(isbn13="9788972758891", salesPoint="12,345")]
    ).books
    assert (first.popularity, second.popularity, third.popularity) == (401220, 0, 12345)


def test_descriptions_lose_html_and_poems_are_not_fiction() -> None:
    [poems] = parse_aladin(
        [item(categoryName="국내도서>소설/시/희곡>시>한국시", description="<b>한강</b>의 첫 시집 &amp; 그 후")]
    ).books
    assert poems.description == "한강 의 첫 시집 & 그 후"
    assert poems.genres == ("시",) and not poems.fiction


def test_the_file_is_an_object_with_an_item_list_or_a_list_of_items() -> None:
    assert len(parse_aladin({"item": [item()]}).books) == 1
    assert len(parse_aladin([item()]).books) == 1
    assert len(read_aladin(json.dumps({"item": [item()]}) + ";\n").books) == 1  # Aladin's output=js
    for data in ({"items": []}, {"item": "x"}, "text", 3, None):
        with pytest.raises(UnreadableImport):
            parse_aladin(data)
    with pytest.raises(UnreadableImport, match="not JSON"):
        read_aladin("<html>")


def test_the_fixture_file_counts_every_item_once() -> None:
    parsed = read_aladin(FIXTURE.read_text(encoding="utf-8"))
    assert parsed.items == len(json.loads(FIXTURE.read_text(encoding="utf-8"))["item"])
    assert (len(parsed.books), parsed.merged, parsed.excluded, parsed.bad) == (23, 1, 9, 6)
    assert parsed.excluded_by == {"children's": 4, "comics": 2, "foreign": 2, "not a book": 1}


def test_an_update_never_blanks_what_the_catalog_knew() -> None:
    old = Book(
        id=BookId(1),
        key="kor-almond",
        title="아몬드",
        authors=("손원평",),
        category="소설/시/희곡",
        genres=("한국소설", "성장"),
        fiction=True,
        mood=("따뜻한",),
        pace="빠른",
        length="보통",
        description="성장 이야기",
        popularity=90000,
        source="sample",
    )
    new = NewBook(
        key="isbn:9791190565226",
        isbn13="9791190565226",
        title="아몬드",
        authors=("손원평",),
        category="소설/시/희곡",
        genres=("한국소설",),
        fiction=True,
        popularity=154230,
    )
    stored = merge(old, new)
    assert stored.key == "kor-almond" and stored.isbn13 == "9791190565226"
    assert (stored.mood, stored.pace, stored.length, stored.description) == (("따뜻한",), "빠른", "보통", "성장 이야기")
    assert stored.genres == ("한국소설", "성장") and stored.popularity == 154230 and stored.source == "import"


def test_the_same_work_needs_the_title_and_a_common_author() -> None:
    assert same_work("아몬드", ["손원평"], "아몬드 (양장)", ["손 원평"])
    assert not same_work("아몬드", ["손원평"], "아몬드", ["다른 사람"])
    assert not same_work("아몬드", ["손원평"], "아몬드 2", ["손원평"])


def test_the_bundled_sample_has_enough_well_formed_books() -> None:
    books = sample_books()
    assert len(books) >= 200
    assert len({book.key for book in books}) == len(books)
    assert all(book.title and book.authors and book.category and book.description for book in books)
    assert all(book.source == "sample" and book.isbn13 is None for book in books)
    assert {book.translated for book in books} == {True, False}


def test_the_sample_ships_with_the_package() -> None:
    import tomllib

    core = Path(__file__).resolve().parents[2] / "core"
    with (core.parent / "pyproject.toml").open("rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]["core"]
    shipped = {path for pattern in patterns for path in core.glob(pattern)}
    assert core / "data" / "bookclub" / "sample_catalog.jsonl" in shipped
