"""Writing rows as CSV, XLSX or JSON, to a file or standard output.

CSV and XLSX cells go through `spreadsheet_cell`: text never starts a live formula and never holds
a character the file format cannot carry; numbers stay numbers. JSON keeps the stored text.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pingan.core.text import spreadsheet_cell, spreadsheet_text

FORMATS = ("csv", "xlsx", "json")


def rows_to_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str) -> bytes:
    """Serialise rows (dicts) with the given column order in one of FORMATS."""
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
        return _xlsx(rows, columns)
    raise ValueError(fmt)


def _csv_cell(value: Any) -> Any:
    """A CSV cell: empty for None; text made safe, with a lone carriage return written as a line
    feed (the writer quotes only the line terminator, and a bare CR would split the record)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def _xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([spreadsheet_cell(c) for c in columns])
    for row in rows:
        sheet.append([spreadsheet_cell(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_output(data: bytes, path: str | None) -> None:
    """Write bytes to `path`, or to standard output when no path (or '-') is given."""
    if path and path != "-":
        Path(path).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
