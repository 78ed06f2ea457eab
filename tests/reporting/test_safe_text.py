"""Figures files refuse control characters; the clerk's template never breaks on stored text or holds a formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from pingan.core.problems import InputRefused
from pingan.reporting import bulk_load
from pingan.reporting.models import Submission
from pingan.reporting.workbook import template_bytes
from pingan.units.models import OrgUnit
from tests.reporting.conftest import MONTH
from tests.stored_text import STORED_NUL


def test_figures_file_with_a_control_character_is_refused_naming_the_cell(city, system_actor):
    data = (
        "unit_code,indicator_code,period,value\nA1,criminal,%s,1\nA\x012,criminal,%s,1\n"
        % (MONTH, MONTH)
    ).encode()
    with pytest.raises(InputRefused) as refused:
        bulk_load.import_figures(actor=system_actor, data=data, approve=True, reason="load")
    assert [str(p) for p in refused.value.problems] == [
        "row 3, column unit_code: contains a control character (U+0001) at character 2"
    ]
    assert Submission.objects.count() == 0


def test_template_download_survives_a_nul_in_a_stored_unit_name(staff, draft):
    # names stored before control characters were refused
    OrgUnit.objects.filter(code="A1").update(
        name_zh="甲" + STORED_NUL + "区", name_en="Jia" + STORED_NUL + " \x1fDistrict"
    )
    sheet = load_workbook(io.BytesIO(template_bytes(draft, language="en")))["figures"]
    assert (sheet["A4"].value, sheet["B4"].value) == ("A1", "Jia District")
    sheet = load_workbook(io.BytesIO(template_bytes(draft, language="zh-hans")))["figures"]
    assert sheet["B4"].value == "甲区"


def test_template_holds_no_formula_for_a_formula_like_unit_name(staff, draft):
    OrgUnit.objects.filter(code="A1").update(name_zh='=HYPERLINK("http://evil.example/","x")')
    OrgUnit.objects.filter(code="A2").update(name_zh="@SUM(C4:C9)")
    workbook = load_workbook(io.BytesIO(template_bytes(draft)))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = workbook["figures"]
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (4, 5)] == [
        ("A1", '\'=HYPERLINK("http://evil.example/","x")'),
        ("A2", "'@SUM(C4:C9)"),
    ]
    assert sheet["B4"].data_type == "s"
