"""A score's explanation, stored compactly: one row per result holding every cell as arrays.

The stored form (`Explanation.cells`) is a dict of the indicator codes, the months, and per
indicator and month (lists of lists) the count, the deduction, the approved figure, the status
and the imputed value; then per indicator its extra row (["cap" or "kind", deduction] or null)
and the rows left over (the survey rates' deductions, [code, "kind", deduction]). Readers get the
rows back in their order (`Cell`): per indicator its months then its extra row, then the rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pingan.scores.models import CellStatus, Explanation, QuarterResult

EXTRA_MONTHS = ("cap", "kind")
"""The `month` of an indicator's extra row: the cap taking back the excess, or a kind's deduction."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One row of a score's explanation: indicator, month ("cap" and "kind" rows too), count,
    deduction, approved figure, status ("" reported, missing, imputed, closed), imputed value."""

    indicator_code: str
    month: str
    count: int | None
    deduction: float
    figure_id: int | None
    status: str
    imputed: float | None


def unpack(cells: dict[str, Any]) -> list[Cell]:
    """The rows of a stored explanation, in their order."""
    out: list[Cell] = []
    add = out.append
    grids = (cells["count"], cells["deduction"], cells["figure"], cells["status"], cells["imputed"])
    counts, deductions, figures, statuses, imputed = grids
    for j, code in enumerate(cells["codes"]):
        for m, month in enumerate(cells["months"]):
            status = statuses[j][m]
            if status is not None:
                add(
                    Cell(
                        code,
                        month,
                        counts[j][m],
                        deductions[j][m],
                        figures[j][m],
                        status,
                        imputed[j][m],
                    )
                )
        extra = cells["extra"][j]
        if extra is not None:
            add(Cell(code, extra[0], None, extra[1], None, "", None))
    for code, month, deduction in cells["rest"]:
        add(Cell(code, month, None, deduction, None, "", None))
    return out


def totals_of(rows: Iterable[Cell]) -> dict[str, float]:
    """Each indicator's deduction summed over its rows, in row order."""
    totals: dict[str, float] = {}
    for row in rows:
        totals[row.indicator_code] = totals.get(row.indicator_code, 0.0) + row.deduction
    return totals


def pack_rows(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The stored form of explanation rows given one by one (`Cell` fields in order).

    Cells of a month go in the grid; an indicator's first "cap" or "kind" row after its months is
    its extra row; any other row is kept, in order, after every indicator.
    """
    codes = list(dict.fromkeys(r[0] for r in rows if r[1] not in EXTRA_MONTHS))
    months = sorted({r[1] for r in rows if r[1] not in EXTRA_MONTHS})
    at = {c: j for j, c in enumerate(codes)}
    month_at = {m: k for k, m in enumerate(months)}
    grid: dict[str, list[list[Any]]] = {
        name: [[None] * len(months) for _c in codes]
        for name in ("count", "deduction", "figure", "status", "imputed")
    }
    extra: list[Any] = [None] * len(codes)
    rest: list[list[Any]] = []
    for code, month, count, deduction, figure_id, status, imputed in rows:
        if month in EXTRA_MONTHS:
            if code in at and extra[at[code]] is None:
                extra[at[code]] = [month, deduction]
            else:
                rest.append([code, month, deduction])
            continue
        j, k = at[code], month_at[month]
        for name, value in zip(
            ("count", "deduction", "figure", "status", "imputed"),
            (count, deduction, figure_id, status or "", imputed),
            strict=True,
        ):
            grid[name][j][k] = value
    return {"codes": codes, "months": months, **grid, "extra": extra, "rest": rest}


def store_rows(result: QuarterResult, rows: Sequence[Sequence[Any]]) -> Explanation:
    """Store a result's explanation given as rows (`Cell` fields in order); for tests and tools."""
    cells = pack_rows(rows)
    return Explanation.objects.create(result=result, cells=cells, totals=totals_of(unpack(cells)))


def explanation_cells(result: QuarterResult) -> list[Cell]:
    """The rows explaining a result's score (none when its run is no longer current)."""
    stored = Explanation.objects.filter(result=result).values_list("cells", flat=True).first()
    return unpack(stored) if stored else []


def missing_of(result_ids: list[int]) -> dict[int, list[Cell]]:
    """Result id → its missing cells in row order (one query)."""
    out: dict[int, list[Cell]] = {pk: [] for pk in result_ids}
    stored = Explanation.objects.filter(result_id__in=result_ids).order_by("result_id")
    for result_id, cells in stored.values_list("result_id", "cells"):
        out[result_id] = [c for c in unpack(cells) if c.status == CellStatus.MISSING]
    return out


def indicator_totals(
    run_ids: list[int], class_code: str | None
) -> list[tuple[int, int, dict[str, float]]]:
    """(run, unit, indicator code → deduction) of the scored results of the runs (one query)."""
    stored = Explanation.objects.filter(
        result__run_id__in=run_ids, result__absolute_score__isnull=False
    )
    if class_code:
        stored = stored.filter(result__class_code=class_code)
    return list(stored.values_list("result__run_id", "result__unit_id", "totals"))
