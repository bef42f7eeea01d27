"""split_text cuts long text on clean boundaries, never inside a grapheme, and loses nothing."""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable

import pytest

from bots.shared.text import can_break, split_text, utf16_len

FAMILY = "👩\u200d👩\u200d👧\u200d👦"  # 👩‍👩‍👧‍👦: four emoji joined by three ZWJs
KOREA = "🇰🇷"  # two regional indicators
THUMBS_UP_MEDIUM = "👍🏽"  # an emoji and its skin-tone modifier
GAK_JAMO = "\u1100\u1161\u11a8"  # 각 spelled in conjoining jamo (leading, vowel, final)
E_ACUTE = "e\u0301"  # e + combining acute accent


def assert_clean(text: str, pieces: list[str], limit: int, measure: Callable[[str], int] = len) -> None:
    assert "".join(pieces) == text
    assert all(piece for piece in pieces)
    assert all(measure(piece) <= limit for piece in pieces), [measure(p) for p in pieces]
    cut = 0
    for piece in pieces[:-1]:
        cut += len(piece)
        assert can_break(text, cut), f"cut inside a grapheme at {cut}: {text[cut - 3 : cut + 3]!r}"


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("") == 0
    assert utf16_len("마음") == 2
    assert utf16_len("😀") == 2
    assert utf16_len(KOREA) == 4
    assert utf16_len(FAMILY) == 11
    assert utf16_len(E_ACUTE) == 2


def test_a_text_within_the_limit_is_one_piece_and_an_empty_text_none() -> None:
    assert split_text("안녕하세요", 5) == ["안녕하세요"]
    assert split_text("", 10) == []


def test_a_blank_line_is_preferred_to_a_newline_and_a_space() -> None:
    text = "첫 문단의 문장입니다. 조금 더 길게\n\n둘째\n둘째 문단 둘째 줄 이어지는 말"
    pieces = split_text(text, 30)
    assert pieces[0] == "첫 문단의 문장입니다. 조금 더 길게\n\n"
    assert_clean(text, pieces, 30)


def test_a_newline_is_preferred_to_a_space() -> None:
    text = "오늘 하루는 어땠나요\n많이 힘들었죠 정말로 그랬어요"
    pieces = split_text(text, 20)
    assert pieces[0] == "오늘 하루는 어땠나요\n"
    assert_clean(text, pieces, 20)


def test_korean_prose_is_cut_after_a_space_in_the_later_half_of_the_window() -> None:
    text = "마음이 힘들 때는 천천히 숨을 쉬어 보세요 " * 20
    pieces = split_text(text, 50)
    assert len(pieces) > 1
    assert all(piece.endswith(" ") for piece in pieces)
    assert all(len(piece) > 25 for piece in pieces[:-1])
    assert_clean(text, pieces, 50)


def test_a_boundary_only_in_the_first_half_gives_way_to_a_fuller_hard_cut() -> None:
    text = "짧은 " + "가" * 40
    pieces = split_text(text, 20)
    assert pieces[0] == "짧은 " + "가" * 17
    assert_clean(text, pieces, 20)


def test_an_emoji_zwj_sequence_is_never_split() -> None:
    text = ("가나다" + FAMILY) * 30
    for limit in (8, 9, 10, 11, 12, 13):
        pieces = split_text(text, limit)
        assert_clean(text, pieces, limit)
        assert all(piece.count("\u200d") % 3 == 0 for piece in pieces)


def test_a_flag_keeps_its_two_regional_indicators_together() -> None:
    text = KOREA * 25
    for limit in (3, 5, 7):
        pieces = split_text(text, limit)
        assert_clean(text, pieces, limit)
        assert all(len(piece) % 2 == 0 for piece in pieces)


def test_a_letter_keeps_its_combining_marks() -> None:
    text = E_ACUTE * 100
    pieces = split_text(text, 7)
    assert_clean(text, pieces, 7)
    assert not any(piece.startswith("\u0301") for piece in pieces)
    assert all(len(piece) == 6 for piece in pieces[:-1])


