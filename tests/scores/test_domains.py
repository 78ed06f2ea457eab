"""Domain analysis (四情分析): exact trend, share and most-worsened units; names; pinned queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pingan.cli import main
from pingan.core.jobs import run_owed_jobs
from pingan.schemes.selectors import current_version
from pingan.scores.domains import analyse
from pingan.units.models import OrgUnit
from tests.conftest import actor_with
from tests.scores.conftest import INDICATORS

# 2026Q1 of the four units (the fixture gives 2026Q2): I01 criminal 2 (1 point), I02 criminal
# 12 (6), I03 one mass incident (3), I04 criminal 24 (12).
Q1 = {"I01": {"criminal": 2}, "I02": {"criminal": 12}, "I03": {"mass_incident": 1}, "I04": {"criminal": 24}}  # fmt: skip


@pytest.fixture
def two_quarters(figures, tmp_path):
    lines = ["unit_code,indicator_code,period,value"]
    for unit, counts in Q1.items():
        for code in INDICATORS:
            for month in ("2026-01", "2026-02", "2026-03"):
                value = counts.get(code, 0) if month == "2026-01" else 0
                lines.append("%s,%s,%s,%d" % (unit, code, month, value))
    path = tmp_path / "q1.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["figures", "import", str(path), "--approve", "--reason", "q1"]) == 0
    run_owed_jobs()


def name(code):
    return OrgUnit.objects.get(code=code).name_zh


@pytest.mark.django_db
def test_trend_share_and_worsened_units_per_domain(two_quarters):
    result = analyse(
        actor=actor_with("analyst"),
        version=current_version("binzhou"),
        period="2026Q2",
        class_code="C",
        language="zh-hans",
    )
    assert result.periods == ["2026Q1", "2026Q2"]
    assert result.total == 29.0
    got = {d["code"]: (d["trend"], d["share"], d["worsened"]) for d in result.domains}
    assert list(got) == ["cases", "petition", "safety", "social", "opinion"]
    assert got["cases"] == (
        [("2026Q1", 4.75), ("2026Q2", 4.5)], 62.1, [{"unit": name("I01"), "change": 1.0}],
    )  # fmt: skip
    assert got["social"] == (
        [("2026Q1", 0.75), ("2026Q2", 2.25)],
        31.0,
        [{"unit": name("I01"), "change": 3.0}, {"unit": name("I03"), "change": 3.0}],
    )
    assert got["safety"] == (
        [("2026Q1", 0.0), ("2026Q2", 0.5)], 6.9, [{"unit": name("I03"), "change": 2.0}],
    )  # fmt: skip
    assert got["petition"] == ([("2026Q1", 0.0), ("2026Q2", 0.0)], 0.0, [])


@pytest.mark.django_db
def test_the_page_names_domains_and_units_with_pinned_queries(two_quarters, make_user, client):
    client.force_login(make_user("leader"))
    client.get("/scores/domains/?quarter=2026Q2&class=C")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/scores/domains/?quarter=2026Q2&class=C", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        len(queries) == 12
    )  # user, roles with the session check, scheme, runs, recomputation owed, classes, the analysis (5), names,
    # stored sub-indices
    html = response.content.decode()
    row = html.split('<tr data-domain="social">', 1)[1].split("</tr>", 1)[0]
    assert "Social conditions (社情)" in row
    assert "0.75" in row and "2.25" in row and "31.0%" in row
    assert OrgUnit.objects.get(code="I01").name_en in row
    assert "I01" not in html.split('data-testid="domains"', 1)[1]
