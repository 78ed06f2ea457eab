"""The stored explanation of a score: one row per indicator and month, the cap, the gaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pingan.core.periods import quarter_months
from pingan.engine.compute import ClassResult
from pingan.schemes.models import ClassIndicator
from pingan.scores.models import CellStatus, Deduction, QuarterResult


def explanation(
    stored: QuarterResult,
    i: int,
    k: int,
    rules: Sequence[ClassIndicator],
    quarter_counts: np.ndarray,
    figure_ids: np.ndarray,
    result: ClassResult,
) -> list[Deduction]:
    """Per indicator and month: count × deduction; a cap adds one row taking back the excess.

    `i` is the unit's row in the class's arrays and `k` its row among the scored units. A missing
    cell is a row with no count (and no deduction); an imputed cell carries the value used.
    """
    months = quarter_months(stored.run.period)
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
    return rows
