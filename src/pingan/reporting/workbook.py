"""The XLSX entry template of a submission (units × indicators, header locked) and reading it back.

Uploaded files are either this template or a figures file (`unit_code,indicator_code,period,value`);
both become the same records and go through the same checks as the grid and the API.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from pingan.core.limits import check_data
from pingan.core.problems import InputRefused, Problem
from pingan.core.tabular import XLSX_MAGIC, iter_records
from pingan.core.text import spreadsheet_cell, spreadsheet_text
from pingan.reporting.cells import Columns, Record
from pingan.reporting.figures_file import figure_records
from pingan.reporting.grid import grid
from pingan.reporting.models import Submission

FIRST_VALUE_COLUMN = 3
FIRST_UNIT_ROW = 4
META_SHEET = "meta"


def template_bytes(submission: Submission, language: str = "zh-hans") -> bytes:
    """An XLSX file to fill in Excel or WPS: codes and names pre-filled and locked, value cells open.

    Every text cell goes through `spreadsheet_text`: a name can never become a live formula or
    hold a character that XLSX cannot carry.
    """
    data = grid(submission)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "figures"
    title = _("%(body)s — figures for %(month)s (version %(number)s)") % {
        "body": submission.body.display_name(language),
        "month": submission.month,
        "number": submission.number,
    }
    sheet.cell(1, 1, spreadsheet_text(title))
    sheet.cell(2, 1, "unit_code")
    sheet.cell(2, 2, _("unit"))
    sheet.cell(3, 1, "")
    for offset, indicator in enumerate(data["indicators"]):
        column = FIRST_VALUE_COLUMN + offset
        sheet.cell(2, column, spreadsheet_text(indicator.code)).font = Font(bold=True)
        sheet.cell(3, column, spreadsheet_text(indicator.display_name(language)))
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.column_dimensions["B"].width = 30
    grey = PatternFill("solid", fgColor="DDDDDD")
    for r, row in enumerate(data["rows"], start=FIRST_UNIT_ROW):
        sheet.cell(r, 1, spreadsheet_text(row.unit.code))
        sheet.cell(r, 2, spreadsheet_text(row.unit.display_name(language)))
        for offset, cell in enumerate(row.cells):
            target = sheet.cell(r, FIRST_VALUE_COLUMN + offset, spreadsheet_cell(cell["value"]))
            if cell["applies"]:
                target.protection = Protection(locked=False)
            else:
                target.fill = grey
    sheet.protection.sheet = True
    sheet.freeze_panes = sheet.cell(FIRST_UNIT_ROW, FIRST_VALUE_COLUMN)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["body", spreadsheet_text(submission.body.code)])
    meta.append(["month", submission.month])
    meta.append(["submission", submission.pk])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_records(data: bytes, month: str) -> tuple[list[Record], Columns]:
    """Records from an uploaded template or figures file, with the column names problems use."""
    check_data(data)
    if data.startswith(XLSX_MAGIC) and _is_template(data):
        return _template_records(data, month), Columns(
            unit="A", indicator="2", period="month", value=None
        )
    return list(figure_records(data)), Columns()


def _is_template(data: bytes) -> bool:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:
        raise InputRefused(
            [Problem(None, None, _("the file is not a readable XLSX workbook"))]
        ) from exc
    try:
        return META_SHEET in workbook.sheetnames
    finally:
        workbook.close()


def _template_records(data: bytes, month: str) -> list[Record]:
    rows = list(iter_records(data))
    if len(rows) < FIRST_UNIT_ROW - 1 or not rows[1] or rows[1][0] != "unit_code":
        raise InputRefused([Problem(2, "A", _("this is not a pingan entry template"))])
    codes = list(rows[1][FIRST_VALUE_COLUMN - 1 :])
    records: list[Record] = []
    for line, row in enumerate(rows[FIRST_UNIT_ROW - 1 :], start=FIRST_UNIT_ROW):
        if not row or not row[0]:
            continue
        for offset, code in enumerate(codes):
            if not code:
                continue
            index = FIRST_VALUE_COLUMN - 1 + offset
            value = row[index] if index < len(row) else ""
            records.append((line, row[0], code, month, value))
    return records
