"""The entry grid of a submission: units × the body's indicators, with what the reviewer needs beside each value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from pingan.core import periods
from pingan.reporting.cells import load_catalogue
from pingan.reporting.flags import flags_for
from pingan.reporting.models import Submission
from pingan.reporting.selectors import approved_values
from pingan.units.models import OrgUnit


@dataclass
class GridRow:
    """A unit's row of the entry grid: its cells and the row total."""

    unit: OrgUnit
    name: str
    cells: list[dict[str, Any]]
    total: int


def same_month_last_year(month: str) -> str:
    """ "2026-10" → "2025-10"."""
    return "%04d-%s" % (int(month[:4]) - 1, month[5:7])


def grid(submission: Submission) -> dict[str, Any]:
    """The grid: each cell's value (or refused text), last month's and last year's approved values, and flags.

    Flags mark sharp changes against either reference (reporting/flags.py); `flagged` lists the
    flagged cells for the summary above the grid. A fixed number of queries for any grid size.
    """
    language = get_language() or "zh-hans"
    catalogue = load_catalogue(submission.scheme_version)
    expected = catalogue.expected_cells(submission.body_id, submission.month)
    indicators = list(
        submission.scheme_version.indicators.filter(body_id=submission.body_id).order_by("position")
    )
    values = {
        (u, c): (v, ch)
        for u, c, v, ch in submission.figures.values_list(
            "unit_id", "indicator_code", "value", "changed"
        )
    }
    refused = {
        (u, c): t
        for u, c, t in submission.draft_entries.values_list("unit_id", "indicator_code", "text")
    }
    unit_ids = sorted({u.id for u, _c in expected})
    last_month = periods.previous_month(submission.month)
    last_year = same_month_last_year(submission.month)
    previous = approved_values(
        indicator_codes=[i.code for i in indicators],
        unit_ids=unit_ids,
        months=[last_month, last_year],
    )
    units = OrgUnit.objects.in_bulk(unit_ids)
    expected_set = {(u.id, c) for u, c in expected}
    rows, totals, flagged = [], {i.code: 0 for i in indicators}, []
    for unit_id in sorted(unit_ids, key=lambda pk: units[pk].code):
        unit = units[unit_id]
        cells, total = [], 0
        for indicator in indicators:
            key = (unit_id, indicator.code)
            value, changed = values.get(key, (None, False))
            before = previous.get((unit_id, indicator.code, last_month))
            year_before = previous.get((unit_id, indicator.code, last_year))
            last = None if before is None else before[0]
            year = None if year_before is None else year_before[0]
            cell: dict[str, Any] = {
                "code": indicator.code,
                "name": indicator.display_name(language),
                "applies": key in expected_set,
                "value": value,
                "refused": refused.get(key),
                "changed": changed,
                "last": last,
                "last_year": year,
                "flags": flags_for(value, last, year),
            }
            cells.append(cell)
            if cell["flags"] and cell["applies"]:
                flagged.append({"unit": unit.display_name(language), **cell})
            if value is not None:
                total += value
                totals[indicator.code] += value
        rows.append(GridRow(unit=unit, name=unit.display_name(language), cells=cells, total=total))
    filled = sum(1 for key in expected_set if key in values)
    refused_count = sum(1 for key in expected_set if key in refused)
    return {
        "indicators": indicators,
        "columns": [{"code": i.code, "name": i.display_name(language)} for i in indicators],
        "rows": rows,
        "totals": [totals[i.code] for i in indicators],
        "grand_total": sum(totals.values()),
        "expected": len(expected_set),
        "filled": filled,
        "refused": refused_count,
        "missing": len(expected_set) - filled - refused_count,
        "flagged": flagged,
        "last_month": last_month,
        "last_year": last_year,
    }
