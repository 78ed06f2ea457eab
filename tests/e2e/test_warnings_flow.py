"""A warning end to end in real Chromium: the figures watch raises an orange warning on BZ01's mass
incidents and delivers it, the unit's viewer acknowledges it and records the measures taken, the
office closes it as confirmed (有效) through the confirmation dialog, and the rate page shows the
effective warning rate of 1 confirmed of 1 with its Wilson interval."""

from __future__ import annotations

import pytest

from pingan.core.access.actor import job_actor
from pingan.units.models import OrgUnit
from pingan.warnings.actions.raising import Signal, raise_signal
from pingan.warnings.models import Warning
from tests.conftest import TEST_PASSWORD

PERIODS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


@pytest.fixture
def people(demo_units, make_user):
    """The office's analyst and a viewer of BZ01."""
    return {
        "analyst": make_user("analyst", username="office1"),
        "viewer": make_user("unit_viewer", unit="BZ01", username="bz01viewer"),
    }


def raise_on_bz01() -> Warning:
    """What the figures watch raises on 9 mass incidents against a threshold of 4.5."""
    warning, created = raise_signal(
        actor=job_actor("warnings"),
        signal=Signal(
            source="figures", unit_id=OrgUnit.objects.get(code="BZ01").pk,
            series_key="mass_incident", period="2026-09", level="orange", observed=9.0,
            expected=1.5, threshold=4.5, detector="ears_c1", alpha=0.02,
            series={"periods": PERIODS, "counts": [1, 2, 1, 2, 9],
                    "expected": [1.5] * 5, "upper": [4.5] * 5},
        ),
    )  # fmt: skip
    assert created
    return warning


def status_of(page) -> str:
    return page.tab.get_by_test_id("warning-status").inner_text()


def press(page, label: str) -> None:
    """Press the button of the main area with exactly this (Chinese) text and wait for the page."""
    page.tab.locator("main").get_by_role("button", name=label, exact=True).click()
    page.tab.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_a_warning_walks_from_raised_to_confirmed_and_counts_in_the_rate(page_factory, people):
    warning = raise_on_bz01()
    assert warning.status == "delivered"

    viewer = page_factory()
    viewer.login("bz01viewer", TEST_PASSWORD)
    viewer.go("/warnings/")
    row = viewer.tab.get_by_test_id("warning-%d" % warning.pk)
    assert "已送达" in row.inner_text()
    row.get_by_role("link").click()
    viewer.tab.wait_for_load_state("networkidle")
    assert viewer.tab.url.endswith("/warnings/%d/" % warning.pk)
    assert status_of(viewer) == "已送达"
    assert viewer.tab.locator("#warning-chart canvas").count() == 1
    press(viewer, "签收")
    assert status_of(viewer) == "已签收"
    viewer.tab.fill("textarea[name=measures]", "已组织属地排查化解，约谈相关负责人")
    press(viewer, "登记处置措施")
    assert status_of(viewer) == "已处置"
    assert "已组织属地排查化解，约谈相关负责人" in viewer.tab.inner_text("main")
    assert viewer.tab.locator("select[name=verdict]").count() == 0  # closing is the office's
    assert viewer.errors == [] and viewer.outside == []

    office = page_factory()
    office.login("office1", TEST_PASSWORD)
    office.go("/warnings/%d/" % warning.pk)
    office.tab.select_option("select[name=verdict]", "confirmed")
    press(office, "按此结论办结")
    office.tab.locator("#pingan-confirm[open] [data-confirm-ok]").click()
    office.tab.wait_for_load_state("networkidle")
    assert status_of(office) == "已办结 · 有效"
    assert office.tab.get_by_role("button", name="按此结论办结", exact=True).count() == 0
    history = office.tab.get_by_test_id("warning-history").inner_text()
    assert history.count("\n") == 4  # raised, delivered, acknowledged, responded, closed

    office.go("/warnings/rate/")
    overall = office.tab.get_by_test_id("rate-overall").inner_text()
    # Wilson 95% for 1 of 1: 1 / (1 + 1.959964²) = 0.2065 to 1
    assert overall == "总体： 1.000 (95% 区间 0.207–1.000) 有效 1 条，误报 0 条；无法核实 0 条"
    for table in office.tab.locator("main table").all():  # by level, by unit, by quarter raised
        cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
        assert cells[1:] == ["1.000", "0.207–1.000", "1", "0", "0"]
    assert office.errors == [] and office.outside == []
    office.shot("warnings-rate-zh-1366")
    warning.refresh_from_db()
    assert (warning.status, warning.verdict) == ("closed", "confirmed")
