"""A major decision in real Chromium: registered by the proposing body, analysed and reported by the
assessor, approved as "postpone" by the competent department, its report downloaded and opened,
its measure done, and the re-assessment concluding "implement"."""

from __future__ import annotations

import pytest
from docx import Document

from pingan.assessments.models import Assessment
from tests.conftest import TEST_PASSWORD

DIMENSIONS = ("legality", "rationality", "feasibility", "controllability", "acceptance")


def submit(page, action_suffix: str) -> None:
    """Press the button of the form posting to the URL ending in `action_suffix`."""
    page.tab.click("form[action$='%s'] button[type=submit]" % action_suffix)
    page.tab.wait_for_load_state("networkidle")


def signed_in(page_factory, username: str):
    page = page_factory()
    page.tab.set_default_timeout(180_000)  # the first request imports the whole site
    page.login(username, TEST_PASSWORD)
    return page


@pytest.mark.django_db(transaction=True)
def test_registration_to_postpone_to_implement(page_factory, demo_units, make_user, tmp_path):
    make_user("proposer", unit="BZ01", username="clerk1")
    make_user("assessor", unit="BZ", username="assessor1")
    make_user("department_head", unit="BZ", username="head1")

    clerk = signed_in(page_factory, "clerk1")
    clerk.go("/assessments/new/")
    clerk.tab.fill("#title", "旧城片区改造项目")
    clerk.tab.select_option("#category", "project")
    clerk.tab.fill("#expected_on", "2027-03-01")
    clerk.tab.select_option("#proposing_unit", "BZ01")
    clerk.tab.select_option("#implementing_unit", "BZ0101")
    clerk.tab.select_option("#assessing_unit", "BZ")
    clerk.tab.select_option("#affected_units", ["BZ0101", "BZ0102"])
    clerk.tab.set_input_files(
        "#files",
        files=[{"name": "方案.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}],
    )
    clerk.tab.click("main form button[type=submit]")
    clerk.tab.wait_for_load_state("networkidle")
    first = Assessment.objects.get()
    assert (first.status, first.attachments.count()) == ("draft", 1)
    clerk.shot("assessment-registered-zh-1366")

    assessor = signed_in(page_factory, "assessor1")
    assessor.go("/assessments/%d/" % first.pk)
    submit(assessor, "/analysis/start/")
    for dimension in DIMENSIONS:
        assessor.tab.fill("#text_" + dimension, "经评估符合要求。")
        assessor.tab.select_option("#rating_" + dimension, "satisfied")
    submit(assessor, "/analysis/findings/")
    assessor.tab.fill("#risk_description", "补偿标准争议引发集体上访")
    for field, value in (
        ("likelihood", "4"),
        ("impact", "4"),
        ("residual_likelihood", "4"),
        ("residual_impact", "3"),
    ):
        assessor.tab.fill("#" + field, value)
    submit(assessor, "/analysis/risk/")
    assessor.tab.fill("#measure_description", "公开补偿方案并逐户听取意见")
    assessor.tab.select_option("#owner_unit", "BZ0101")
    assessor.tab.fill("#due_on", "2026-12-15")
    submit(assessor, "/analysis/measure/")
    assert assessor.tab.locator("#proposed").input_value() == "postpone"
    submit(assessor, "/analysis/submit/")
    assert Assessment.objects.get(pk=first.pk).status == "review"

    head = signed_in(page_factory, "head1")
    head.go("/assessments/%d/" % first.pk)
    head.tab.fill("#review_due", "2027-06-30")
    submit(head, "/review/approve/")
    first.refresh_from_db()
    assert (first.status, first.conclusion) == ("concluded", "postpone")
    assert head.tab.inner_text("[data-testid=conclusion]") == "暂缓实施"
    head.shot("assessment-postponed-zh-1366")

    with head.tab.expect_download() as download:
        head.tab.click("[data-testid=report-docx]")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    text = [p.text for p in Document(str(path)).paragraphs]
    assert "关于“旧城片区改造项目”的社会稳定风险评估专项报告" in text
    assert "评估结论：暂缓实施" in text
    assert path.read_bytes() == bytes(first.report_docx)

    clerk.go("/assessments/%d/" % first.pk)
    measure = first.measures.get()
    submit(clerk, "/measures/%d/done/" % measure.pk)
    assert measure.completion.done_on is not None

    assessor.go("/assessments/%d/" % first.pk)
    assessor.tab.fill("#reason", "补偿方案已公开，措施已落实，重新评估")
    submit(assessor, "/analysis/new-version/")
    second = Assessment.objects.get(previous=first)
    assert assessor.tab.url.endswith("/assessments/%d/" % second.pk)
    assert assessor.tab.locator("#proposed").input_value() == "implement"
    submit(assessor, "/analysis/submit/")

    head.go("/assessments/%d/" % second.pk)
    head.tab.fill("#review_due", "2027-09-30")
    submit(head, "/review/approve/")
    second.refresh_from_db()
    assert (second.version, second.status, second.conclusion) == (2, "concluded", "implement")
    assert head.tab.inner_text("[data-testid=conclusion]") == "实施"
    for page in (clerk, assessor, head):
        assert page.errors == [] and page.outside == []
