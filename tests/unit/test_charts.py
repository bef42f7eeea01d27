"""The weekly chart: a real PNG, Korean drawn with the bundled NanumGothic (never a system font), no missing glyphs."""

from __future__ import annotations

import io
import logging
import struct
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends import backend_agg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from core.adapters import charts
from core.adapters.charts import (
    HEIGHT_PX,
    WIDTH_PX,
    ChartFontMissingError,
    MatplotlibChartRenderer,
    bundled_font,
    render_weekly_chart,
    weekly_figure,
)
from core.domain.emotion import Emotion
from core.products.diary.weekly_stats import ChartLabels, DayEntry, WeeklyStats, summarize
from core.products.diary.weeks import english_name, korean_name, week_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WEEK = week_of(date(2025, 11, 27))

KOREAN = ChartLabels(
    title=f"📊 {korean_name(WEEK)} 마음 기록",  # the emoji is not in NanumGothic: it must be left out, not boxed
    emotions=tuple(e.korean_name for e in Emotion),
    weekdays=("월", "화", "수", "목", "금", "토", "일"),
    distribution_label="감정 분포",
    trend_label="기분 흐름",
    no_entries="이번 주에는 일기가 없어요",
)
ENGLISH = ChartLabels(
    title=f"{english_name(WEEK)} — your week",
    emotions=tuple(e.value.capitalize() for e in Emotion),
    weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    distribution_label="Emotions",
    trend_label="Mood (−5 … +5)",
    no_entries="No diary entries this week",
)


def make_stats(*, empty: bool = False) -> WeeklyStats:
    entries = (
        []
        if empty
        else [
            DayEntry(local_date=WEEK.monday, emotion=Emotion.JOY, intensity=4),
            DayEntry(local_date=WEEK.monday + timedelta(days=1), emotion=Emotion.CALM, intensity=2),
            DayEntry(local_date=WEEK.monday + timedelta(days=1), emotion=Emotion.ANXIETY, intensity=3),
            DayEntry(local_date=WEEK.monday + timedelta(days=3), emotion=Emotion.SADNESS, intensity=5),
            DayEntry(local_date=WEEK.monday + timedelta(days=4), emotion=Emotion.ANGER, intensity=2),
            DayEntry(local_date=WEEK.monday + timedelta(days=6), emotion=Emotion.TIREDNESS, intensity=1),
        ]
    )
    return summarize(
        WEEK,
        entries,
        today=date(2025, 12, 1),
        worries_asked=3,
        helpful_f=2,
        helpful_t=1,
        all_entry_days={e.local_date for e in entries},
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def hangul(text: str) -> set[str]:
    return {c for c in text if "\uac00" <= c <= "\ud7a3"}


@pytest.fixture
def no_font_trouble(caplog: pytest.LogCaptureFixture) -> Iterator[list[warnings.WarningMessage]]:
    """Fails the test on any "Glyph … missing from font(s)" warning or font-lookup complaint while drawing."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG, logger="matplotlib"):
        warnings.simplefilter("always")
        yield caught
    glyph_warnings = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert glyph_warnings == []
    font_logs = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert font_logs == []


def drawn_texts(figure: Figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]


# --- the font -----------------------------------------------------------------------------------------------------


def test_the_font_comes_from_the_installed_package_not_the_system() -> None:
    font = bundled_font()
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    for path in (font.regular, font.bold):
        assert path.is_file()
        assert path.resolve().is_relative_to(site_packages / "koreanize_matplotlib" / "fonts"), path
        assert FT2Font(str(path)).family_name == "NanumGothic"
    assert font.regular.name == "NanumGothic.ttf"
    assert font.bold.name == "NanumGothicBold.ttf"


def test_the_font_package_is_located_not_imported() -> None:
    """Importing koreanize_matplotlib would rewrite matplotlib's global rcParams; the chart must not do that."""
    family_before = list(matplotlib.rcParams["font.family"])
    render_weekly_chart(make_stats(), KOREAN)
    assert "koreanize_matplotlib" not in sys.modules
    assert list(matplotlib.rcParams["font.family"]) == family_before


def test_a_missing_font_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled_font.cache_clear()
    monkeypatch.setattr(charts, "FONT_PACKAGE", "no_such_font_package_here")
    try:
        with pytest.raises(ChartFontMissingError, match="koreanize-matplotlib"):
            MatplotlibChartRenderer()
    finally:
        bundled_font.cache_clear()


def test_drawable_leaves_out_what_the_font_cannot_draw() -> None:
    font = bundled_font()
    assert font.drawable("📊 11월 4주차 ✨") == " 11월 4주차 "
    assert font.drawable("Mood (-5 … +5)") == "Mood (-5 … +5)"
    assert font.drawable("\u22125 … +5") == "-5 … +5"  # NanumGothic has no U+2212 MINUS SIGN: a hyphen stands in


# --- Korean -------------------------------------------------------------------------------------------------------


def test_a_korean_chart_is_a_1000_by_560_png(no_font_trouble: list[warnings.WarningMessage]) -> None:
    png = render_weekly_chart(make_stats(), KOREAN)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) == (1000, 560)
    assert len(png) > 5_000


