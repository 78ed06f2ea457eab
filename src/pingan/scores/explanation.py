"""The stored explanation of a score, built over whole arrays: every cell, the caps, the gaps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pingan.engine.compute import ClassResult
from pingan.schemes.models import ClassIndicator
from pingan.scores.cells import (
    HAS_COUNT,
    HAS_FIGURE,
    HAS_IMPUTED,
    HEADER,
    MAGIC,
    STATUSES,
    meta_json,
    usual_totals,
)
from pingan.scores.models import CellStatus

KIND_ROW = "kind"
"""The `month` of the row carrying a rate, per-population or change deduction."""


def explanations(
    result_ids: Sequence[int],
    months: Sequence[str],
    rules: Sequence[ClassIndicator],
    quarter_counts: np.ndarray,
    figure_ids: np.ndarray,
    result: ClassResult,
    rate_codes: Sequence[str] = (),
) -> list[tuple[int, bytes]]:
    """Every unit's stored explanation (result id, its bytes), built over whole arrays.

    Per unit and indicator: one cell per month (count × deduction; a missing cell has no count
    and no deduction, an imputed cell carries the value used, a month the unit was not open is
    "closed"), then the cap row taking back the excess (month "cap") or, for a per-population or
    change indicator of a scored unit, its deduction (month "kind"); then a scored unit's survey
    rate deductions (month "kind"); and each indicator's deduction summed over its rows.
    `result_ids` are the stored results in the class's unit order. The bytes are those
    `pingan.scores.cells.encode` gives for the same cells: each part is laid out for all units
    at once, and a unit's row is its slices of them.
    """
    completeness = result.completeness
    scored = np.asarray(completeness.scored, dtype=bool)
    weights = np.array([float(r.deduction) for r in rules], dtype=np.float64)
    reported = ~np.isnan(quarter_counts)
    imputed = np.asarray(completeness.imputed, dtype=bool)
    value = np.where(reported, np.nan_to_num(quarter_counts) * weights[None, :, None], 0.0)
    value = np.where(imputed, completeness.counts * weights[None, :, None], value)
    status = np.full(quarter_counts.shape, STATUSES.index(CellStatus.REPORTED.value), np.int8)
    status[~reported] = STATUSES.index(CellStatus.CLOSED.value)
    missing = np.asarray(completeness.missing, dtype=bool) & ~imputed
    status[missing] = STATUSES.index(CellStatus.MISSING.value)
    status[imputed] = STATUSES.index(CellStatus.IMPUTED.value)
    uncapped = value.sum(axis=2)
    capped = uncapped.copy()
    if scored.any():
        capped[scored] = np.asarray(result.absolute.deductions, dtype=np.float64)[: scored.sum()]
    kind_column = np.array([r.indicator.kind in ("per_population", "change") for r in rules])
    extra_deduction = np.where(kind_column[None, :], capped, capped - uncapped)
    extra_present = np.where(kind_column[None, :], scored[:, None], uncapped - capped > 1e-9)
    rates = (
        np.asarray(result.kinds.rates.deduction, dtype=np.float64)
        if result.kinds is not None and rate_codes and scored.any()
        else np.zeros((0, len(rate_codes)))
    )
    deduction = round6(value)
    extra = round6(extra_deduction)
    figure_ids = np.asarray(figure_ids, dtype=np.int64)
    present = (
        reported * HAS_COUNT + (figure_ids != 0) * HAS_FIGURE + imputed * HAS_IMPUTED
    ).astype(np.uint8)
    extra_kind = np.where(extra_present, np.where(kind_column, 2, 1)[None, :], 0)
    grids = _Grids(
        units=len(result_ids),
        codes=[r.indicator.code for r in rules],
        months=list(months),
        totals=_totals(deduction, extra, extra_present),
        extra_kind=extra_kind.astype(np.uint8),
        extra=np.where(extra_present, extra, 0.0),  # 0 where no extra row, as `encode` writes
        status=status,
        present=present,
        deduction=deduction,
        counts=(np.nan_to_num(quarter_counts).astype(np.int64), reported),
        figures=(figure_ids, figure_ids != 0),
        imputed=(round6(np.where(imputed, completeness.counts, 0.0)), imputed),
    )
    with_rates = scored & (len(rates) > 0)
    return grids.rows(result_ids, list(rate_codes), round6(rates), with_rates)


class _Grids:
    """The parts of a class's explanations for all units at once, as bytes cut per unit."""

    def __init__(self, units: int, codes: list[str], months: list[str], **parts: Any) -> None:
        self.units, self.codes, self.months = units, codes, months
        self.totals = np.asarray(parts["totals"], dtype="<f8")
        self.fixed = [
            _per_unit(parts["extra_kind"], "<u1", units),
            _per_unit(parts["extra"], "<f8", units),
        ]
        self.cells = [
            _per_unit(parts["status"], "<i1", units),
            _per_unit(parts["present"], "<u1", units),
            _per_unit(parts["deduction"], "<f8", units),
        ]
        self.sparse = [
            _sparse(values, where, units)
            for values, where in (parts["counts"], parts["figures"], parts["imputed"])
        ]

    def rows(
        self,
        result_ids: Sequence[int],
        rate_codes: list[str],
        rates: np.ndarray,
        with_rates: np.ndarray,
    ) -> list[tuple[int, bytes]]:
        """(result id, bytes) per unit; a unit in `with_rates` gets the next row of `rates`."""
        codes, units = self.codes, self.units
        rest = [[code, KIND_ROW] for code in rate_codes]
        plain = meta_json(codes, self.months, [], None)
        rated = meta_json(codes, self.months, rest, None)
        keys = usual_totals(codes, rest)
        at = {code: j for j, code in enumerate(keys)}
        totals = np.zeros((units, len(keys)), dtype="<f8")
        totals[:, : len(codes)] = self.totals
        rows_with = np.flatnonzero(with_rates)
        for r, code in enumerate(rate_codes):
            totals[rows_with, at[code]] += rates[: len(rows_with), r]
        plain_totals = _per_unit(totals[:, : len(codes)], "<f8", units)
        rated_totals = _per_unit(totals, "<f8", units)
        rate_rows = _per_unit(rates, "<f8", max(len(rates), 1)) if len(rates) else None
        (counts, n_counts), (figures, n_figures), (imputed, n_imputed) = self.sparse
        out = []
        k = 0
        for i, result_id in enumerate(result_ids):
            if with_rates[i]:
                assert rate_rows is not None
                meta, total, rate = rated, rated_totals(i), rate_rows(k)
                k += 1
            else:
                meta, total, rate = plain, plain_totals(i), b""
            parts = [
                HEADER.pack(MAGIC, len(meta), n_counts[i], n_figures[i], n_imputed[i]),
                meta,
                total,
                *(part(i) for part in self.fixed),
                rate,
                *(part(i) for part in self.cells),
                counts(i),
                figures(i),
                imputed(i),
            ]
            out.append((result_id, b"".join(parts)))
        return out


