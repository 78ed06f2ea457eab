"""Charts: PNG images whose every string is drawn in the shipped CJK font, given by file."""

from __future__ import annotations

import warnings

from pingan.bulletins import charts
from pingan.core.documents.fonts import SANS, Face, missing_characters

LABELS = "滨城区县区和市属开发区绝对分漏斗图"


def test_score_bars_and_funnel_plot_are_png_with_their_strings():
    bars = charts.score_bars(
        names=["滨城区", "沾化区"],
        scores=[98.75, 69.5],
        tiers=["", "red"],
        tier_lines={"red": 70},
        title="绝对分",
        xlabel="绝对得分",
    )
    plot = charts.funnel_plot(
        observed=[1.0, 9.0, 3.0],
        expected=[2.0, 3.0, 4.0],
        flags=["", "alarm_high", ""],
        title="漏斗图",
        xlabel="期望",
        ylabel="比值",
    )
    assert bars.png.startswith(b"\x89PNG") and plot.png.startswith(b"\x89PNG")
    assert {"滨城区", "沾化区", "绝对分", "绝对得分", "98.75", "69.50"} <= set(bars.strings)
    assert {"漏斗图", "期望", "比值"} <= set(plot.strings)


def test_the_funnel_plot_has_a_legend(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        plot = charts.funnel_plot(
            observed=[1.0, 9.0, 3.0],
            expected=[2.0, 3.0, 4.0],
            flags=["", "alarm_high", ""],
            title="漏斗图",
            xlabel="期望",
            ylabel="比值",
        )
    assert {"95%控制限", "99.8%控制限", "期望水平", "高于控制上限", "控制限以内"} <= set(
        plot.strings
    )
    assert "低于控制下限" not in plot.strings


def test_every_string_is_drawn_in_the_shipped_font_without_missing_glyphs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = charts.score_bars(
            names=list(LABELS[:5]),
            scores=[90.0] * 5,
            tiers=[""] * 5,
            tier_lines={"yellow": 90},
            title=LABELS,
            xlabel=LABELS,
        )
    assert set(image.font_files) == {str(SANS.path)}
    assert [s for s in image.strings if missing_characters(s, Face.SANS)] == []
