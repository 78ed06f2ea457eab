"""Sample sizes of survey rates: the optional `sample_size` column of the figures file.

A survey-rate figure's `value` is the number of positive answers and `sample_size` the number of
people asked (e.g. 1,109 of 1,200: 92.4%). A rate line needs its sample size, the sample size
must be a whole number ≥ 1 and at least the value, and only rate lines may carry one.
"""

from __future__ import annotations

from itertools import count

from django.utils.translation import gettext as _

from pingan.core.problems import Problem
from pingan.core.tabular import read_header
from pingan.reporting.cells import parse_value
from pingan.reporting.figure_columns import NAME_COLUMNS, figure_file_records
from pingan.reporting.models import SurveySample
from pingan.schemes.models import Indicator
from pingan.schemes.selectors import current_version
from pingan.units.models import OrgUnit

SAMPLE_COLUMN = "sample_size"
COLUMNS = ["unit_code", "indicator_code", "period", "value"]

SampleRow = tuple[str, str, str, int]


def rate_codes() -> set[str]:
    """Codes of the current scheme's survey-rate indicators."""
    version = current_version()
    if version is None:
        return set()
    return set(
        Indicator.objects.filter(version=version, kind="rate").values_list("code", flat=True)
    )


def survey_sizes(data: bytes) -> tuple[list[Problem], list[SampleRow]]:
    """Problems of the sample sizes of a figures file and its (unit, indicator, month, n) rows."""
    rates = rate_codes()
    records = figure_file_records(data)
    header = read_header(
        records, required=COLUMNS, optional=[SAMPLE_COLUMN, *NAME_COLUMNS], extra_ok=False
    )
    if SAMPLE_COLUMN not in header and not rates:
        return [], []
    where = {name: header.index(name) for name in header}
    problems: list[Problem] = []
    rows: list[SampleRow] = []
    for line, record in zip(count(2), records):
        cells = record + [""] * (len(header) - len(record))
        unit, code, period = (str(cells[where[c]]).strip() for c in COLUMNS[:3])
        raw = cells[where[SAMPLE_COLUMN]] if SAMPLE_COLUMN in where else ""
        if not (unit or code or period):
            continue
        size = parse_value(raw)
        if code not in rates:
            if size is not None:
                problems.append(
                    Problem(line, SAMPLE_COLUMN, _("only a survey rate has a sample size"))
                )
            continue
        value = parse_value(cells[where["value"]])
        if size is None or isinstance(size, str) or size < 1:
            problems.append(
                Problem(
                    line,
                    SAMPLE_COLUMN,
                    _("a survey rate needs its sample size, a whole number ≥ 1"),
                )
            )
        elif isinstance(value, int) and value > size:
            problems.append(
                Problem(line, SAMPLE_COLUMN, _("the positive answers exceed the sample size"))
            )
        else:
            rows.append((unit, code, period, size))
    return problems, rows


def store_sizes(rows: list[SampleRow]) -> int:
    """Record the sample sizes (in the caller's transaction); returns how many."""
    ids = dict(OrgUnit.objects.filter(code__in={r[0] for r in rows}).values_list("code", "pk"))
    SurveySample.objects.bulk_create(
        SurveySample(unit_id=ids[u], indicator_code=c, month=m, sample_size=n)
        for u, c, m, n in rows
        if u in ids
    )
    return len(rows)


def survey_samples(
    *, indicator_codes: list[str], unit_ids: list[int], months: list[str]
) -> dict[tuple[int, str, str], int]:
    """(unit_id, indicator_code, "YYYY-MM") → the sample size in force of each survey cell."""
    rows = (
        SurveySample.objects.filter(
            indicator_code__in=indicator_codes, unit_id__in=unit_ids, month__in=months
        )
        .order_by("pk")
        .values_list("unit_id", "indicator_code", "month", "sample_size")
    )
    return {(u, c, m): n for u, c, m, n in rows}
