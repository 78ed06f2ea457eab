"""Review help: the sharp-change rule (with the worked example of docs/reporting.md), flags in the grid, and
the dashboard counting historical loads apart from on-time and late."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pingan.reporting import bulk_load, filling, selectors, submissions
from pingan.reporting.flags import Flag, change_p_value, flags_for, is_sharp_change
from tests.reporting.conftest import MONTH, POLICE_CELLS, records

pytestmark = pytest.mark.django_db

# pinned: the grid and dashboard pages cost a fixed number of queries however many cells they show
GRID_QUERIES = 10
DASHBOARD_QUERIES = 6


def test_worked_example_of_the_documented_rule():
    # 惠民县 治安: 84 this month against 168 last month, n = 252
    assert change_p_value(84, 168) == pytest.approx(1.3208024544750338e-07, rel=1e-9)
    assert is_sharp_change(84, 168) is True
    # 5 against 1: p = 2 · P(X ≥ 5 | n = 6) = 2 · 7/64
    assert change_p_value(5, 1) == 0.21875
    assert is_sharp_change(5, 1) is False
    # 8 against 0: p = 2 · (1/2)^8 = 0.0078125 < 0.01 and |Δ| = 8
    assert change_p_value(8, 0) == 0.0078125
    assert is_sharp_change(8, 0) is True
    # 7 against 0: p = 0.015625, not below 0.01
    assert is_sharp_change(7, 0) is False
    # a tiny difference never flags, however the test comes out
    assert is_sharp_change(2, 0) is False
    assert change_p_value(0, 0) == 1.0
    # symmetric, and beyond n = 5000 the normal approximation (exact: 0.027972…)
    assert change_p_value(168, 84) == change_p_value(84, 168)
    assert change_p_value(4000, 4200) == pytest.approx(0.02797, abs=2e-5)


def test_flags_against_last_month_and_last_year():
    assert flags_for(84, 168, 80) == [Flag("last_month", 168, change_p_value(84, 168))]
    assert flags_for(84, 86, 30) == [Flag("last_year", 30, change_p_value(84, 30))]
    assert flags_for(None, 168, 30) == []
    assert flags_for(84, None, None) == []


def _history(system_actor, month, value):
    text = "unit_code,indicator_code,period,value\n" + "".join(
        "%s,%s,%s,%d\n" % (u, c, month, value)
        for u, c in POLICE_CELLS
        if u != "A4"  # opened mid-September
    )
    return bulk_load.import_figures(
        actor=system_actor, data=text.encode(), approve=True, reason="earlier months"
    )


def test_the_reviewer_sees_the_flagged_figure(staff, draft, system_actor):
    _history(system_actor, "2026-08", 168)
    values = dict.fromkeys(POLICE_CELLS, 168)
    values[("A2", "public_security")] = 84
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=records(values))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    client = Client()
    client.force_login(staff["reviewer"].user)
    page = client.get(reverse("reporting:submission", args=[draft.pk])).content.decode()
    flags = page.split('data-testid="flags"')[1].split("</section>")[0]
    assert "1 figure changed sharply" in flags
    assert "乙区 · Public-security (administrative) cases: <strong>84</strong>" in flags
    assert "last month (2026-08) 168" in flags
    assert page.count('class="table-warning flagged"') == 1


def test_historical_loads_are_counted_apart_from_on_time_and_late(staff, approved, system_actor):
    _history(system_actor, "2026-08", 1)
    items = {
        i.month: i for i in selectors.body_months(["2026-08", MONTH]) if i.body.code == "police"
    }
    old, new = items["2026-08"], items[MONTH]
    assert (old.historical, old.approved_on_time, old.late, old.overdue) == (
        True,
        False,
        False,
        False,
    )
    assert str(old.status_label) == "Historical load"
    # approved now (November), after the 2026-09 deadline: late
    assert (new.historical, new.approved_on_time, new.late) == (False, False, True)
    rates = selectors.rates([old, new])
    assert (
        rates.expected,
        rates.approved,
        rates.historical,
        rates.late,
        rates.approved_on_time,
    ) == (
        2,
        2,
        1,
        1,
        0,
    )


def test_dashboard_shows_the_historical_count(staff, approved, system_actor):
    _history(system_actor, "2026-08", 1)
    client = Client()
    client.force_login(staff["analyst"].user)
    page = client.get(reverse("reporting:dashboard"), {"from": "2026-08"}).content.decode()
    by_month = page.split('data-testid="by-month"')[1].split("</table>")[0]
    rows = by_month.split("<tr>")[2:]
    cells = [[c.split("<")[0] for c in r.split("<td>")[1:]] for r in rows]
    # month, expected, approved, submitted on time, approved on time, late, historical, overdue
    august = next(c for c in cells if c[0] == "2026-08")
    expected = len(selectors.body_months(["2026-08"]))
    # the other bodies never reported August: overdue, not historical
    assert august[:8] == ["2026-08", str(expected), "1", "0", "0", "0", "1", str(expected - 1)]


def test_grid_and_dashboard_query_counts_do_not_grow_with_the_grid(
    staff, draft, system_actor, django_assert_num_queries
):
    _history(system_actor, "2026-08", 3)
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 1})
    )
    clerk = Client()
    clerk.force_login(staff["clerk"].user)
    url = reverse("reporting:submission", args=[draft.pk])
    clerk.get(url)
    with django_assert_num_queries(GRID_QUERIES):
        assert clerk.get(url).status_code == 200
    analyst = Client()
    analyst.force_login(staff["analyst"].user)
    analyst.get(reverse("reporting:dashboard"))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert analyst.get(reverse("reporting:dashboard"), {"from": "2026-01"}).status_code == 200
