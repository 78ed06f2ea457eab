"""The four ways in (grid, XLSX template, CSV, API) check alike, report row/column/reason, and write nothing on error."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from pingan.core.problems import InputRefused
from pingan.reporting import filling
from pingan.reporting.cells import Columns
from pingan.reporting.models import Figure
from pingan.reporting.workbook import template_bytes, upload_records
from tests.reporting.conftest import MONTH

pytestmark = pytest.mark.django_db

# unit, indicator, value: a negative value, an unknown unit, another body's indicator, a fraction, a duplicate
BAD = [
    ("A1", "criminal", "-1"),
    ("ZZ9", "criminal", "2"),
    ("A2", "petition_unlawful", "1"),
    ("A2", "criminal", "1.5"),
    ("C1", "criminal", "0"),
    ("C1", "criminal", "0"),
]
EXPECTED_REASONS = {
    "the value must be a whole number ≥ 0",
    "unknown unit ZZ9",
    "indicator petition_unlawful is reported by petitions",
    "duplicate cell, first given at row %s",
}


def _reasons(refused: InputRefused) -> set[str]:
    return {
        p.reason.rsplit(" ", 1)[0] + " %s" if p.reason.startswith("duplicate") else p.reason
        for p in refused.problems
    }


def _via_grid(actor, submission):
    records = [(i, u, c, MONTH, v) for i, (u, c, v) in enumerate(BAD, start=1)]
    filling.put_cells(
        actor=actor,
        submission_id=submission.pk,
        records=records,
        columns=Columns(unit="unit", period="month", value=None),
    )


def _via_csv(actor, submission):
    text = "unit_code,indicator_code,period,value\n" + "".join(
        "%s,%s,%s,%s\n" % (u, c, MONTH, v) for u, c, v in BAD
    )
    records, columns = upload_records(("\ufeff" + text).encode("utf-8"), MONTH)
    filling.put_cells(actor=actor, submission_id=submission.pk, records=records, columns=columns)


def _via_template(actor, submission):
    workbook = load_workbook(io.BytesIO(template_bytes(submission)))
    sheet = workbook["figures"]
    codes = [c.value for c in sheet[2]]
    rows = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    for unit, code, value in BAD[:4]:
        if unit not in rows:
            rows[unit] = sheet.max_row + 1
            sheet.cell(rows[unit], 1, unit)
        if code not in codes:
            codes.append(code)
            sheet.cell(2, len(codes), code)
        sheet.cell(rows[unit], codes.index(code) + 1, value)
    # the duplicate: C1 twice
    sheet.cell(rows["C1"], codes.index("criminal") + 1, 0)
    extra = sheet.max_row + 1
    sheet.cell(extra, 1, "C1")
    sheet.cell(extra, codes.index("criminal") + 1, 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    records, columns = upload_records(buffer.getvalue(), MONTH)
    filling.put_cells(actor=actor, submission_id=submission.pk, records=records, columns=columns)


def _via_api(client, submission):
    payload = {
        "cells": [
            {
                "unit_code": u,
                "indicator_code": c,
                "value": int(v) if v.lstrip("-").isdigit() else float(v),
            }
            for u, c, v in BAD
        ]
    }
    response = client.put(
        "/api/reporting/submissions/%d/cells" % submission.pk,
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    raise InputRefused([type("P", (), p)() for p in response.json()["problems"]])


@pytest.mark.parametrize("way", ["grid", "csv", "template", "api"])
def test_every_way_reports_the_same_problems_and_writes_nothing(staff, draft, client, way):
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=[(1, "A1", "criminal", MONTH, "5")]
    )
    client.force_login(staff["clerk"].user)
    with pytest.raises(InputRefused) as refused:
        if way == "api":
            _via_api(client, draft)
        else:
            {"grid": _via_grid, "csv": _via_csv, "template": _via_template}[way](
                staff["clerk"], draft
            )
    assert _reasons(refused.value) == EXPECTED_REASONS
    assert all(getattr(p, "row", None) for p in refused.value.problems)
    assert all(getattr(p, "column", None) for p in refused.value.problems)
    assert list(Figure.objects.filter(submission=draft).values_list("value", flat=True)) == [5]


def test_problems_name_row_and_column(staff, draft):
    with pytest.raises(InputRefused) as refused:
        _via_csv(staff["clerk"], draft)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "value"),
        (3, "unit_code"),
        (4, "indicator_code"),
        (5, "value"),
        (7, "indicator_code"),
    ]


def test_template_round_trip_fills_the_draft(staff, draft):
    workbook = load_workbook(io.BytesIO(template_bytes(draft)))
    sheet = workbook["figures"]
    assert sheet.protection.sheet is True
    assert [c.value for c in sheet[2]] == ["unit_code", "unit", "criminal", "public_security"]
    assert [sheet.cell(r, 1).value for r in range(4, sheet.max_row + 1)] == ["A1", "A2", "A4", "C1"]
    for r in range(4, 8):
        sheet.cell(r, 3, r)
        if sheet.cell(r, 1).value != "C1":
            sheet.cell(r, 4, 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    records, columns = upload_records(buffer.getvalue(), MONTH)
    summary = filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records, columns=columns
    )
    assert (summary.created, summary.missing) == (7, 0)


@pytest.mark.parametrize("way", ["service", "api"])
def test_dry_run_writes_nothing(staff, draft, client, way):
    if way == "api":
        client.force_login(staff["clerk"].user)
        payload = {"cells": [{"unit_code": "A1", "indicator_code": "criminal", "value": 2}]}
        response = client.put(
            "/api/reporting/submissions/%d/cells?dry_run=true" % draft.pk,
            data=json.dumps(payload),
            content_type="application/json",
        )
        assert response.status_code == 200
        assert (
            response.json()["dry_run"],
            response.json()["created"],
            response.json()["missing"],
        ) == (True, 1, 6)
    else:
        summary = filling.put_cells(
            actor=staff["clerk"],
            submission_id=draft.pk,
            records=[(1, "A1", "criminal", MONTH, "2")],
            dry_run=True,
        )
        assert (summary.dry_run, summary.created) == (True, 1)
    assert Figure.objects.filter(submission=draft).count() == 0


def test_closed_and_not_yet_open_units_are_refused(staff, draft):
    with pytest.raises(InputRefused) as refused:
        filling.put_cells(
            actor=staff["clerk"],
            submission_id=draft.pk,
            records=[(1, "A3", "criminal", MONTH, "1"), (2, "B1", "criminal", MONTH, "1")],
        )
    assert [p.reason for p in refused.value.problems] == [
        "unit A3 is not open in 2026-09",
        "indicator criminal does not apply to unit B1 (class B)",
    ]


def test_empty_value_clears_a_cell_and_zero_is_kept(staff, draft):
    filling.put_cells(
        actor=staff["clerk"],
        submission_id=draft.pk,
        records=[(1, "A1", "criminal", MONTH, "0"), (2, "A2", "criminal", MONTH, "3")],
    )
    summary = filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=[(1, "A2", "criminal", MONTH, "")]
    )
    assert (summary.cleared, summary.missing) == (1, 6)
    assert list(Figure.objects.filter(submission=draft).values_list("unit__code", "value")) == [
        ("A1", 0)
    ]