def test_every_korean_text_is_drawn_with_the_bundled_font(
    monkeypatch: pytest.MonkeyPatch, no_font_trouble: list[warnings.WarningMessage]
) -> None:
    font = bundled_font()
    bundled = {str(font.regular), str(font.bold)}
    loaded: list[str] = []
    real_get_font = backend_agg.get_font  # type: ignore[attr-defined]

    def spying_get_font(paths: object, *args: object, **kwargs: object) -> FT2Font:
        loaded.extend(str(p) for p in (paths if isinstance(paths, list | tuple) else [paths]))
        return real_get_font(paths, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(backend_agg, "get_font", spying_get_font)
    figure = weekly_figure(make_stats(), KOREAN)
    figure.canvas.draw()

    # every font file the Agg renderer opened while drawing is a bundled NanumGothic file
    assert loaded
    assert set(loaded) <= bundled, set(loaded) - bundled

    texts = drawn_texts(figure)
    shown = {t.get_text() for t in texts}
    for label in (*KOREAN.emotions, *KOREAN.weekdays, KOREAN.distribution_label, KOREAN.trend_label):
        assert label in shown, label
    assert f"{korean_name(WEEK)} 마음 기록" in {s.strip() for s in shown}  # the title, emoji left out

    korean_seen: set[str] = set()
    for text in texts:
        properties = text.get_fontproperties()
        path = properties.get_file()
        assert path is not None, text.get_text()
        assert str(path) in bundled, (text.get_text(), path)
        assert findfont(properties) == str(path)
        charmap = FT2Font(str(path)).get_charmap()
        missing = {c for c in text.get_text() if not c.isspace() and ord(c) not in charmap}
        assert missing == set(), (text.get_text(), missing)
        korean_seen |= hangul(text.get_text())
    every_label = "".join(
        (KOREAN.title, *KOREAN.emotions, *KOREAN.weekdays, KOREAN.distribution_label, KOREAN.trend_label)
    )
    assert korean_seen == hangul(every_label)
    for path in bundled:
        charmap = FT2Font(path).get_charmap()
        assert all(ord(c) in charmap for c in hangul(every_label + KOREAN.no_entries))


def test_the_check_would_catch_a_font_without_hangul() -> None:
    """The negative control: Hangul in matplotlib's default DejaVu Sans does warn, so silence above means something."""
    dejavu = FontProperties(family="DejaVu Sans")
    figure = Figure(figsize=(2, 1))
    backend_agg.FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, "감정", fontproperties=dejavu)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()
    assert any("missing from font" in str(w.message) for w in caught)


def test_an_empty_korean_week_shows_the_no_entries_line(no_font_trouble: list[warnings.WarningMessage]) -> None:
    figure = weekly_figure(make_stats(empty=True), KOREAN)
    figure.canvas.draw()
    shown = [t.get_text() for t in drawn_texts(figure)]
    assert shown.count(KOREAN.no_entries) == 2
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    assert png_size(buffer.getvalue()) == (1000, 560)


def test_the_trend_has_gaps_for_days_without_entries() -> None:
    stats = make_stats()
    figure = weekly_figure(stats, KOREAN)
    trend_axes = figure.axes[1]
    (line,) = trend_axes.get_lines()[1:]  # [0] is the zero line
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert [bool(np.isnan(y)) for y in ys] == [score is None for score in stats.trend]  # NaN where there is no entry


# --- English and the port -----------------------------------------------------------------------------------------


def test_an_english_chart_renders_too(no_font_trouble: list[warnings.WarningMessage]) -> None:
    renderer = MatplotlibChartRenderer()
    png = renderer.render_weekly(make_stats(), ENGLISH)
    assert png_size(png) == (1000, 560)
    figure = weekly_figure(make_stats(), ENGLISH, font=renderer.font)
    figure.canvas.draw()
    shown = {t.get_text() for t in drawn_texts(figure)}
    assert {"Joy", "Tiredness", "Mon", "Sun", "Emotions", "Mood (-5 … +5)"} <= shown


def test_renders_from_several_threads_agree() -> None:
    stats = make_stats()
    with ThreadPoolExecutor(max_workers=3) as pool:
        pngs = list(pool.map(lambda labels: render_weekly_chart(stats, labels), [KOREAN, ENGLISH, KOREAN]))
    assert pngs[0] == pngs[2]
    assert all(png_size(png) == (1000, 560) for png in pngs)
