"""Scores exports (page XLSX, API CSV and XLSX): a formula-like unit name stays text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from pingan.units.models import OrgUnit
from tests.scores.test_views import login, results  # noqa: F401 - shared fixtures

HYPERLINK = '=HYPERLINK("http://evil.example/","x")'


@pytest.fixture
def formula_name(results):  # noqa: F811
    OrgUnit.objects.filter(code="BZ01").update(name_zh=HYPERLINK, name_en=HYPERLINK)
    OrgUnit.objects.filter(code="BZ02").update(name_zh="-1+2", name_en="-1+2")


def _no_formula(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_page_xlsx_export_holds_no_formula(formula_name, login):  # noqa: F811
    response = login("leader").get("/scores/export.xlsx?quarter=2026Q2&class=A")
    assert response.status_code == 200
    rows = _no_formula(response.content)
    names = {r[3]: r[4] for r in rows[1:]}
    assert names == {"BZ03": "Huimin County", "BZ01": "'" + HYPERLINK, "BZ02": "'-1+2"}
    # numbers stay numbers, negative ones included
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    assert rows[2][11] == -2.25


def test_api_exports_hold_no_formula(formula_name, login):  # noqa: F811
    client = login("system_admin")
    xlsx = client.get("/api/scores/periods/2026Q2/export?format=xlsx")
    rows = _no_formula(xlsx.content)
    assert {r[0]: r[1] for r in rows[1:]}["BZ01"] == "'" + HYPERLINK
    text = client.get("/api/scores/periods/2026Q2/export?format=csv").content.decode()
    names = {r[0]: r[1] for r in csv.reader(io.StringIO(text))}
    assert (names["BZ01"], names["BZ02"]) == ("'" + HYPERLINK, "'-1+2")
