"""Charts of a provisional (running) quarter say so: funnel, map, unit charts and sparklines."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import translation

from pingan.demo_data.scores import load_demo_boundaries
from pingan.scores import selectors
from pingan.scores.charts import sparkline_svg
from tests.scores.test_views import login, results  # noqa: F401 - fixtures

CHARTS = re.compile(r'<div class="chart[^"]*" data-chart="(\w+)"[^>]*>')


@pytest.fixture
def running_q2(monkeypatch):
    """The clock on 3 July 2026: 2026Q2 is provisional until its last deadline (6 July)."""
    monkeypatch.setattr(selectors, "clock", lambda: dt.datetime(2026, 7, 3, tzinfo=dt.UTC))


def _labels(html: str) -> dict[str, str]:
    return json.loads(
        html.split('id="chart-labels" type="application/json">', 1)[1].split("<", 1)[0]
    )


def _charts(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in CHARTS.finditer(html)}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/scores/funnel/", "/scores/unit/BZ01/"])
def test_charts_of_a_provisional_quarter_are_marked(results, login, running_q2, path):  # noqa: F811
    html = login("analyst").get(path + "?quarter=2026Q2&class=A").content.decode()
    assert _labels(html)["provisional"] == "Provisional"
    charts = _charts(html)
    assert charts and all('data-provisional="true"' in tag for tag in charts.values())
    assert all("· Provisional" in tag for tag in charts.values())


@pytest.mark.django_db
def test_map_of_a_provisional_quarter_is_marked(results, login, running_q2, system_actor):  # noqa: F811
    load_demo_boundaries(system_actor)
    html = login("analyst").get("/scores/map/?quarter=2026Q2&class=A").content.decode()
    assert _labels(html)["provisional"] == "Provisional"
    assert (
        'aria-label="Map of the units coloured by tier · Provisional" data-provisional="true"'
        in html
    )


@pytest.mark.django_db
def test_charts_of_a_final_quarter_carry_no_mark(results, login, system_actor):  # noqa: F811
    load_demo_boundaries(system_actor)
    client = login("analyst")
    for path in ("/scores/funnel/", "/scores/unit/BZ01/", "/scores/map/"):
        html = client.get(path + "?quarter=2026Q2&class=A").content.decode()
        assert _labels(html)["provisional"] == ""
        assert "data-provisional" not in html
    overview = client.get("/scores/?quarter=2026Q2&class=A").content.decode()
    assert "sparkline-provisional" not in overview


@pytest.mark.django_db
def test_sparklines_of_a_provisional_quarter_are_marked(results, login, running_q2):  # noqa: F811
    html = login("analyst").get("/scores/?quarter=2026Q2&class=A").content.decode()
    lines = re.findall(r'<svg class="sparkline".*?</svg>', html, re.S)
    assert len(lines) == 3
    for line in lines:
        assert (
            '<text class="sparkline-provisional" x="2" y="8" font-size="8" fill="#b35806">Provisional</text>'
            in line
        )
        assert re.search(
            r"<title>Absolute score, 2026Q1 to 2026Q2: .* \(Provisional\)</title>", line
        )
        assert 'fill="#fff" stroke="#2166ac"' in line


def test_sparkline_mark_is_translated() -> None:
    with translation.override("zh-hans"):
        line = sparkline_svg([80.0, 82.5], "趋势", provisional=True)
    assert "<title>趋势 (暂定)</title>" in line
    assert ">暂定</text>" in line
    final = sparkline_svg([80.0, 82.5], "trend")
    assert "<text" not in final and "<title>trend</title>" in final
    assert 'r="2" fill="#2166ac" stroke="#2166ac"' in final
