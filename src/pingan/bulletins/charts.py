"""Charts of the bulletin as PNG images: class scores coloured by tier, and the funnel plot.

Chinese labels need a CJK font; the first one found among the usual system fonts is used.
Without one the charts are still drawn (labels may show as boxes) and `cjk_font()` is None.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from pingan.engine.funnel import funnel

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
TIER_COLOURS = {"red": "#c0392b", "orange": "#e67e22", "yellow": "#f1c40f", "": "#4a78b5"}
DPI = 150


@cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    return figure


def _font(size: float) -> FontProperties:
    font = cjk_font()
    return FontProperties(family=[font, "DejaVu Sans"] if font else ["DejaVu Sans"], size=size)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def score_bars(
    *,
    names: list[str],
    scores: list[float],
    tiers: list[str],
    tier_lines: dict[str, float],
    title: str,
    xlabel: str,
) -> bytes:
    """Horizontal bars of the units' scores in rank order, coloured by tier, with the tier lines."""
    figure = _figure(6.4, max(2.4, 0.32 * len(names) + 1.0))
    axes = figure.add_subplot()
    positions = np.arange(len(names))[::-1]
    axes.barh(positions, scores, color=[TIER_COLOURS.get(t, TIER_COLOURS[""]) for t in tiers])
    axes.set_yticks(positions, names)
    for label in axes.get_yticklabels():
        label.set_fontproperties(_font(8))
    for tier, line in tier_lines.items():
        axes.axvline(
            float(line), color=TIER_COLOURS.get(tier, "#888888"), linestyle="--", linewidth=1
        )
    low = min([*scores, *[float(v) for v in tier_lines.values()]] or [0.0])
    axes.set_xlim(max(0.0, low - 5.0), 100.5)
    for y, score in zip(positions, scores, strict=True):
        axes.text(score + 0.2, y, "%.2f" % score, va="center", fontsize=7)
    axes.set_title(title, fontproperties=_font(11))
    axes.set_xlabel(xlabel, fontproperties=_font(9))
    figure.tight_layout()
    return _png(figure)


def funnel_plot(
    *,
    observed: list[float],
    expected: list[float],
    flags: list[str],
    title: str,
    xlabel: str,
    ylabel: str,
) -> bytes:
    """Observed/expected ratio against expected, with the 95% and 99.8% control limits."""
    figure = _figure(6.4, 4.0)
    axes = figure.add_subplot()
    data = funnel(np.asarray(observed, dtype=float), np.asarray(expected, dtype=float))
    curve = data.curve
    for limits, style in zip(curve.limits, ("--", ":"), strict=True):
        axes.plot(curve.expected, limits.upper, color="#555555", linestyle=style, linewidth=1)
        axes.plot(curve.expected, limits.lower, color="#555555", linestyle=style, linewidth=1)
    axes.axhline(1.0, color="#333333", linewidth=0.8)
    colours = [
        "#c0392b" if f.endswith("high") else "#27ae60" if f.endswith("low") else "#4a78b5"
        for f in flags
    ]
    shown = np.isfinite(data.ratio)
    axes.scatter(
        np.asarray(expected)[shown], data.ratio[shown], c=np.asarray(colours)[shown], s=18, zorder=3
    )
    axes.set_title(title, fontproperties=_font(11))
    axes.set_xlabel(xlabel, fontproperties=_font(9))
    axes.set_ylabel(ylabel, fontproperties=_font(9))
    figure.tight_layout()
    return _png(figure)