def test_a_hangul_syllable_in_conjoining_jamo_stays_whole() -> None:
    text = GAK_JAMO * 50
    pieces = split_text(text, 10)
    assert_clean(text, pieces, 10)
    assert all(piece.startswith("\u1100") and len(piece) % 3 == 0 for piece in pieces)


def test_a_skin_tone_modifier_and_a_variation_selector_stay_with_their_emoji() -> None:
    text = ("가" + THUMBS_UP_MEDIUM + "❤\ufe0f") * 20
    for limit in (4, 5, 6, 7):
        pieces = split_text(text, limit)
        assert_clean(text, pieces, limit)
        assert not any(piece[0] in "\U0001f3fd\ufe0f" for piece in pieces)


def test_crlf_is_never_split() -> None:
    text = "abc\r\ndef\r\nghi"
    for limit in range(2, 12):
        pieces = split_text(text, limit)
        assert_clean(text, pieces, limit)
        assert not any(piece.endswith("\r") for piece in pieces[:-1])


def test_a_single_word_longer_than_the_limit_is_hard_cut_at_a_grapheme_boundary() -> None:
    word = "가나다라마바사아자차" + THUMBS_UP_MEDIUM + "카타파하"
    pieces = split_text(word, 11)
    assert pieces == ["가나다라마바사아자차", THUMBS_UP_MEDIUM + "카타파하"]
    assert_clean(word, pieces, 11)


def test_utf16_measure_counts_emoji_as_two_units() -> None:
    text = "😀" * 10
    pieces = split_text(text, 5, measure=utf16_len)
    assert pieces == ["😀😀"] * 5
    assert_clean(text, pieces, 5, utf16_len)


def test_an_escaped_measure_keeps_each_piece_within_the_limit_once_escaped() -> None:
    def escaped(s: str) -> int:
        return utf16_len(html.escape(s, quote=False))

    text = "a < b & c > d " * 100
    pieces = split_text(text, 40, measure=escaped)
    assert len(pieces) > 10
    assert_clean(text, pieces, 40, escaped)


def test_a_grapheme_longer_than_the_limit_is_cut_between_code_points_as_a_last_resort() -> None:
    zalgo = "a" + "\u0301" * 20
    pieces = split_text(zalgo, 5)
    assert "".join(pieces) == zalgo
    assert all(len(piece) <= 5 for piece in pieces)


def test_a_limit_too_small_for_one_character_is_an_error() -> None:
    with pytest.raises(ValueError, match="too small"):
        split_text("😀", 1, measure=utf16_len)
    with pytest.raises(ValueError, match="at least 1"):
        split_text("가", 0)


def test_ten_thousand_characters_of_korean_split_into_telegram_messages_quickly() -> None:
    paragraph = "요즘 잠을 잘 못 자요. 회사 일이 너무 많아서 걱정이 돼요 😢\n" * 400
    text = paragraph[:10_000]
    started = time.perf_counter()
    pieces = split_text(text, 4096, measure=utf16_len)
    assert time.perf_counter() - started < 1.0
    assert len(pieces) == 3
    assert all(piece.endswith("\n") for piece in pieces[:-1])
    assert_clean(text, pieces, 4096, utf16_len)


def test_ten_thousand_characters_without_whitespace_are_cut_exactly_at_the_limit() -> None:
    text = "가" * 10_000
    pieces = split_text(text, 100)
    assert [len(p) for p in pieces] == [100] * 100
    assert_clean(text, pieces, 100)


def test_random_mixed_texts_always_split_cleanly() -> None:
    alphabet = ["가", "나", " ", "\n", "\n\n", "\r\n", FAMILY, KOREA, THUMBS_UP_MEDIUM, E_ACUTE, GAK_JAMO, "&", "<"]
    rng = random.Random(20240611)
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        limit = rng.randint(11, 60)
        measure: Callable[[str], int] = rng.choice([len, utf16_len])
        assert_clean(text, split_text(text, limit, measure=measure), limit, measure)
