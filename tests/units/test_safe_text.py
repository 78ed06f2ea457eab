"""Units files: control characters refused at import; exports never hold a live formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from pingan.core.exports import rows_to_bytes
from pingan.core.problems import InputRefused
from pingan.units.models import Covariate, OrgUnit
from pingan.units.services import UNIT_COLUMNS, export_units, import_covariates, import_units
from tests.stored_text import STORED_NUL

HYPERLINK = '=HYPERLINK("http://evil.example/","x")'
UNITS = (
    "code,name,class,parent_code,opened_on,closed_on\n"
    "X,市,,,,\n"
    'F1,"=HYPERLINK(""http://evil.example/"",""x"")",,X,,\n'
    "F2,+1+1,,X,,\n"
    "F3,-2+3,,X,,\n"
    "F4,@SUM(A1),,X,,\n"
    "F5,-5,,X,,\n"
    "F6,甲区,,X,,\n"
)
# what a spreadsheet must show: text, with the OWASP single-quote prefix where it would be a formula
EXPECTED_NAMES = {
    "X": "市",
    "F1": "'" + HYPERLINK,
    "F2": "'+1+1",
    "F3": "'-2+3",
    "F4": "'@SUM(A1)",
    "F5": "-5",
    "F6": "甲区",
    "F7": "'\t=1+1",
    "F8": "'\r=1+1",
}


@pytest.fixture
def formula_units(binzhou, system_actor):
    import_units(actor=system_actor, data=UNITS.encode())
    # names stored before control characters were refused at input
    root = OrgUnit.objects.get(code="X")
    OrgUnit.objects.create(code="F7", name_zh="\t=1+1", parent=root, level=2)
    OrgUnit.objects.create(code="F8", name_zh="\r=1+1", parent=root, level=2)
    OrgUnit.objects.create(code="F9", name_zh="乙" + STORED_NUL + "区", parent=root, level=2)
    return export_units(actor=system_actor)


def test_units_xlsx_export_holds_no_formula(formula_units):
    sheet = load_workbook(io.BytesIO(rows_to_bytes(formula_units, UNIT_COLUMNS, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c for c in cells if c.data_type == "f"] == []
    names = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert names == {**EXPECTED_NAMES, "F9": "乙区"}
    assert {row[0].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}["F1"] == "s"


def test_units_csv_export_escapes_formula_cells(formula_units):
    text = rows_to_bytes(formula_units, UNIT_COLUMNS, "csv").decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == UNIT_COLUMNS
    # a bare carriage return would split the CSV record: it is written as a line feed (quoted)
    assert {r[0]: r[1] for r in rows[1:]} == {**EXPECTED_NAMES, "F8": "'\n=1+1", "F9": "乙区"}
    assert 'F1,"\'=HYPERLINK(""http://evil.example/"",""x"")",,X,,' in text.splitlines()


def test_units_json_export_keeps_the_stored_text(formula_units):
    import json

    names = {
        r["code"]: r["name"] for r in json.loads(rows_to_bytes(formula_units, UNIT_COLUMNS, "json"))
    }
    assert names["F1"] == HYPERLINK and names["F9"] == "乙" + STORED_NUL + "区"


def test_units_import_refuses_control_characters_naming_row_and_column(binzhou, system_actor):
    data = "code,name,class,parent_code\nX,市,,\nY,乙\x00区,,X\nZ,丙区\x7f,,X\n".encode()
    with pytest.raises(InputRefused) as refused:
        import_units(actor=system_actor, data=data)
    assert [str(p) for p in refused.value.problems] == [
        "row 3, column name: contains a control character (U+0000) at character 2",
        "row 4, column name: contains a control character (U+007F) at character 3",
    ]
    assert OrgUnit.objects.count() == 0


def test_covariates_import_refuses_control_characters(demo_units, system_actor):
    before = Covariate.objects.count()
    data = b"unit_code,year,population\nBZ01\x02,2026,1000\n"
    with pytest.raises(InputRefused) as refused:
        import_covariates(actor=system_actor, data=data)
    assert [str(p) for p in refused.value.problems] == [
        "row 2, column unit_code: contains a control character (U+0002) at character 5"
    ]
    assert Covariate.objects.count() == before
