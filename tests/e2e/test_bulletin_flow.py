"""The quarterly bulletin in real Chromium: the office head drafts, writes 情况分析 and 工作要求,
confirms and issues; the downloaded .docx carries the text as written."""

from __future__ import annotations

import pytest
from docx import Document

from pingan.bulletins.models import Bulletin, Status
from tests.bulletins.factory import store_run
from tests.conftest import TEST_PASSWORD

ANALYSIS = "本季度全市社会稳定形势总体平稳。\n北海经济开发区须引起高度重视。"
REQUIREMENTS = "各单位要对照通报落实整改责任。"


@pytest.mark.django_db(transaction=True)
def test_office_head_drafts_writes_and_issues(page_factory, demo_units, make_user, tmp_path):
    store_run("2026Q3")
    make_user("office_head", username="head1")
    head = page_factory()
    head.tab.set_default_timeout(180_000)  # the first request imports the whole site
    head.login("head1", TEST_PASSWORD)
    head.go("/bulletins/")
    head.tab.select_option("#period", "2026Q3")
    head.tab.click("main form button[type=submit]")
    head.tab.wait_for_load_state("networkidle")
    draft = Bulletin.objects.get(period="2026Q3")
    assert draft.created_by.username == "head1"

    head.tab.click("a:has-text('编辑正文')")
    head.tab.wait_for_load_state("networkidle")
    head.tab.fill("#f-analysis", ANALYSIS)
    head.tab.fill("#f-requirements", REQUIREMENTS)
    head.tab.click("button:has-text('保存正文')")
    head.tab.wait_for_load_state("networkidle")
    assert "草稿正文已保存。" in head.tab.inner_text("main")
    assert head.tab.locator("#f-requirements").input_value() == REQUIREMENTS
    head.shot("bulletin-text-office-head-zh-1366")

    head.tab.click("a:has-text('印发…')")
    head.tab.wait_for_load_state("networkidle")
    assert "确认印发2026Q3通报（第1版）？" in head.tab.inner_text("main")
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT
    head.tab.click("button:has-text('确认印发')")
    head.tab.locator("#pingan-confirm[open] [data-confirm-ok]").click()
    head.tab.wait_for_load_state("networkidle")
    issued = Bulletin.objects.get(pk=draft.pk)
    assert issued.status == Status.ISSUED
    assert "已印发，发文字号%s。" % issued.doc_number in head.tab.inner_text("main")

    with head.tab.expect_download() as download_info:
        head.tab.click("[data-testid=bulletin-%d] a:has-text('.docx')" % issued.pk)
    path = tmp_path / "bulletin.docx"
    download_info.value.save_as(path)
    lines = [p.text for p in Document(str(path)).paragraphs]
    start = lines.index("八、情况分析")
    assert lines[start : start + 5] == [
        "八、情况分析",
        "本季度全市社会稳定形势总体平稳。",
        "北海经济开发区须引起高度重视。",
        "九、工作要求",
        "各单位要对照通报落实整改责任。",
    ]
    assert path.read_bytes() == bytes(issued.docx)
    assert head.errors == []
    assert head.outside == []
