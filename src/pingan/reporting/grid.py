"""The entry grid of a submission: units × the body's indicators, with what the reviewer needs beside each value.

A body of a province reports for thousands of units: the page shows the grid a window of units
at a time (`GridWindow`, about `CELLS_PER_PAGE` cells), optionally filtered by unit code or name,
and reads only the window's cells; the counts and column totals above and below it are summed
by the database over the whole submission. The XLSX template and the API take the whole grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import get_language

from pingan.core import periods
from pingan.core.page_cache import remembered
from pingan.reporting.cells import load_catalogue
from pingan.reporting.flags import flags_for
from pingan.reporting.models import SIGNED_STATUSES, Submission
from pingan.reporting.selectors import approved_values, in_years
from pingan.schemes.models import Indicator, SchemeVersion
from pingan.units.models import OrgUnit

# About this many cells on one page of the grid (rows = CELLS_PER_PAGE // indicators, within bounds).
CELLS_PER_PAGE = 400
MIN_ROWS_PER_PAGE = 20
MAX_QUERY = 50


@dataclass
class GridRow:
    """A unit's row of the entry grid: its cells and the row total."""

    unit: OrgUnit
    name: str
    cells: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class GridWindow:
    """The units a page of the grid shows: page `number` of `count`, rows `first`–`last` of `units`."""

    number: int
    count: int
    size: int
    units: int
    query: str = ""

    @classmethod
    def of(cls, units: int, size: int, page: int, query: str = "") -> GridWindow:
        """The window of page `page` (kept within 1…the last page) over `units` rows of `size`."""
        count = max(1, -(-units // size))
        return cls(min(max(1, page), count), count, size, units, query)

    @property
    def start(self) -> int:
        """Index of the first row shown."""
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        """Index after the last row shown."""
        return min(self.units, self.start + self.size)

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when nothing is shown)."""
        return self.start + 1 if self.units else 0

    @property
    def last(self) -> int:
        """1-based number of the last row shown."""
        return self.stop

    @property
    def previous(self) -> int | None:
        """The previous page's number, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """The next page's number, if any."""
        return self.number + 1 if self.number < self.count else None

    @property
    def paged(self) -> bool:
        """Whether the page shows part of the grid (several pages, or a filter)."""
        return self.count > 1 or bool(self.query)


def rows_per_page(indicator_count: int) -> int:
    """Units on one page of the grid: about CELLS_PER_PAGE cells, at least MIN_ROWS_PER_PAGE rows."""
    return max(MIN_ROWS_PER_PAGE, CELLS_PER_PAGE // max(1, indicator_count))


def same_month_last_year(month: str) -> str:
    """ "2026-10" → "2025-10"."""
    return "%04d-%s" % (int(month[:4]) - 1, month[5:7])


# The indicators of a body in a scheme version, by version and body: a version and its
# indicators never change once loaded (keyed by its id, content hash and loading time).
_INDICATORS: dict[tuple[Any, ...], list[Indicator]] = {}
REMEMBERED_BODIES = 64


def body_indicators(version: SchemeVersion, body_id: int) -> list[Indicator]:
    """The body's indicators of the version in scheme order (read once per process)."""
    key = (version.pk, version.content_hash, version.loaded_at, body_id)
    found = _INDICATORS.get(key)
    if found is None:
        found = list(version.indicators.filter(body_id=body_id).order_by("position"))
        if len(_INDICATORS) >= REMEMBERED_BODIES:
            _INDICATORS.clear()
        _INDICATORS[key] = found
    return list(found)


def grid(submission: Submission, *, page: int | None = None, query: str = "") -> dict[str, Any]:
    """The grid: each cell's value (or refused text), last month's and last year's approved values, and flags.

    Flags mark sharp changes against either reference (reporting/flags.py); `flagged` lists the
    flagged cells shown, for the summary above the grid. Without `page`, every unit of the form;
    with it, that page of the units whose code or name contains `query` (`window` says which),
    while `expected`, `filled`, `refused`, `missing` and the column totals cover the whole
    submission. A fixed number of queries for any grid size.
    """
    language = get_language() or "zh-hans"
    catalogue = load_catalogue(submission.scheme_version)
    expected = catalogue.expected_of(submission.body_id, submission.month)
    indicators = body_indicators(submission.scheme_version, submission.body_id)
    unit_ids = list(expected.unit_ids)
    window = None
    if page is not None:
        query = query.strip()[:MAX_QUERY]
        if query:
            unit_ids = _matching(unit_ids, query)
        window = GridWindow.of(len(unit_ids), rows_per_page(len(indicators)), page, query)
        unit_ids = unit_ids[window.start : window.stop]
    figures = submission.figures.filter(in_years([submission.month]))
    entries = submission.draft_entries.all()
    if window is not None:
        figures = figures.filter(unit_id__in=unit_ids)
        entries = entries.filter(unit_id__in=unit_ids)
    values = {
        (u, c): (v, ch)
        for u, c, v, ch in figures.values_list("unit_id", "indicator_code", "value", "changed")
    }
    refused = {(u, c): t for u, c, t in entries.values_list("unit_id", "indicator_code", "text")}
    last_month = periods.previous_month(submission.month)
    last_year = same_month_last_year(submission.month)
    previous = approved_values(
        body_id=submission.body_id,
        indicator_codes=[i.code for i in indicators],
        unit_ids=unit_ids,
        months=[last_month, last_year],
    )
    units = OrgUnit.objects.in_bulk(unit_ids)
    rows, totals, flagged = [], {i.code: 0 for i in indicators}, []
    names = [(i.code, i.display_name(language)) for i in indicators]
    for unit_id in sorted(unit_ids, key=lambda pk: units[pk].code):
        unit = units[unit_id]
        cells, total = [], 0
        for code, name in names:
            key = (unit_id, code)
            value, changed = values.get(key, (None, False))
            before = previous.get((unit_id, code, last_month))
            year_before = previous.get((unit_id, code, last_year))
            last = None if before is None else before[0]
            year = None if year_before is None else year_before[0]
            cell: dict[str, Any] = {
                "code": code,
                "name": name,
                "applies": expected.applies(unit_id, code),
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
                totals[code] += value
        rows.append(GridRow(unit=unit, name=unit.display_name(language), cells=cells, total=total))
    if window is None or not window.paged:
        filled = sum(1 for key in values if expected.applies(*key))
        refused_count = sum(1 for key in refused if expected.applies(*key))
        shown_totals = totals
    else:
        filled, refused_count, shown_totals = _whole_of(submission, indicators)
    return {
        "indicators": indicators,
        "columns": [{"code": code, "name": name} for code, name in names],
        "rows": rows,
        "totals": [shown_totals[i.code] for i in indicators],
        # each column's total, and what the rows not shown add to it (the page's script adds its own)
        "footer": [
            {"total": shown_totals[i.code], "elsewhere": shown_totals[i.code] - totals[i.code]}
            for i in indicators
        ],
        "grand_total": sum(shown_totals.values()),
        "expected": expected.count,
        "filled": filled,
        "refused": refused_count,
        "missing": expected.count - filled - refused_count,
        "flagged": flagged,
        "last_month": last_month,
        "last_year": last_year,
        "window": window,
    }


def _matching(unit_ids: list[int], query: str) -> list[int]:
    """The units (in the given order) whose code or name contains `query`, ignoring case."""
    found = set(
        OrgUnit.objects.filter(
            Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        ).values_list("pk", flat=True)
    )
    return [pk for pk in unit_ids if pk in found]


def _whole_of(submission: Submission, indicators: list[Any]) -> tuple[int, int, dict[str, int]]:
    """`_whole_submission`, remembered by the process for a signed version: its figures are
    locked (the database refuses any change) and a correction is a new version, so its counts
    and totals never change."""
    if submission.status not in SIGNED_STATUSES:
        return _whole_submission(submission, indicators)
    codes = tuple(i.code for i in indicators)
    return remembered(
        "submission-whole",
        (submission.pk, submission.status, str(submission.created_at), codes),
        lambda: _whole_submission(submission, indicators),
    )


def _whole_submission(
    submission: Submission, indicators: list[Any]
) -> tuple[int, int, dict[str, int]]:
    """Filled and refused cells and each column's total over the whole submission, summed by the database.

    Figures and refused texts are only ever written for cells of the form, so counting those of
    the body's indicators counts the form's filled and refused cells (two queries).
    """
    codes = [i.code for i in indicators]
    totals = dict.fromkeys(codes, 0)
    filled = 0
    for code, count, total in (
        submission.figures.filter(in_years([submission.month]), indicator_code__in=codes)
        .order_by()
        .values("indicator_code")
        .annotate(count=Count("pk"), total=Sum("value"))
        .values_list("indicator_code", "count", "total")
    ):
        filled += count
        totals[code] = total or 0
    refused = submission.draft_entries.filter(indicator_code__in=codes).count()
    return filled, refused, totals
