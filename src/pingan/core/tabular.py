"""Reading CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX files as rows of text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from pingan.core.problems import InputRefused, Problem

XLSX_MAGIC = b"PK\x03\x04"


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


def iter_csv(data: bytes) -> Iterator[list[str]]:
    """Yield the CSV records of `data`, decoded."""
    yield from csv.reader(io.StringIO(decode_text(data), newline=""))


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
    """Yield the rows of the first worksheet of an XLSX workbook as text cells."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputRefused(
            [Problem(None, None, _("the file is not a readable XLSX workbook"))]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def iter_records(data: bytes) -> Iterator[list[str]]:
    """Yield records from CSV or XLSX bytes, recognised by content."""
    return iter_xlsx(data) if data.startswith(XLSX_MAGIC) else iter_csv(data)


def read_table(
    data: bytes, *, required: list[str], optional: list[str] | None = None, extra_ok: bool = False
) -> Table:
    """Read a whole CSV/XLSX file, checking its header names the required columns.

    Blank lines are skipped. Raises InputRefused naming missing or unknown columns.
    """
    records = iter_records(data)
    header = _read_header(records, required=required, optional=optional or [], extra_ok=extra_ok)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
        rows.append((line, dict(zip(header, cells, strict=False))))
    return Table(header=header, rows=rows)


def _read_header(
    records: Iterator[list[str]], *, required: list[str], optional: list[str], extra_ok: bool
) -> list[str]:
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(records)]
    except StopIteration:
        raise InputRefused([Problem(None, None, _("the file is empty"))]) from None
    while header and not header[-1]:
        header.pop()
    problems = [
        Problem(1, col, _("required column is missing")) for col in required if col not in header
    ]
    if not extra_ok:
        allowed = set(required) | set(optional)
        problems += [Problem(1, col, _("unknown column")) for col in header if col not in allowed]
    duplicates = {h for h in header if header.count(h) > 1}
    problems += [Problem(1, col, _("column appears more than once")) for col in sorted(duplicates)]
    if problems:
        raise InputRefused(problems)
    return header


def read_path(path: str | Path) -> bytes:
    """Read a file given on the command line, refusing a missing one clearly."""
    try:
        return Path(path).read_bytes()
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
