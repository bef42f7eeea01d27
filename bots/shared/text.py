"""Cutting long text into platform-sized pieces without breaking what the reader sees.

`split_text(text, limit, measure=...)` returns pieces that join back into `text` exactly (nothing is dropped:
whitespace at a cut stays at the end of the earlier piece), each with `measure(piece) <= limit`. A cut prefers,
within the later half of what fits, the end of a blank line, then the end of any line, then a whitespace; failing
those it falls at the last boundary between two user-perceived characters (graphemes), so an emoji ZWJ sequence
(👩‍👩‍👧‍👦), a flag (🇰🇷), a letter with its combining marks, a Hangul syllable spelled in conjoining jamo and a
CRLF are never torn apart. Only a single grapheme longer than `limit` is cut inside (between code points).

`measure` must grow with the text (a longer prefix never measures less) and should be additive: `len` (code
points, the default), `utf16_len` (Telegram, Slack) or a measure of the escaped form, such as
`lambda s: utf16_len(html.escape(s, quote=False))`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

__all__ = ["can_break", "next_cut", "split_text", "utf16_len"]

_ZWJ = "\u200d"
_COMBINING_CATEGORIES = frozenset({"Mn", "Mc", "Me"})  # nonspacing, spacing and enclosing marks


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length and entity offsets (an emoji outside the
    Basic Multilingual Plane counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _hangul_leading(code: int) -> bool:
    return 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97F


def _hangul_trailing(code: int) -> bool:
    """Conjoining vowels and final consonants: they belong to the syllable before them."""
    return 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF


def _extends(char: str) -> bool:
    """Whether `char` attaches to the character before it."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in _COMBINING_CATEGORIES  # also variation selectors and U+20E3 (keycap)
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (text / emoji presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (🏴 flags of England, Scotland, Wales)
        or _hangul_trailing(code)
    )


def can_break(text: str, index: int) -> bool:
    """Whether `text` may be cut between `text[index - 1]` and `text[index]` without splitting a grapheme."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    joined = (
        (before == "\r" and after == "\n")
        or before == _ZWJ
        or _extends(after)
        or (0xD800 <= ord(before) <= 0xDBFF and 0xDC00 <= ord(after) <= 0xDFFF)  # a surrogate pair left unjoined
        # a leading jamo joins a following leading jamo or precomposed syllable
        or (_hangul_leading(ord(before)) and (_hangul_leading(ord(after)) or 0xAC00 <= ord(after) <= 0xD7A3))
    )
    if joined or not (_regional_indicator(before) and _regional_indicator(after)):
        return not joined
    run = 0  # a flag is a pair of regional indicators: break only after an even run of them
    while index - 1 - run >= 0 and _regional_indicator(text[index - 1 - run]):
        run += 1
    return run % 2 == 0


def _longest_fit(text: str, start: int, limit: int, measure: Callable[[str], int]) -> int:
    """The largest end with measure(text[start:end]) <= limit (start itself when not even one character fits).
    Galloping then binary search, so the cost follows the piece's size rather than the text's."""
    size = len(text)
    fits, step = start, 1
    while True:
        probe = min(size, fits + step)
        if measure(text[start:probe]) > limit:
            break
        fits = probe
        if probe == size:
            return size
        step *= 2
    low, high = fits, probe  # text[start:low] fits, text[start:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if measure(text[start:middle]) <= limit:
            low = middle
        else:
            high = middle
    return low


def _blank_line_cut(text: str, start: int, floor: int, end: int) -> int | None:
    newline = text.rfind("\n", floor - 1, end)
    while newline != -1:
        previous = text.rfind("\n", start, newline)
        if previous != -1 and not text[previous + 1 : newline].strip():
            return newline + 1
        newline = text.rfind("\n", floor - 1, newline)
    return None


def next_cut(text: str, start: int, limit: int, *, measure: Callable[[str], int] = len) -> int:
    """Where the piece of `text` beginning at `start` should end (see the module docstring).

    Raises ValueError when not even the first character fits in `limit`."""
    end = _longest_fit(text, start, limit, measure)
    if end >= len(text):
        return len(text)
    if end == start:
        raise ValueError(f"limit {limit} is too small for the character at {start}")
    floor = start + max(1, (end - start) // 2)
    blank = _blank_line_cut(text, start, floor, end)
    if blank is not None:
        return blank
    newline = text.rfind("\n", floor - 1, end)
    if newline != -1:
        return newline + 1  # the character after a newline never attaches to it
    for index in range(end, floor - 1, -1):
        if text[index - 1].isspace() and can_break(text, index):
            return index
    for index in range(end, start, -1):
        if can_break(text, index):
            return index
    return end  # one grapheme longer than the limit: cutting it between code points is all that is left


def split_text(text: str, limit: int, *, measure: Callable[[str], int] = len) -> list[str]:
    """Cut `text` into pieces with `measure(piece) <= limit` that join back into `text` (see the module
    docstring). An empty text gives no pieces. Raises ValueError when a single character measures over `limit`."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    start = 0
    while start < len(text):
        cut = next_cut(text, start, limit, measure=measure)
        pieces.append(text[start:cut])
        start = cut
    return pieces
