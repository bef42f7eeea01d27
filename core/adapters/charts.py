"""The weekly-stats chart as a PNG: the emotion distribution (bars) beside the mood trend (a Monday–Sunday line).

Fonts. Korean must render on any machine, so the font comes from a Python package, never from the system:
`koreanize-matplotlib` ships NanumGothic (SIL Open Font License) as .ttf files. The package is only *located*
(`importlib.util.find_spec` finds it without running it): importing it would rewrite matplotlib's global
rcParams. Every text artist gets the file explicitly through `FontProperties(fname=...)`, so matplotlib's font
lookup, the rcParams and the system fonts play no part. Characters the font lacks (an emoji in a catalog string)
are left out rather than drawn as empty boxes.

Matplotlib is used through `Figure` + `FigureCanvasAgg` only (never pyplot and its global figure registry), and
imported on the first render, so processes that never draw a chart do not pay for it. Renders are serialized
by a lock: matplotlib does not promise thread safety, and a chart takes a fraction of a second.

This module holds no user-facing text: the caller passes everything in `ChartLabels`.
"""

from __future__ import annotations

import importlib.util
import io
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from core.domain.emotion import Emotion
from core.products.diary.weekly_stats import MOOD_MAX, MOOD_MIN, ChartLabels, WeeklyStats

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = [
    "ChartFontMissingError",
    "ChartLabels",
    "KoreanFont",
    "MatplotlibChartRenderer",
    "bundled_font",
    "render_weekly_chart",
    "weekly_figure",
]

FONT_PACKAGE: Final = "koreanize_matplotlib"  # the import name of the koreanize-matplotlib distribution
FONT_DIR: Final = "fonts"
REGULAR_FILE: Final = "NanumGothic.ttf"
BOLD_FILE: Final = "NanumGothicBold.ttf"

WIDTH_PX: Final = 1000
HEIGHT_PX: Final = 560
DPI: Final = 100

_COLORS: Final = {
    Emotion.JOY: "#F2B705",
    Emotion.CALM: "#4CAF7A",
    Emotion.SADNESS: "#4A7BD0",
    Emotion.ANXIETY: "#9A6BC4",
    Emotion.ANGER: "#E05A47",
    Emotion.TIREDNESS: "#8C8C8C",
}
_INK: Final = "#333333"
_MUTED: Final = "#888888"
_GOOD: Final = "#4CAF7A"
_BAD: Final = "#E05A47"

_RENDER_LOCK: Final = threading.Lock()
_LOOK_ALIKES: Final = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2027": "·"}


class ChartFontMissingError(RuntimeError):
    """The bundled Korean font is not installed (the `koreanize-matplotlib` package is missing or incomplete)."""


@dataclass(frozen=True, kw_only=True)
class KoreanFont:
    regular: Path
    bold: Path

    @property
    def charmap(self) -> frozenset[int]:
        """The code points both files can draw (read on first use: it loads matplotlib)."""
        return _charmap(self.regular, self.bold)

    def drawable(self, text: str) -> str:
        """`text` as the font can draw it: a look-alike for a few missing signs (U+2212 MINUS SIGN becomes "-"),
        and without the other characters it has no glyph for (an emoji); whitespace always stays."""
        kept: list[str] = []
        for char in text:
            if char.isspace() or ord(char) in self.charmap:
                kept.append(char)
            elif (substitute := _LOOK_ALIKES.get(char)) is not None and ord(substitute) in self.charmap:
                kept.append(substitute)
        return "".join(kept)


@lru_cache(maxsize=1)
def bundled_font() -> KoreanFont:
    """NanumGothic from the `koreanize-matplotlib` package, located without importing the package (or matplotlib)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for location in locations:
        regular = Path(location) / FONT_DIR / REGULAR_FILE
        bold = Path(location) / FONT_DIR / BOLD_FILE
        if regular.is_file() and bold.is_file():
            return KoreanFont(regular=regular, bold=bold)
    raise ChartFontMissingError(
        f"{REGULAR_FILE} and {BOLD_FILE} not found in the {FONT_PACKAGE!r} package; "
        "install the koreanize-matplotlib distribution"
    )


@lru_cache(maxsize=4)
def _charmap(*paths: Path) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    maps = [frozenset(FT2Font(str(path)).get_charmap()) for path in paths]
    return frozenset.intersection(*maps)


def weekly_figure(stats: WeeklyStats, labels: ChartLabels, *, font: KoreanFont | None = None) -> Figure:
    """The chart as a matplotlib `Figure` on an Agg canvas, not yet drawn (`render_weekly_chart` draws it)."""
    font = font if font is not None else bundled_font()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    def fp(size: float, *, bold: bool = False) -> FontProperties:
        return FontProperties(fname=font.bold if bold else font.regular, size=size)

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained", facecolor="white")
    FigureCanvasAgg(figure)
    figure.suptitle(font.drawable(labels.title), fontproperties=fp(17, bold=True), color=_INK)
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.15))
    _distribution(left, stats, labels, font, fp)
    _trend(right, stats, labels, font, fp)
    return figure


def render_weekly_chart(stats: WeeklyStats, labels: ChartLabels, *, font: KoreanFont | None = None) -> bytes:
    """A 1000×560 PNG: the week's title, the emotion distribution on the left and the mood trend on the right."""
    with _RENDER_LOCK:
        figure = weekly_figure(stats, labels, font=font)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


