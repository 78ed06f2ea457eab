"""The stored explanation of a score, built over whole arrays: every cell, the caps, the gaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pingan.engine.compute import ClassResult
from pingan.schemes.models import ClassIndicator
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
) -> list[tuple[int, dict[str, Any], dict[str, float]]]:
    """Every unit's stored explanation (result id, `cells`, `totals`), built over whole arrays.

    Per unit and indicator: one cell per month (count × deduction; a missing cell has no count
    and no deduction, an imputed cell carries the value used, a month the unit was not open is
    "closed"), then the cap row taking back the excess (month "cap") or, for a per-population or
    change indicator of a scored unit, its deduction (month "kind"); then a scored unit's survey
    rate deductions (month "kind"). `result_ids` are the stored results in the class's unit order.
    The layout is `pingan.scores.cells`.
    """
    completeness = result.completeness
    scored = np.asarray(completeness.scored, dtype=bool)
    position = np.cumsum(scored) - 1
    weights = np.array([float(r.deduction) for r in rules], dtype=np.float64)
    reported = ~np.isnan(quarter_counts)
    imputed = np.asarray(completeness.imputed, dtype=bool)
    value = np.where(reported, np.nan_to_num(quarter_counts) * weights[None, :, None], 0.0)
    value = np.where(imputed, completeness.counts * weights[None, :, None], value)
    status = np.full(quarter_counts.shape, CellStatus.REPORTED.value, dtype=object)
    status[~reported] = CellStatus.CLOSED.value
    status[np.asarray(completeness.missing, dtype=bool) & ~imputed] = CellStatus.MISSING.value
    status[imputed] = CellStatus.IMPUTED.value
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
    totals = _totals(deduction, extra, extra_present)
    grids = {
        "count": _or_none(np.nan_to_num(quarter_counts).astype(np.int64), reported),
        "deduction": deduction.tolist(),
        "figure": _or_none(figure_ids, figure_ids != 0),
        "status": status.tolist(),
        "imputed": _or_none(completeness.counts, imputed, rounded=True),
    }
    extra_month = np.where(kind_column, KIND_ROW, "cap").tolist()
    return _assemble(
        result_ids,
        ([r.indicator.code for r in rules], list(months)),
        grids,
        (extra_month, extra.tolist(), extra_present.tolist(), totals.tolist()),
        (list(rate_codes), rates, scored, position),
    )


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


def _or_none(array: np.ndarray, present: np.ndarray, rounded: bool = False) -> list[Any]:
    """Nested lists of `array`'s values where `present` (rounded to 10⁻⁶ if asked), None elsewhere."""
    values = round6(array) if rounded else np.asarray(array)
    if present.all():
        whole: list[Any] = values.tolist()
        return whole
    out = np.full(np.shape(array), None, dtype=object)
    out[present] = values[present].astype(object)
    listed: list[Any] = out.tolist()
    return listed


def _totals(deduction: np.ndarray, extra: np.ndarray, extra_present: np.ndarray) -> np.ndarray:
    """(U, C) each indicator's deduction over its rows: its months in order, then its extra row.

    Added left to right from 0.0, as a sum over the rows would (numpy's sums pair their terms).
    """
    total = np.zeros(deduction.shape[:2], dtype=np.float64)
    for m in range(deduction.shape[2]):
        total = total + deduction[:, :, m]
    return np.where(extra_present, total + extra, total)


def _assemble(
    result_ids: Sequence[int],
    axes: tuple[list[str], list[str]],
    grids: dict[str, list[Any]],
    extras: tuple[list[str], list[Any], list[Any], list[Any]],
    rates: tuple[list[str], np.ndarray, np.ndarray, np.ndarray],
) -> list[tuple[int, dict[str, Any], dict[str, float]]]:
    """Per unit its cells (deductions already rounded to 10⁻⁶) and its per-indicator totals."""
    codes, months = axes
    extra_month, extra_deduction, extra_present, totals = extras
    rate_codes, rate_deduction, scored, position = rates
    out = []
    for i, result_id in enumerate(result_ids):
        extra = [
            [month, value] if present else None
            for month, value, present in zip(
                extra_month, extra_deduction[i], extra_present[i], strict=True
            )
        ]
        unit_totals = dict(zip(codes, totals[i], strict=True))
        rest = []
        if scored[i] and len(rate_deduction):
            k = int(position[i])
            for r, code in enumerate(rate_codes):
                deducted = round(float(rate_deduction[k, r]), 6)
                rest.append([code, KIND_ROW, deducted])
                unit_totals[code] = unit_totals.get(code, 0.0) + deducted
        cells = {
            "codes": codes,
            "months": months,
            "count": grids["count"][i],
            "deduction": grids["deduction"][i],
            "figure": grids["figure"][i],
            "status": grids["status"][i],
            "imputed": grids["imputed"][i],
            "extra": extra,
            "rest": rest,
        }
        out.append((result_id, cells, unit_totals))
    return out


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
