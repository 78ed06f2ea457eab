"""Charts: PNG images whose Chinese labels are drawn with a CJK font."""

from __future__ import annotations

import os
import warnings

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from pingan.bulletins import charts

LABELS = "滨城区县区和市属开发区绝对分漏斗图"


def test_score_bars_and_funnel_plot_are_png():
    bars = charts.score_bars(
        names=["滨城区", "沾化区"],
        scores=[98.75, 69.5],
        tiers=["", "red"],
        tier_lines={"red": 70},
        title="绝对分",
        xlabel="绝对分",
    )
    plot = charts.funnel_plot(
        observed=[1.0, 9.0, 3.0],
        expected=[2.0, 3.0, 4.0],
        flags=["", "alarm_high", ""],
        title="漏斗图",
        xlabel="期望",
        ylabel="比值",
    )
    assert bars.startswith(b"\x89PNG") and plot.startswith(b"\x89PNG")


def test_chinese_labels_have_glyphs():
    font = charts.cjk_font()
    if font is None:
        if os.environ.get("PINGAN_REQUIRE_SYSTEM_TOOLS") == "1":
            pytest.fail("no CJK font installed (fonts-noto-cjk or fonts-wqy-zenhei)")
        pytest.skip("no CJK font installed")
    path = font_manager.findfont(
        font_manager.FontProperties(family=font), fallback_to_default=False
    )
    charmap = FT2Font(path).get_charmap()
    assert [ch for ch in LABELS if ord(ch) not in charmap] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.score_bars(
            names=list(LABELS[:5]),
            scores=[90.0] * 5,
            tiers=[""] * 5,
            tier_lines={},
            title=LABELS,
            xlabel=LABELS,
        )
