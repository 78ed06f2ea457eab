"""The stored explanation of a score: one row per indicator and month, the cap, the gaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pingan.core.periods import period_months
from pingan.engine.compute import ClassResult
from pingan.schemes.models import ClassIndicator
from pingan.scores.models import CellStatus, Deduction, QuarterResult

KIND_ROW = "kind"
"""The `month` of the row carrying a rate, per-population or change deduction."""


def explanation(
    stored: QuarterResult,
    i: int,
    k: int,
    rules: Sequence[ClassIndicator],
    quarter_counts: np.ndarray,
    figure_ids: np.ndarray,
    result: ClassResult,
    rate_codes: Sequence[str] = (),
) -> list[Deduction]:
    """Per indicator and month: count × deduction; a cap adds one row taking back the excess.

    `i` is the unit's row in the class's arrays and `k` its row among the scored units. A missing
    cell is a row with no count (and no deduction); an imputed cell carries the value used.
    """
    months = period_months(stored.run.period)
    completeness = result.completeness
    scored = bool(completeness.scored[i])
    rows = []
    for j, rule in enumerate(rules):
        uncapped = 0.0
        for m, month in enumerate(months):
            count = quarter_counts[i, j, m]
            status = CellStatus.REPORTED
            imputed = None
            value = 0.0 if np.isnan(count) else float(count) * rule.deduction
            if completeness.imputed[i, j, m]:
                status = CellStatus.IMPUTED
                imputed = round(float(completeness.counts[i, j, m]), 6)
                value = float(completeness.counts[i, j, m]) * rule.deduction
            elif completeness.missing[i, j, m]:
                status = CellStatus.MISSING
            elif np.isnan(count):
                status = CellStatus.CLOSED
            uncapped += value
            rows.append(
                Deduction(
                    result=stored,
                    indicator_code=rule.indicator.code,
                    month=month,
                    count=None if np.isnan(count) else int(count),
                    deduction=round(value, 6),
                    figure_id=int(figure_ids[i, j, m]) or None,
                    status=status,
                    imputed=imputed,
                )
            )
        capped = float(result.absolute.deductions[k, j]) if scored else uncapped
        if rule.indicator.kind in ("per_population", "change"):
            if scored:
                rows.append(_kind_row(stored, rule.indicator.code, capped))
            continue
        if uncapped - capped > 1e-9:
            rows.append(
                Deduction(
                    result=stored,
                    indicator_code=rule.indicator.code,
                    month="cap",
                    count=None,
                    deduction=round(capped - uncapped, 6),
                )
            )
    if scored and result.kinds is not None:
        for r, code in enumerate(rate_codes):
            rows.append(_kind_row(stored, code, float(result.kinds.rates.deduction[k, r])))
    return rows


def _kind_row(stored: QuarterResult, code: str, deduction: float) -> Deduction:
    return Deduction(
        result=stored,
        indicator_code=code,
        month=KIND_ROW,
        count=None,
        deduction=round(deduction, 6),
    )


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
