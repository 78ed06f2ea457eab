"""Reading CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX files as rows of text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from pingan.core.limits import XLSX_MAGIC, capped, check_data, check_size
from pingan.core.problems import InputRefused, Problem
from pingan.core.text import control_character_problems

__all__ = [
    "XLSX_MAGIC",
    "Table",
    "check_header",
    "iter_records",
    "read_path",
    "read_table",
    "utf8_text",
]


@dataclass(frozen=True)
class Table:
    """A file's header and its data rows; each row keeps its 1-based line number."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def decode_text(data: bytes) -> str:
    """Decode CSV bytes as UTF-8 (with or without BOM), falling back to GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputRefused(
            [
                Problem(
                    None,
                    None,
                    _("the file is neither UTF-8 nor GB18030 text (byte %(pos)s)")
                    % {"pos": exc.start},
                )
            ]
        ) from exc


def utf8_text(data: bytes) -> str:
    """Decode a UTF-8 text file (a BOM is dropped), refusing other encodings clearly."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRefused(
            [
                Problem(
                    None, None, _("the file is not UTF-8 text (byte %(pos)s)") % {"pos": exc.start}
                )
            ]
        ) from exc


def iter_csv(data: bytes) -> Iterator[list[str]]:
    """Yield the CSV records of `data`, decoded, one at a time.

    A field over the CSV reader's limit (128 KiB), a quoted field left open at the end of the file
    and a quote in the middle of a field are refused, naming the record.
    """
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), strict=True)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007
            yield record
    except csv.Error as exc:
        raise InputRefused([Problem(number + 1, None, _csv_reason(str(exc)))]) from exc


def _csv_reason(error: str) -> str:
    if "field larger than field limit" in error:
        return _("a field is longer than %(limit)s characters") % {"limit": csv.field_size_limit()}
    if "unexpected end of data" in error:
        return _("a quoted field is not closed before the end of the file")
    if "new-line character seen in unquoted field" in error:
        return _("a line break inside a field that is not quoted")
    if "NUL" in error:
        return _("the file holds a NUL character")
    return _("a quote inside a field that is not quoted as a whole")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def iter_xlsx(data: bytes) -> Iterator[list[str]]:
    """Yield the rows of the first worksheet of an XLSX workbook as text cells, streaming.

    The workbook is read in read-only mode, and the sheet's declared dimensions are ignored so
    that a false dimension cannot pad every row with empty cells.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:
        raise InputRefused(
            [Problem(None, None, _("the file is not a readable XLSX workbook"))]
        ) from exc
    try:
        sheet.reset_dimensions()  # type: ignore[union-attr]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    except InputRefused:
        raise
    except Exception as exc:
        raise InputRefused(
            [Problem(None, None, _("the file is not a readable XLSX workbook"))]
        ) from exc
    finally:
        workbook.close()


def iter_records(data: bytes) -> Iterator[list[str]]:
    """Yield records from CSV or XLSX bytes, recognised by content, within the limits.

    The size and, for XLSX, the expansion are checked before anything is parsed; reading stops
    at the first record beyond the row or column limit.
    """
    check_data(data)
    return capped(iter_xlsx(data) if data.startswith(XLSX_MAGIC) else iter_csv(data))


def read_table(
    data: bytes, *, required: list[str], optional: list[str] | None = None, extra_ok: bool = False
) -> Table:
    """Read a whole CSV/XLSX file, checking its header names the required columns.

    Blank lines are skipped. Raises InputRefused naming missing or unknown columns, and every
    cell holding a control character.
    """
    records = iter_records(data)
    header = read_header(records, required=required, optional=optional or [], extra_ok=extra_ok)
    # The records are read to the end (or to the first beyond the limits) before any row is built.
    rest = list(records)
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for line, record in enumerate(rest, start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
        row = dict(zip(header, cells, strict=False))
        problems += control_character_problems(row, row=line)
        rows.append((line, row))
    if problems:
        raise InputRefused(problems)
    return Table(header=header, rows=rows)


def read_header(
    records: Iterator[list[str]], *, required: list[str], optional: list[str], extra_ok: bool
) -> list[str]:
    """Read the header line off `records` (byte-order mark and trailing empty columns dropped)
    and check it; refuse an empty file."""
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(records)]
    except StopIteration:
        raise InputRefused([Problem(None, None, _("the file is empty"))]) from None
    while header and not header[-1]:
        header.pop()
    check_header(header, required=required, allowed=None if extra_ok else required + optional)
    return header


def check_header(header: list[str], *, required: list[str], allowed: list[str] | None) -> None:
    """Refuse a header missing a required column, naming an unknown one (unless `allowed` is
    None) or naming a column twice. Linear in the number of columns."""
    names = set(header)
    problems = [
        Problem(1, col, _("required column is missing")) for col in required if col not in names
    ]
    if allowed is not None:
        known = set(allowed)
        problems += [Problem(1, col, _("unknown column")) for col in header if col not in known]
    counts = Counter(header)
    problems += [
        Problem(1, col, _("column appears more than once"))
        for col in sorted(c for c, n in counts.items() if n > 1)
    ]
    if problems:
        raise InputRefused(problems)


def read_path(path: str | Path) -> bytes:
    """Read a file given on the command line: its size is checked before it is read."""
    try:
        with open(path, "rb") as handle:
            check_size(os.fstat(handle.fileno()).st_size)
            return handle.read()
    except OSError as exc:
        raise InputRefused(
            [
                Problem(
                    None,
                    None,
                    _("cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror},
                )
            ]
        ) from exc
