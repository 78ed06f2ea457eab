"""Writing rows as CSV, XLSX or JSON, to a file or standard output."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FORMATS = ("csv", "xlsx", "json")


def rows_to_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str) -> bytes:
    """Serialise rows (dicts) with the given column order in one of FORMATS."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
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


def _xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns])
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