def _per_unit(array: np.ndarray, dtype: str, units: int) -> Callable[[int], bytes]:
    """Unit i → its slice of `array` (units first) as bytes of `dtype`."""
    data = np.ascontiguousarray(array, dtype=dtype).tobytes()
    step = len(data) // units if units else 0
    return lambda i: data[i * step : (i + 1) * step]


def _sparse(
    values: np.ndarray, where: np.ndarray, units: int
) -> tuple[Callable[[int], bytes], list[int]]:
    """Unit i → the bytes of its `values` where `where` is set (in cell order), and their counts."""
    dtype = "<f8" if np.asarray(values).dtype.kind == "f" else "<i8"
    data = np.ascontiguousarray(np.asarray(values)[where], dtype=dtype).tobytes()
    counts = np.asarray(where).reshape(units, -1).sum(axis=1) if units else np.zeros(0, int)
    ends = (np.cumsum(counts) * 8).tolist()
    starts = [0, *ends[:-1]]
    return (lambda i: data[starts[i] : ends[i]]), counts.tolist()


def round6(values: np.ndarray) -> np.ndarray:
    """`values` each rounded to 10⁻⁶ exactly as Python's `round(v, 6)` rounds them.

    Python gives the double nearest to k × 10⁻⁶, k the exact value's millionths rounded; so does
    dividing the integer k by 10⁶ (an exact division, rounded once). k is read off the scaled
    value, whose own rounding error is below 10⁻⁷ while |v| < 1,000: only values within 10⁻⁶ of
    a tie, larger ones and those not finite go through `round`.
    """
    values = np.asarray(values, dtype=np.float64)
    scaled = values * 1e6
    whole = np.rint(scaled)
    out = whole / 1e6
    with np.errstate(invalid="ignore"):
        doubtful = ~(np.abs(values) < 1e3) | (np.abs(np.abs(scaled - whole) - 0.5) < 1e-6)
    at = np.nonzero(doubtful)
    if len(at[0]):
        out[at] = [round(v, 6) for v in values[at].tolist()]
    return out


