"""Charts of the bulletin: class scores coloured by tier, and the funnel plot with its legend.

Drawn through `pingan.core.documents.charts`, which sets every string in the shipped CJK font
by file and returns the strings drawn, so a bulletin can be checked before it is issued.
"""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from pingan.core import tiers
from pingan.core.documents.charts import ChartImage, drawing, finish, new_figure
from pingan.engine.funnel import funnel

TIER_COLOURS = {**tiers.TIER_COLOURS, "": tiers.TIER_COLOURS["none"]}
HIGH, LOW, WITHIN = "#c0392b", "#27ae60", "#4a78b5"


@drawing()
def score_bars(
    *,
    names: list[str],
    scores: list[float],
    tiers: list[str],
    tier_lines: dict[str, float],
    title: str,
    xlabel: str,
) -> ChartImage:
    """Horizontal bars of the units' scores in rank order, coloured by tier, with the tier lines."""
    figure = new_figure(6.4, max(2.4, 0.32 * len(names) + 1.0))
    axes = figure.add_subplot()
    positions = np.arange(len(names))[::-1]
    axes.barh(positions, scores, color=[TIER_COLOURS.get(t, TIER_COLOURS[""]) for t in tiers])
    axes.set_yticks(positions, names, fontsize=8)
    for tier, line in tier_lines.items():
        axes.axvline(
            float(line), color=TIER_COLOURS.get(tier, "#888888"), linestyle="--", linewidth=1
        )
    low = min([*scores, *[float(v) for v in tier_lines.values()]] or [0.0])
    axes.set_xlim(max(0.0, low - 5.0), 100.5)
    axes.tick_params(axis="x", labelsize=8)
    for y, score in zip(positions, scores, strict=True):
        axes.text(score + 0.2, y, "%.2f" % score, va="center", fontsize=7)
    axes.set_title(title, fontsize=11)
    axes.set_xlabel(xlabel, fontsize=9)
    return finish(figure)


@drawing()
def funnel_plot(
    *,
    observed: list[float],
    expected: list[float],
    flags: list[str],
    title: str,
    xlabel: str,
    ylabel: str,
) -> ChartImage:
    """Observed/expected ratio against expected, with the 95% and 99.8% control limits and a legend."""
    figure = new_figure(6.4, 4.0)
    axes = figure.add_subplot()
    data = funnel(np.asarray(observed, dtype=float), np.asarray(expected, dtype=float))
    curve = data.curve
    names = (_("control limits at 95 percent"), _("control limits at 99.8 percent"))
    for limits, style, name in zip(curve.limits, ("--", ":"), names, strict=True):
        axes.plot(
            curve.expected, limits.upper, color="#555555", linestyle=style, linewidth=1, label=name
        )
        axes.plot(curve.expected, limits.lower, color="#555555", linestyle=style, linewidth=1)
    axes.axhline(1.0, color="#333333", linewidth=0.8, label=_("Expected level"))
    shown = np.isfinite(data.ratio)
    x = np.asarray(expected, dtype=float)
    groups = (
        (HIGH, _("Above the limits"), [f.endswith("high") for f in flags]),
        (LOW, _("Below the limits"), [f.endswith("low") for f in flags]),
        (
            WITHIN,
            _("Within the limits"),
            [not (f.endswith("high") or f.endswith("low")) for f in flags],
        ),
    )
    for colour, name, members in groups:
        chosen = shown & np.asarray(members, dtype=bool)
        if chosen.any():
            axes.scatter(x[chosen], data.ratio[chosen], c=colour, s=18, zorder=3, label=name)
    axes.tick_params(labelsize=8)
    axes.set_title(title, fontsize=11)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.set_ylabel(ylabel, fontsize=9)
    axes.legend(fontsize=7, loc="upper right", frameon=True)
    return finish(figure)
