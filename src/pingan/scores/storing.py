"""Writing a run's results of one class: one row per unit, then their explanations.

Rows are written in one COPY on PostgreSQL (one prepared INSERT on SQLite) from plain tuples,
not one model object each; JSON fields are written as Django writes them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from pingan.core.periods import period_months
from pingan.engine.compute import ClassResult
from pingan.scores.bulk import insert_rows
from pingan.scores.explanation import explanations, result_detail
from pingan.scores.inputs import ClassInputs
from pingan.scores.models import Explanation, QuarterResult, ScoreRun


def store_class(
    run: ScoreRun,
    inputs: ClassInputs,
    result: ClassResult,
    earlier: tuple[dict[int, float | None], dict[int, float | None]],
    shared: dict[int, tuple[bool, bool, int | None]],
) -> None:
    """One row per unit; a withheld unit keeps its row with no score, rank, interval or stars.

    ``shared`` (unit id → veto, key management, linked unit id) after spreading over linked pairs.
    """
    absolute, relative, ranks = result.absolute, result.relative, result.ranks
    completeness = result.completeness
    position = np.cumsum(completeness.scored) - 1
    imputed = np.asarray(completeness.imputed).reshape(len(inputs.units), -1).sum(axis=1)
    rows = []
    for i, unit in enumerate(inputs.units):
        veto, key, partner = shared.get(unit.pk, (bool(result.vetoed[i]), False, None))
        row: dict[str, Any] = dict(UNSCORED)
        row.update(
            unit_id=unit.pk,
            veto=veto,
            key_management=key,
            linked_unit_id=partner,
            complete=bool(completeness.complete[i]),
            imputed_cells=int(imputed[i]),
        )
        if completeness.scored[i]:
            k = int(position[i])
            score = float(absolute.score[k])
            row.update(
                absolute_score=round(score, 6),
                relative_score=round(float(relative.score[k]), 6),
                rank=int(ranks.rank[k]),
                rank_low=int(ranks.rank_low[k]),
                rank_high=int(ranks.rank_high[k]),
                tier="red" if veto else str(result.tier[k]),
                stars=1 if veto else int(result.stars[k]),
                detail=result_detail(inputs, result, k),
                funnel_flag=str(result.funnel.flag[k]),
                observed=float(result.funnel.effective_observed[k]),
                expected=float(result.funnel.effective[k]),
                change_prev=_change(score, earlier[0].get(unit.pk)),
                change_year=_change(score, earlier[1].get(unit.pk)),
                quarter_to_date=[finite(round(float(v), 6)) for v in absolute.quarter_to_date[k]],
            )
        rows.append(row)
    result_ids = _insert_results(run, inputs.scheme_class.code, rows)
    built = explanations(
        [result_ids[u.pk] for u in inputs.units],
        period_months(run.period),
        inputs.rules,
        inputs.quarter_counts,
        inputs.figure_ids,
        result,
        [rule.indicator.code for rule in inputs.rate_rules],
    )
    insert_rows(
        Explanation._meta.db_table,
        ("result_id", "cells", "totals"),
        [(pk, _json(cells), _json(totals)) for pk, cells, totals in built],
    )


UNSCORED: dict[str, Any] = {
    "absolute_score": None,
    "relative_score": None,
    "rank": None,
    "rank_low": None,
    "rank_high": None,
    "tier": "",
    "stars": None,
    "detail": {},
    "funnel_flag": "",
    "observed": 0.0,
    "expected": 0.0,
    "change_prev": None,
    "change_year": None,
    "quarter_to_date": [],
}
"""The fields of a withheld unit's result (no score, rank, interval, stars nor tier)."""

RESULT_COLUMNS = (
    "run_id",
    "unit_id",
    "class_code",
    "veto",
    "key_management",
    "linked_unit_id",
    "complete",
    "imputed_cells",
    *UNSCORED,
)
"""The columns of `QuarterResult` a run writes, in the order of the rows given to COPY."""

JSON_COLUMNS = ("detail", "quarter_to_date")


def _insert_results(run: ScoreRun, class_code: str, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Write one class's results in one COPY (PostgreSQL) or INSERT (SQLite); unit id → result id.

    JSON fields are written as Django writes them (`json.dumps` with its default separators).
    """
    fixed = {"run_id": run.pk, "class_code": class_code}
    insert_rows(
        QuarterResult._meta.db_table,
        RESULT_COLUMNS,
        [
            tuple(
                json.dumps(row[c]) if c in JSON_COLUMNS else fixed[c] if c in fixed else row[c]
                for c in RESULT_COLUMNS
            )
            for row in rows
        ],
    )
    stored = QuarterResult.objects.filter(run=run, class_code=class_code)
    return dict(stored.values_list("unit_id", "pk"))


def _json(value: Any) -> str:
    """Compact JSON text of a stored explanation part (written as it is by COPY or INSERT)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def finite(value: float) -> float | None:
    """JSON has no NaN: a value that is not finite is stored as null."""
    return value if np.isfinite(value) else None


def _change(score: float, before: float | None) -> float | None:
    """Change on an earlier quarter's score; None when that quarter had no score for the unit."""
    return None if before is None else round(score - before, 6)
