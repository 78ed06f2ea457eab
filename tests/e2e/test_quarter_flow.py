"""A quarter end to end in real Chromium: a clerk fills a month in the grid from the keyboard,
the deputy head and the head sign it off, the unit's score moves, the analyst downloads the bulletin."""

from __future__ import annotations

import pytest
from docx import Document

from pingan.cli import main
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data.generate import monthly_counts
from pingan.schemes.models import Indicator
from pingan.scores.cells import explanation_cells
from pingan.scores.formats import score_text
from tests.conftest import TEST_PASSWORD

MONTHS = ["2026-04", "2026-05", "2026-06"]


def load_quarter_except_police_june(version, tmp_path):
    """Approve the quarter's figures, leaving the police body's June figures to the clerk."""
    by_class = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in version.classes.all()
    }
    police = set(
        Indicator.objects.filter(version=version, body__code="police").values_list(
            "code", flat=True
        )
    )
    rows = [
        r for r in monthly_counts(MONTHS, by_class) if not (r[2] == "2026-06" and r[1] in police)
    ]
    path = tmp_path / "figures.csv"
    path.write_text(
        "unit_code,indicator_code,period,value\n" + "".join("%s,%s,%s,%d\n" % r for r in rows),
        encoding="utf-8",
    )
    assert main(["figures", "import", str(path), "--approve", "--reason", "earlier months"]) == 0
    assert run_owed_jobs() == 3  # recomputation, figures watch, index watch of 2026Q2


@pytest.fixture
def people(make_user):
    return {
        "clerk": make_user("clerk", body="police", username="clerk1"),
        "reviewer": make_user("reviewer", body="police", username="reviewer1"),
        "approver": make_user("approver", body="police", username="approver1"),
        "analyst": make_user("analyst", username="analyst1"),
    }


def confirm(tab) -> None:
    """Confirm in the shared dialog the step asks (审定, 无案事件, 报送)."""
    tab.locator("#pingan-confirm[open] [data-confirm-ok]").click()


def sign(page_factory, username: str, submission_url: str, button: str, asks: bool = False) -> None:
    page = page_factory()
    page.login(username, TEST_PASSWORD)
    page.go(submission_url)
    page.tab.click("button:has-text('%s')" % button)
    if asks:
        confirm(page.tab)
    page.tab.wait_for_load_state("networkidle")
    assert page.errors == []


@pytest.mark.django_db(transaction=True)
def test_clerk_fills_leaders_sign_score_moves(page_factory, demo_units, binzhou, people, tmp_path):
    from pingan.scores.models import QuarterResult

    load_quarter_except_police_june(binzhou, tmp_path)
    before = QuarterResult.objects.get(
        run__period="2026Q2", run__is_current=True, unit__code="BZ01"
    )
    assert before.complete is False
    analyst = page_factory()
    analyst.login("analyst1", TEST_PASSWORD)
    analyst.go("/scores/unit/BZ01/?quarter=2026Q2")
    assert score_text(before.absolute_score) in analyst.tab.inner_text("main")

    clerk = page_factory()
    clerk.login("clerk1", TEST_PASSWORD)
    clerk.go("/reporting/")
    clerk.tab.fill("#f-month", "2026-06")
    clerk.tab.click("button:has-text('新建草稿')")
    clerk.tab.wait_for_load_state("networkidle")
    submission_url = clerk.tab.url.replace(clerk.base_url, "")
    first = clerk.tab.locator("input[name='v:BZ01:criminal']")
    first.click()
    clerk.tab.keyboard.type("300")
    clerk.tab.keyboard.press("Enter")
    clerk.tab.keyboard.type("40")
    clerk.shot("grid-clerk-zh-1366")
    clerk.tab.click("button[name=save]")
    clerk.tab.wait_for_load_state("networkidle")
    assert clerk.tab.locator("input[name='v:BZ01:criminal']").input_value() == "300"
    clerk.tab.click("button:has-text('无案事件')")
    confirm(clerk.tab)
    clerk.tab.wait_for_load_state("networkidle")
    clerk.tab.click("button:has-text('报送审核')")
    confirm(clerk.tab)
    clerk.tab.wait_for_load_state("networkidle")
    assert clerk.errors == []
    assert clerk.outside == []

    sign(page_factory, "reviewer1", submission_url, "审核签署")
    sign(page_factory, "approver1", submission_url, "审定", asks=True)
    assert run_owed_jobs() == 3  # recomputation, figures watch, index watch of the new run

    after = QuarterResult.objects.get(run__period="2026Q2", run__is_current=True, unit__code="BZ01")
    assert after.complete is True
    assert after.run_id != before.run_id
    (criminal_june,) = [
        c
        for c in explanation_cells(after)
        if (c.indicator_code, c.month) == ("criminal", "2026-06")
    ]
    assert (criminal_june.count, criminal_june.deduction) == (300, 6.0)
    assert after.absolute_score != before.absolute_score

    analyst.go("/scores/unit/BZ01/?quarter=2026Q2")
    assert score_text(after.absolute_score) in analyst.tab.inner_text("main")
    analyst.shot("unit-BZ01-analyst-zh-1366")
    analyst.go("/scores/?quarter=2026Q2&class=A")
    analyst.shot("overview-A-analyst-zh-1366")
    analyst.go("/bulletins/")
    analyst.tab.select_option("#period", "2026Q2")
    analyst.tab.click("main button[type=submit]")
    analyst.tab.wait_for_load_state("networkidle")
    with analyst.tab.expect_download() as download_info:
        analyst.tab.click("a:has-text('.docx')")
    path = tmp_path / "bulletin.docx"
    download_info.value.save_as(path)
    leaders = QuarterResult.objects.select_related("unit").filter(
        run=after.run, class_code="A", rank=1
    )
    text = "\n".join(
        cell.text
        for table in Document(str(path)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert score_text(after.absolute_score) in text
    assert any(r.unit.name_zh in text and score_text(r.absolute_score) in text for r in leaders)
    assert analyst.errors == []
    assert analyst.outside == []
