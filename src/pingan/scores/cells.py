"""A score's explanation, stored compactly: one binary row per result holding every cell as arrays.

The stored form (`Explanation.data`) is a header, a little JSON (the indicator codes, the months,
the leftover rows' codes and months, and the keys of the totals when they are not the usual
ones), then arrays: each indicator's deduction summed over its rows (`totals`), per indicator its
extra row (none, "cap" or "kind", and its deduction), the leftover rows' deductions (the survey
rates), and per indicator and month the cell status, which of count, figure and imputed value it
has, its deduction, then the counts, figure ids and imputed values it has, in cell order.
`pingan.scores.explanation` writes the same bytes from a class's arrays; `decode` gives back the
dict of lists of lists the rows are read from (`unpack`): per indicator its months then its extra
row, then the rates (`Cell`).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pingan.scores.models import CellStatus, Explanation, QuarterResult

EXTRA_MONTHS = ("cap", "kind")
"""The `month` of an indicator's extra row: the cap taking back the excess, or a kind's deduction."""

MAGIC = b"PX01"
HEADER = struct.Struct("<4sIIII")
"""Magic, length of the JSON part, then how many counts, figure ids and imputed values follow."""

STATUSES = (
    CellStatus.REPORTED.value,
    CellStatus.MISSING.value,
    CellStatus.IMPUTED.value,
    CellStatus.CLOSED.value,
)
"""A cell's stored status code is its position here; -1 where the result has no such cell."""

HAS_COUNT, HAS_FIGURE, HAS_IMPUTED = 1, 2, 4
"""Bits of a cell's `present` byte: which of its count, figure id and imputed value are stored."""


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


def meta_json(
    codes: Sequence[str],
    months: Sequence[str],
    rest: Sequence[Sequence[str]],
    totals: Sequence[str] | None,
) -> bytes:
    """The JSON part of a stored explanation (the totals' keys only when not the usual ones)."""
    meta: dict[str, Any] = {
        "codes": list(codes),
        "months": list(months),
        "rest": [list(r) for r in rest],
    }
    if totals is not None and list(totals) != usual_totals(codes, rest):
        meta["totals"] = list(totals)
    return json.dumps(meta, separators=(",", ":"), ensure_ascii=False).encode()


def usual_totals(codes: Sequence[str], rest: Sequence[Sequence[str]]) -> list[str]:
    """The totals' keys in row order: the indicators, then the leftover rows' other codes."""
    return list(dict.fromkeys([*codes, *(r[0] for r in rest)]))


def encode(cells: dict[str, Any], totals: dict[str, float]) -> bytes:
    """The stored bytes of an explanation given as a dict of lists (`pack_rows`) and its totals."""
    codes, months = cells["codes"], cells["months"]
    flat = [
        (status, count, deduction, figure, imputed)
        for j in range(len(codes))
        for status, count, deduction, figure, imputed in zip(
            cells["status"][j],
            cells["count"][j],
            cells["deduction"][j],
            cells["figure"][j],
            cells["imputed"][j],
            strict=True,
        )
    ]
    status = [-1 if s is None else STATUSES.index(s) for s, *_r in flat]
    present = [
        (c is not None) * HAS_COUNT + (f is not None) * HAS_FIGURE + (i is not None) * HAS_IMPUTED
        for _s, c, _d, f, i in flat
    ]
    counts = [c for _s, c, _d, _f, _i in flat if c is not None]
    figures = [f for _s, _c, _d, f, _i in flat if f is not None]
    imputed = [i for _s, _c, _d, _f, i in flat if i is not None]
    extra = cells["extra"]
    rest = cells["rest"]
    usual = usual_totals(codes, [r[:2] for r in rest])
    if sorted(totals) == sorted(usual):  # in row order, whatever order they were read in
        totals = {key: totals[key] for key in usual}
    meta = meta_json(codes, months, [r[:2] for r in rest], list(totals))
    return b"".join(
        (
            HEADER.pack(MAGIC, len(meta), len(counts), len(figures), len(imputed)),
            meta,
            np.array(list(totals.values()), dtype="<f8").tobytes(),
            bytes(0 if e is None else 1 + EXTRA_MONTHS.index(e[0]) for e in extra),
            np.array([0.0 if e is None else e[1] for e in extra], dtype="<f8").tobytes(),
            np.array([r[2] for r in rest], dtype="<f8").tobytes(),
            np.array(status, dtype="<i1").tobytes(),
            bytes(present),
            np.array([0.0 if d is None else d for _s, _c, d, _f, _i in flat], "<f8").tobytes(),
            np.array(counts, dtype="<i8").tobytes(),
            np.array(figures, dtype="<i8").tobytes(),
            np.array(imputed, dtype="<f8").tobytes(),
        )
    )


