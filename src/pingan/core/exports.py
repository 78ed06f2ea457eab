"""Writing rows as CSV, XLSX or JSON, to a file or standard output.

CSV and XLSX cells go through `spreadsheet_cell`: text never starts a live formula and never holds
a character the file format cannot carry; numbers stay numbers. JSON keeps the stored text.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pingan.core.text import spreadsheet_cell, spreadsheet_text

FORMATS = ("csv", "xlsx", "json")


def rows_to_bytes(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    headers: Mapping[str, Any] | None = None,
    sheet: str = "",
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """Serialise rows (dicts) with the given column order in one of FORMATS.

    For XLSX read by people: `headers` gives each column's heading (in the reader's language;
    the column code when absent), `sheet` names the sheet, `number_formats` sets the display
    format of numeric columns (the cells stay numbers). CSV and JSON keep the column codes.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])
        return buffer.getvalue().encode("utf-8")
    if fmt == "json":
        return (
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=1
            )
            + "\n"
        ).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(rows, columns, headers or {}, sheet, number_formats or {})
    raise ValueError(fmt)


def _csv_cell(value: Any) -> Any:
    """A CSV cell: empty for None; text made safe, with a lone carriage return written as a line
    feed (the writer quotes only the line terminator, and a bare CR would split the record)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def _xlsx(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[str],
    headers: Mapping[str, Any],
    title: str,
    number_formats: Mapping[str, str],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title) if title else None)
    sheet.append([spreadsheet_cell(str(headers.get(c, c))) for c in columns])
    for row in rows:
        cells: list[Any] = []
        for c in columns:
            value = spreadsheet_cell(row.get(c))
            if c in number_formats and isinstance(value, int | float):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_formats[c]
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str) -> str:
    """A valid sheet name: without the characters Excel refuses, at most 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()
    return cleaned[:31] or "Sheet"


def write_output(data: bytes, path: str | None) -> None:
    """Write bytes to `path`, or to standard output when no path (or '-') is given."""
    if path and path != "-":
        Path(path).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
