"""Limits on uploaded and imported files: size, rows, columns, XLSX expansion, field lengths.

Every way a file comes in (web upload, API body, command line) goes through `check_size` before
the file is read and `check_data` before it is parsed; the readers in `core.tabular` stop as soon
as a file has more rows or columns than allowed. The limits are settings (`PINGAN_MAX_*`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingan.core.problems import InputRefused, Problem

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """The limits in force (from the settings of the same names)."""

    max_upload_mb: int
    max_rows: int
    max_columns: int
    max_xlsx_expanded_mb: int
    max_xlsx_ratio: int


def current() -> Limits:
    """The limits of the running settings."""
    from django.conf import settings

    return Limits(
        max_upload_mb=settings.PINGAN_MAX_UPLOAD_MB,
        max_rows=settings.PINGAN_MAX_ROWS,
        max_columns=settings.PINGAN_MAX_COLUMNS,
        max_xlsx_expanded_mb=settings.PINGAN_MAX_XLSX_EXPANDED_MB,
        max_xlsx_ratio=settings.PINGAN_MAX_XLSX_RATIO,
    )


def _refuse(reason: str, row: int | None = None) -> InputRefused:
    return InputRefused([Problem(row, None, reason)])


def size_reason(size: int) -> str | None:
    """Why a file of `size` bytes is refused, or None when it is within the limit."""
    limit = current().max_upload_mb
    if size <= limit * MB:
        return None
    return _("the file is %(size)s MB, more than the limit of %(limit)s MB") % {
        "size": "%.1f" % (size / MB),
        "limit": limit,
    }


def check_size(size: int) -> None:
    """Refuse a file of `size` bytes larger than PINGAN_MAX_UPLOAD_MB, before it is read."""
    reason = size_reason(size)
    if reason is not None:
        raise _refuse(reason)


def check_data(data: bytes) -> None:
    """Refuse file content that is too large or, for XLSX, expands too much; nothing is parsed."""
    check_size(len(data))
    if data.startswith(XLSX_MAGIC):
        check_xlsx(data)


def check_xlsx(data: bytes) -> None:
    """Refuse an XLSX whose zip members would expand beyond the limits (read from the zip directory)."""
    limits = current()
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(_("the file is not a readable XLSX workbook")) from exc
    expanded = sum(m.file_size for m in members)
    if expanded > limits.max_xlsx_expanded_mb * MB:
        raise _refuse(
            _("the workbook expands to %(size)s MB, more than the limit of %(limit)s MB")
            % {"size": "%.1f" % (expanded / MB), "limit": limits.max_xlsx_expanded_mb}
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > limits.max_xlsx_ratio:
            raise _refuse(
                _(
                    "the workbook part %(name)s expands %(ratio)s times, more than the limit of %(limit)s"
                )
                % {"name": member.filename, "ratio": int(ratio), "limit": limits.max_xlsx_ratio}
            )


def check_rows(count: int) -> None:
    """Refuse more than PINGAN_MAX_ROWS items (API lists of cells)."""
    limit = current().max_rows
    if count > limit:
        raise _refuse(_("more than %(limit)s rows; split the input") % {"limit": limit})


def capped(records: Iterator[list[str]]) -> Iterator[list[str]]:
    """Pass records through, stopping with a refusal at the first row beyond the row or column limit.

    The header is record 1 and does not count as a data row.
    """
    limits = current()
    last = limits.max_rows + 1
    for number, record in enumerate(records, start=1):
        if number > last:
            raise _refuse(
                _("the file has more than %(limit)s data rows") % {"limit": limits.max_rows},
                row=number,
            )
        if len(record) > limits.max_columns:
            raise _refuse(
                _("%(count)s columns, more than the limit of %(limit)s")
                % {"count": len(record), "limit": limits.max_columns},
                row=number,
            )
        yield record


def length_reason(value: str, limit: int) -> str | None:
    """Why `value` does not fit a column of `limit` characters, or None when it fits."""
    if len(value) <= limit:
        return None
    return _("longer than %(limit)s characters (%(length)s given)") % {
        "limit": limit,
        "length": len(value),
    }