def decode(data: bytes | memoryview) -> tuple[dict[str, Any], dict[str, float]]:
    """The dict of lists (as `pack_rows` gives) and the totals of a stored explanation."""
    data = bytes(data)
    magic, size, n_counts, n_figures, n_imputed = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a stored explanation")
    at = HEADER.size + size
    meta = json.loads(data[HEADER.size : at])
    codes, months, rest = meta["codes"], meta["months"], meta["rest"]
    keys = meta["totals"] if "totals" in meta else usual_totals(codes, rest)
    shape = (len(codes), len(months))
    cells_count = shape[0] * shape[1]
    parts = {}
    for name, dtype, count in (
        ("totals", "<f8", len(keys)),
        ("extra_kind", "<u1", shape[0]),
        ("extra", "<f8", shape[0]),
        ("rest", "<f8", len(rest)),
        ("status", "<i1", cells_count),
        ("present", "<u1", cells_count),
        ("deduction", "<f8", cells_count),
        ("count", "<i8", n_counts),
        ("figure", "<i8", n_figures),
        ("imputed", "<f8", n_imputed),
    ):
        parts[name] = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * np.dtype(dtype).itemsize
    status = parts["status"].astype(np.int64)
    present = parts["present"]
    names = np.array([*STATUSES, None], dtype=object)
    has = status >= 0
    grids = {
        "count": _placed(parts["count"], (present & HAS_COUNT) != 0),
        "deduction": _placed(parts["deduction"][has], has),
        "figure": _placed(parts["figure"], (present & HAS_FIGURE) != 0),
        "status": names[status],
        "imputed": _placed(parts["imputed"], (present & HAS_IMPUTED) != 0),
    }
    kinds = parts["extra_kind"].tolist()
    cells = {
        "codes": codes,
        "months": months,
        **{name: grid.reshape(shape).tolist() for name, grid in grids.items()},
        "extra": [
            [EXTRA_MONTHS[k - 1], value] if k else None
            for k, value in zip(kinds, parts["extra"].tolist(), strict=True)
        ],
        "rest": [[c, m, d] for (c, m), d in zip(rest, parts["rest"].tolist(), strict=True)],
    }
    return cells, dict(zip(keys, parts["totals"].tolist(), strict=True))


def _placed(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """An object array of `where`'s shape: `values` (as Python numbers) in order where set, else None."""
    out = np.full(where.shape, None, dtype=object)
    out[where] = values
    return out


def totals_in(data: bytes | memoryview) -> dict[str, float]:
    """The per-indicator totals of a stored explanation, read without its cells."""
    data = bytes(data)
    magic, size, _counts, _figures, _imputed = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a stored explanation")
    meta = json.loads(data[HEADER.size : HEADER.size + size])
    keys = meta["totals"] if "totals" in meta else usual_totals(meta["codes"], meta["rest"])
    values = np.frombuffer(data, dtype="<f8", count=len(keys), offset=HEADER.size + size)
    return dict(zip(keys, values.tolist(), strict=True))


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
    return Explanation.objects.create(result=result, data=encode(cells, totals_of(unpack(cells))))


def explanation_cells(result: QuarterResult) -> list[Cell]:
    """The rows explaining a result's score (none when its run is no longer current)."""
    stored = Explanation.objects.filter(result=result).values_list("data", flat=True).first()
    return unpack(decode(stored)[0]) if stored else []


def missing_of(result_ids: list[int]) -> dict[int, list[Cell]]:
    """Result id → its missing cells in row order (one query)."""
    out: dict[int, list[Cell]] = {pk: [] for pk in result_ids}
    stored = Explanation.objects.filter(result_id__in=result_ids).order_by("result_id")
    for result_id, data in stored.values_list("result_id", "data"):
        out[result_id] = [c for c in unpack(decode(data)[0]) if c.status == CellStatus.MISSING]
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
    rows = stored.values_list("result__run_id", "result__unit_id", "data")
    return [(run, unit, totals_in(data)) for run, unit, data in rows]
