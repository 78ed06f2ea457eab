"""The figures file (`unit_code,indicator_code,period,value`, CSV or XLSX): reading it, and the audited export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count
from typing import Any

from django.db import transaction

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.exports import rows_to_bytes
from pingan.core.tabular import read_header
from pingan.reporting.cells import Record
from pingan.reporting.figure_columns import (
    EXPORT_COLUMNS,
    FIGURE_COLUMNS,
    HEADERS,
    NAME_COLUMNS,
    SAMPLE_COLUMN,
    figure_file_records,
)
from pingan.reporting.selectors import export_rows


def figure_lines(data: bytes) -> Iterable[tuple[int | None, Sequence[Any]]]:
    """The lines of a figures file (`unit_code,indicator_code,period,value`; CSV or XLSX) as (line, cells).

    A file with the columns in that order is streamed straight from the reader; otherwise each
    line's cells are put in that order first. The optional `sample_size` column of survey rates
    is read by `pingan.reporting.surveys`; the name columns of an export are ignored. Headings
    may be the column codes or their Chinese or English names (as an XLSX export writes them).
    """
    records = figure_file_records(data)
    header = read_header(
        records,
        required=FIGURE_COLUMNS,
        optional=[SAMPLE_COLUMN, *NAME_COLUMNS],
        extra_ok=False,
    )
    order = [header.index(c) for c in FIGURE_COLUMNS]
    if order == [0, 1, 2, 3] and len(header) == len(FIGURE_COLUMNS):
        return zip(count(2), records)
    return ((line, _reordered(record, order)) for line, record in zip(count(2), records))


def _reordered(record: list[str], order: list[int]) -> list[str]:
    record = record + [""] * (max(order) + 1 - len(record))
    return [record[i] for i in order]


def figure_records(data: bytes) -> list[Record]:
    """The records `(line, unit_code, indicator_code, period, value)` of a figures file, blank lines left out."""
    records: list[Record] = []
    for line, cells in figure_lines(data):
        padded = [*cells, "", "", "", ""][:4]
        if any(str(c).strip() for c in padded):
            records.append((line, str(padded[0]), str(padded[1]), str(padded[2]), padded[3]))
    return records


def export_figures(
    *, actor: Actor, first: str, last: str, fmt: str, language: str = "zh-hans"
) -> bytes:
    """The current approved figures of months `first`..`last` as CSV, XLSX or JSON bytes (audited).

    The codes come first, then the unit's and the indicator's names in `language`; an XLSX is
    headed in the language of the request, on a sheet named for the months.
    """
    rows = export_rows(actor=actor, first=first, last=last, language=language)
    data = rows_to_bytes(
        rows,
        EXPORT_COLUMNS,
        fmt,
        headers=HEADERS,
        sheet="%s – %s" % (first, last) if first != last else first,
    )
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.REPORTING_FIGURES_EXPORT,
            object_type="reporting.figure",
            detail={"from": first, "to": last, "format": fmt, "rows": len(rows)},
        )
    return data
