"""Score pages remembered per computation run: served again unchanged, never stale, never shared
across scopes or languages (pingan.core.page_cache)."""

from __future__ import annotations

import pytest

from pingan.scores.models import KeyManagementMark, ScoreRun
from pingan.units.models import OrgUnit
from tests.scores.test_views import ROWS, login, make_run, table_rows

__all__ = ["login"]  # the signed-in client fixture of the page tests

OVERVIEW = "/scores/?quarter=2026Q2&class=A"


@pytest.fixture
def two_quarters(demo_units, binzhou):
    """Hand-made class-A results of 2026Q1 (one point lower) and 2026Q2."""
    make_run(binzhou, "2026Q1", [(c, a - 1.0, r, *rest) for c, a, r, *rest in ROWS])
    return make_run(binzhou)


def replace_run(version, period, rows):
    """A correction's new current run of `period`, the old one kept as history."""
    ScoreRun.objects.filter(version=version, period=period).update(is_current=False)
    return make_run(version, period, rows)


def scores_of(client, path=OVERVIEW):
    return [(r[1][-4:], r[2]) for r in table_rows(client.get(path).content.decode(), "league")]


@pytest.mark.django_db
def test_a_new_run_of_the_quarter_replaces_the_remembered_table(two_quarters, binzhou, login):
    client = login("analyst")
    assert scores_of(client) == [("BZ03", "96.50"), ("BZ01", "88.00"), ("BZ02", "65.00")]
    corrected = [("BZ01", 97.0, *ROWS[1][2:]), *[r for r in ROWS if r[0] != "BZ01"]]
    replace_run(binzhou, "2026Q2", corrected)
    assert scores_of(client) == [("BZ03", "96.50"), ("BZ01", "97.00"), ("BZ02", "65.00")]


@pytest.mark.django_db
def test_a_new_run_of_an_earlier_quarter_changes_the_trend_and_the_unit_history(
    two_quarters, binzhou, login
):
    client = login("analyst")
    assert "2026Q1 to 2026Q2: 95.50, 96.50" in client.get(OVERVIEW).content.decode()
    unit_page = "/scores/unit/BZ03/?quarter=2026Q2"
    assert '"absolute": 95.5' in client.get(unit_page).content.decode()
    replace_run(binzhou, "2026Q1", [(c, a - 3.0, r, *rest) for c, a, r, *rest in ROWS])
    assert "2026Q1 to 2026Q2: 93.50, 96.50" in client.get(OVERVIEW).content.decode()
    assert '"absolute": 93.5' in client.get(unit_page).content.decode()


@pytest.mark.django_db
def test_a_key_management_mark_shows_at_once(two_quarters, login):
    client = login("analyst")
    assert table_rows(client.get(OVERVIEW).content.decode(), "league")[0][8] == ""
    KeyManagementMark.objects.create(unit=OrgUnit.objects.get(code="BZ03"), reason="disputes")
    assert table_rows(client.get(OVERVIEW).content.decode(), "league")[0][8] == "key management"
    assert 'data-testid="mark"' in client.get("/scores/unit/BZ03/?quarter=2026Q2").content.decode()


@pytest.mark.django_db
def test_each_reader_gets_the_table_of_their_own_scope_and_language(two_quarters, login):
    assert [c for c, _s in scores_of(login("analyst"))] == ["BZ03", "BZ01", "BZ02"]
    assert [c for c, _s in scores_of(login("unit_viewer", unit="BZ01"))] == ["BZ01"]
    chinese = login("leader")
    chinese.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    rows = table_rows(chinese.get(OVERVIEW).content.decode(), "league")
    assert [r[1] for r in rows] == ["惠民县 BZ03", "滨城区 BZ01", "沾化区 BZ02"]
    assert [r[1] for r in table_rows(login("leader").get(OVERVIEW).content.decode(), "league")] == [
        "Huimin County BZ03",
        "Bincheng District BZ01",
        "Zhanhua District BZ02",
    ]
