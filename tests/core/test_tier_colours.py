"""One colour set for the tiers: the pages' CSS, the browser charts and the bulletin charts agree."""

from __future__ import annotations

import re
from pathlib import Path

import pingan
from pingan.bulletins import charts as bulletin_charts
from pingan.core.tiers import TIER_COLOURS, TIER_TEXT
from pingan.scores import charts as score_charts

SOURCE = Path(pingan.__file__).resolve().parent


def test_css_tier_classes_use_the_one_set():
    css = (SOURCE / "web/static/pingan/pingan.css").read_text(encoding="utf-8")
    for tier in ("red", "orange", "yellow"):
        rule = re.search(
            r"\.tier-%s \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}" % tier, css
        )
        assert rule, tier
        assert rule.groups() == (TIER_COLOURS[tier], TIER_TEXT[tier])


def test_browser_charts_use_the_one_set():
    js = (SOURCE / "scores/static/scores/charts.js").read_text(encoding="utf-8")
    found = re.search(
        r"var TIER_COLOURS = \{ red: \"(#\w+)\", orange: \"(#\w+)\", yellow: \"(#\w+)\", none: \"(#\w+)\" \}",
        js,
    )
    assert found
    assert found.groups() == tuple(TIER_COLOURS[t] for t in ("red", "orange", "yellow", "none"))


def test_server_and_document_charts_use_the_one_set():
    assert score_charts.TIER_COLOURS == TIER_COLOURS
    for tier in ("red", "orange", "yellow"):
        assert bulletin_charts.TIER_COLOURS[tier] == TIER_COLOURS[tier]


def test_yellow_looks_yellow_and_tiers_differ_in_lightness():
    def hue_and_lightness(hex_colour: str) -> tuple[float, float]:
        import colorsys

        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        hue, lightness, _s = colorsys.rgb_to_hls(r, g, b)
        return hue * 360, lightness

    yellow_hue, yellow_l = hue_and_lightness(TIER_COLOURS["yellow"])
    orange_hue, orange_l = hue_and_lightness(TIER_COLOURS["orange"])
    red_hue, red_l = hue_and_lightness(TIER_COLOURS["red"])
    assert 40 <= yellow_hue <= 60
    assert 20 <= orange_hue < 40
    assert red_hue < 10 or red_hue > 350
    assert red_l < orange_l < yellow_l
