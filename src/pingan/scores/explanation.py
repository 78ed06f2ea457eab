"""The stored explanation of a score: one row per indicator and month, the cap, the gaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pingan.engine.compute import ClassResult
from pingan.schemes.models import ClassIndicator
from pingan.scores.models import CellStatus

KIND_ROW = "kind"
"""The `month` of the row carrying a rate, per-population or change deduction."""


COLUMNS = (
    "result_id",
    "indicator_code",
    "month",
    "count",
    "deduction",
    "figure_id",
    "status",
    "imputed",
)
"""The columns of a deduction row, in the order `deduction_rows` gives them."""


def deduction_rows(
    result_ids: Sequence[int],
    months: Sequence[str],
    rules: Sequence[ClassIndicator],
    quarter_counts: np.ndarray,
    figure_ids: np.ndarray,
    result: ClassResult,
    rate_codes: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Every unit's explanation rows (`COLUMNS`), built over whole arrays, in the stored order.

    Per unit and indicator: one row per month (count × deduction; a missing cell has no count and
    no deduction, an imputed cell carries the value used, a month the unit was not open is
    "closed"), then the cap row taking back the excess (month "cap") or, for a per-population or
    change indicator of a scored unit, its deduction (month "kind"); then a scored unit's survey
    rate deductions (month "kind"). `result_ids` are the stored results in the class's unit order.
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
    return _assemble(
        result_ids,
        [r.indicator.code for r in rules],
        list(months),
        (quarter_counts, reported, value, figure_ids, status, imputed, completeness.counts),
        (extra_deduction, extra_present, kind_column),
        (list(rate_codes), rates, scored, position),
    )


def _assemble(
    result_ids: Sequence[int],
    codes: list[str],
    months: list[str],
    cells: tuple[np.ndarray, ...],
    extras: tuple[np.ndarray, np.ndarray, np.ndarray],
    rates: tuple[list[str], np.ndarray, np.ndarray, np.ndarray],
) -> list[tuple[Any, ...]]:
    """The rows in stored order: per unit, per indicator its months then its extra row; then rates."""
    counts, reported, value, figure_ids, status, imputed, used = cells
    extra_deduction, extra_present, kind_column = extras
    rate_codes, rate_deduction, scored, position = rates
    count_list = np.where(reported, np.nan_to_num(counts), 0).astype(np.int64).tolist()
    reported_list = reported.tolist()
    value_list = value.tolist()
    figure_list = figure_ids.tolist()
    status_list = status.tolist()
    imputed_list = imputed.tolist()
    used_list = used.tolist()
    extra_list = extra_deduction.tolist()
    present_list = extra_present.tolist()
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    for i, result_id in enumerate(result_ids):
        for j, code in enumerate(codes):
            for m, month in enumerate(months):
                add(
                    (
                        result_id,
                        code,
                        month,
                        count_list[i][j][m] if reported_list[i][j][m] else None,
                        round(value_list[i][j][m], 6),
                        figure_list[i][j][m] or None,
                        status_list[i][j][m],
                        round(used_list[i][j][m], 6) if imputed_list[i][j][m] else None,
                    )
                )
            if present_list[i][j]:
                month = KIND_ROW if kind_column[j] else "cap"
                add((result_id, code, month, None, round(extra_list[i][j], 6), None, "", None))
        if scored[i] and len(rate_deduction):
            k = int(position[i])
            for r, code in enumerate(rate_codes):
                add(
                    (
                        result_id,
                        code,
                        KIND_ROW,
                        None,
                        round(float(rate_deduction[k, r]), 6),
                        None,
                        "",
                        None,
                    )
                )
    return rows


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