class MatplotlibChartRenderer:
    """The chart port's implementation: `render_weekly(stats, labels)` → PNG bytes.

    The font is located when the renderer is built, so a missing font package fails at start-up rather than at
    the first `/stats`.
    """

    def __init__(self, font: KoreanFont | None = None) -> None:
        self._font = font if font is not None else bundled_font()

    @property
    def font(self) -> KoreanFont:
        return self._font

    def render_weekly(self, stats: WeeklyStats, labels: ChartLabels) -> bytes:
        return render_weekly_chart(stats, labels, font=self._font)


class _FontFactory(Protocol):
    def __call__(self, size: float, *, bold: bool = False) -> FontProperties: ...


def _frame(ax: Axes, title: str, font: KoreanFont, fp: _FontFactory) -> None:
    ax.set_title(font.drawable(title), fontproperties=fp(13, bold=True), color=_INK, pad=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color("#CCCCCC")
    ax.spines["bottom"].set_color("#CCCCCC")
    ax.tick_params(colors=_INK, length=0)


def _no_entries(ax: Axes, text: str, font: KoreanFont, fp: _FontFactory) -> None:
    ax.text(
        0.5,
        0.5,
        font.drawable(text),
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=_MUTED,
        fontproperties=fp(12),
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 6},
        zorder=5,
    )


def _distribution(ax: Axes, stats: WeeklyStats, labels: ChartLabels, font: KoreanFont, fp: _FontFactory) -> None:
    _frame(ax, labels.distribution_label, font, fp)
    emotions = list(Emotion)
    counts = [stats.distribution.get(emotion, 0) for emotion in emotions]
    positions = list(range(len(emotions)))
    bars = ax.bar(positions, counts, color=[_COLORS[e] for e in emotions], width=0.62)
    ax.set_xticks(positions, labels=[font.drawable(name) for name in labels.emotions], fontproperties=fp(11))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(0, max(max(counts) * 1.2, 1))
    ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], padding=3, color=_INK, fontproperties=fp(11))
    if stats.empty:
        _no_entries(ax, labels.no_entries, font, fp)


def _trend(ax: Axes, stats: WeeklyStats, labels: ChartLabels, font: KoreanFont, fp: _FontFactory) -> None:
    _frame(ax, labels.trend_label, font, fp)
    days = list(range(7))
    values = [math.nan if score is None else score for score in stats.trend]  # NaN breaks the line: a gap
    ax.axhspan(0, MOOD_MAX + 0.5, color=_GOOD, alpha=0.05, linewidth=0)
    ax.axhspan(MOOD_MIN - 0.5, 0, color=_BAD, alpha=0.05, linewidth=0)
    ax.axhline(0, color="#BBBBBB", linewidth=0.8, linestyle="--")
    ax.plot(days, values, color="#5B6C8F", linewidth=2.2, zorder=2)
    present = [(day, value) for day, value in zip(days, values, strict=True) if not math.isnan(value)]
    if present:
        ax.scatter(
            [day for day, _ in present],
            [value for _, value in present],
            c=[_GOOD if value >= 0 else _BAD for _, value in present],
            s=60,
            zorder=3,
            edgecolors="white",
            linewidths=1.2,
        )
    ax.set_xlim(-0.5, 6.5)
    ax.set_ylim(MOOD_MIN - 0.5, MOOD_MAX + 0.5)
    ax.set_xticks(days, labels=[font.drawable(name) for name in labels.weekdays], fontproperties=fp(11))
    # ASCII signs: NanumGothic has no U+2212 MINUS SIGN, which matplotlib's own tick formatter would use.
    ax.set_yticks([MOOD_MIN, 0, MOOD_MAX], labels=[f"{MOOD_MIN:+.0f}", "0", f"{MOOD_MAX:+.0f}"], fontproperties=fp(10))
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
    if stats.empty:
        _no_entries(ax, labels.no_entries, font, fp)
