"""The XLSX entry template of a submission (units × indicators, header locked) and reading it back.

Uploaded files are either this template or a figures file (`unit_code,indicator_code,period,value`);
both become the same records and go through the same checks as the grid and the API.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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
    sheet.cell(1, 1, spreadsheet_text(title)).font = Font(bold=True)
    # Row 2 holds the codes the upload reads; row 3 the names a person reads, beside them.
    code_font, name_font = Font(color="666666", size=9), Font(bold=True)
    sheet.cell(2, 1, "unit_code").font = code_font
    sheet.cell(2, 2, _("unit")).font = code_font
    sheet.cell(3, 1, spreadsheet_text(_("Unit code"))).font = name_font
    sheet.cell(3, 2, spreadsheet_text(_("Unit name"))).font = name_font
    for offset, indicator in enumerate(data["indicators"]):
        column = FIRST_VALUE_COLUMN + offset
        sheet.cell(2, column, spreadsheet_text(indicator.code)).font = code_font
        name = sheet.cell(3, column, spreadsheet_text(indicator.display_name(language)))
        name.font = name_font
        name.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 30
    sheet.row_dimensions[3].height = 45
    grey = PatternFill("solid", fgColor="DDDDDD")
    validation = _whole_numbers()
    sheet.add_data_validation(validation)
    for r, row in enumerate(data["rows"], start=FIRST_UNIT_ROW):
        sheet.cell(r, 1, spreadsheet_text(row.unit.code))
        sheet.cell(r, 2, spreadsheet_text(row.unit.display_name(language)))
        for offset, cell in enumerate(row.cells):
            target = sheet.cell(r, FIRST_VALUE_COLUMN + offset, spreadsheet_cell(cell["value"]))
            if cell["applies"]:
                target.protection = Protection(locked=False)
                validation.add(target.coordinate)
            else:
                target.fill = grey
    sheet.protection.sheet = True
    sheet.freeze_panes = sheet.cell(FIRST_UNIT_ROW, FIRST_VALUE_COLUMN)
    _instructions(workbook, submission)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["body", spreadsheet_text(submission.body.code)])
    meta.append(["month", submission.month])
    meta.append(["submission", submission.pk])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _whole_numbers() -> DataValidation:
    """Excel's own check on the value cells: whole numbers ≥ 0, empty allowed."""
    validation = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    validation.showErrorMessage = True
    validation.errorTitle = spreadsheet_text(_("Not a count"))
    validation.error = spreadsheet_text(
        _("Enter a whole number ≥ 0, or leave the cell empty if the figure is not known yet.")
    )
    return validation


def _instructions(workbook: Workbook, submission: Submission) -> None:
    """A second sheet telling how to fill and upload the template (the upload reads the first sheet)."""
    sheet = workbook.create_sheet(spreadsheet_text(_("Instructions"))[:31])
    lines = [
        _("How to fill this template"),
        _("1. Enter each figure in the white cells of the first sheet: a whole number ≥ 0."),
        _("2. Grey cells do not apply to the unit; leave them empty."),
        _("3. An empty cell means the figure is missing; enter 0 when there were no incidents."),
        _("4. Do not change the codes in row 2 or column A, or the order of the sheets."),
        _("5. Upload the file on the submission's page; tick “dry run” to check it first."),
        _("Every cell is checked again on upload; nothing is written unless every value is valid."),
        _("Month: %(month)s") % {"month": submission.month},
    ]
    for line in lines:
        sheet.append([spreadsheet_text(line)])
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 100


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