def _totals(deduction: np.ndarray, extra: np.ndarray, extra_present: np.ndarray) -> np.ndarray:
    """(U, C) each indicator's deduction over its rows: its months in order, then its extra row.

    Added left to right from 0.0, as a sum over the rows would (numpy's sums pair their terms).
    """
    total = np.zeros(deduction.shape[:2], dtype=np.float64)
    for m in range(deduction.shape[2]):
        total = total + deduction[:, :, m]
    return np.where(extra_present, total + extra, total)


def _number(value: float) -> float | None:
    return round(float(value), 6) if np.isfinite(value) else None


def result_detail(inputs: Any, result: ClassResult, k: int) -> dict[str, Any]:
    """What a scored unit's result holds beyond the scores: domains, special assessments, kinds."""
    detail: dict[str, Any] = {}
    if result.domains:
        detail["domains"] = {
            d.code: {
                "score": _number(d.score[k]),
                "deduction": _number(d.deduction[k]),
                "tier": str(d.tier[k]),
                "rank": int(d.ranks.rank[k]),
                "rank_low": int(d.ranks.rank_low[k]),
                "rank_high": int(d.ranks.rank_high[k]),
            }
            for d in result.domains
        }
    if result.specials:
        detail["special"] = {
            s.code: {
                "score": _number(s.score[k]),
                "deduction": _number(s.deduction[k]),
                "key_management": bool(s.key_management[k]),
                "veto": bool(s.veto[k]),
            }
            for s in result.specials
        }
    if result.kinds is not None:
        detail["kinds"] = _kind_detail(inputs, result, k)
    return detail


def _kind_detail(inputs: Any, result: ClassResult, k: int) -> list[dict[str, Any]]:
    kinds = result.kinds
    assert kinds is not None
    out: list[dict[str, Any]] = []
    rates = kinds.rates
    for r, rule in enumerate(inputs.rate_rules):
        out.append(
            {
                "code": rule.indicator.code,
                "kind": "rate",
                "rate": _number(rates.rate[k, r]),
                "low": _number(rates.low[k, r]),
                "high": _number(rates.high[k, r]),
                "sample": _number(rates.sample[k, r]),
                "deduction": _number(rates.deduction[k, r]),
            }
        )
    per_pop = kinds.per_population
    for p, j in enumerate(inputs.kinds.per_population):
        out.append(
            {
                "code": inputs.rules[j].indicator.code,
                "kind": "per_population",
                "count": _number(result.absolute.totals[k, j]),
                "rate": _number(per_pop.rate[k, p]),
                "reference": _number(per_pop.reference[p]),
                "deduction": _number(per_pop.deduction[k, p]),
            }
        )
    change = kinds.change
    scored_index = np.flatnonzero(result.completeness.scored)[k]
    for q, j in enumerate(inputs.kinds.change):
        out.append(
            {
                "code": inputs.rules[j].indicator.code,
                "kind": "change",
                "count": _number(result.absolute.totals[k, j]),
                "previous": _number(inputs.kinds.previous[scored_index, q]),
                "change": _number(change.change[k, q]),
                "scored": bool(change.scored[k, q]),
                "deduction": _number(change.deduction[k, q]),
            }
        )
    return out
