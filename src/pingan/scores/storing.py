"""Writing a run's results of one class: one row per unit, then their explanations.

Rows are written in one COPY on PostgreSQL (one prepared INSERT on SQLite) from plain tuples,
not one model object each; JSON fields are written as Django writes them.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from pingan.core.periods import period_months
from pingan.engine.compute import ClassResult
from pingan.scores.bulk import insert_rows
from pingan.scores.explanation import explanations, result_detail, round6
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
    scored = np.asarray(completeness.scored, dtype=bool).tolist()
    imputed = np.asarray(completeness.imputed).reshape(len(inputs.units), -1).sum(axis=1).tolist()
    complete = np.asarray(completeness.complete, dtype=bool).tolist()
    vetoed = [bool(v) for v in np.asarray(result.vetoed).tolist()]
    # The scored units' values as Python numbers, in the order of the scored units.
    scores = np.asarray(absolute.score, dtype=np.float64).tolist()
    relatives = np.asarray(relative.score, dtype=np.float64).tolist()
    rank, low, high = (
        np.asarray(r).tolist() for r in (ranks.rank, ranks.rank_low, ranks.rank_high)
    )
    tiers, stars = np.asarray(result.tier).tolist(), np.asarray(result.stars).tolist()
    flags = np.asarray(result.funnel.flag).tolist()
    observed = np.asarray(result.funnel.effective_observed, dtype=np.float64).tolist()
    expected = np.asarray(result.funnel.effective, dtype=np.float64).tolist()
    to_date = [
        [v if math.isfinite(v) else None for v in values]
        for values in round6(np.asarray(absolute.quarter_to_date, dtype=np.float64)).tolist()
    ]
    unit_ids = [u.pk for u in inputs.units]
    rows: list[tuple[Any, ...]] = []
    k = 0
    for i, unit_id in enumerate(unit_ids):
        veto, key, partner = shared.get(unit_id, (vetoed[i], False, None))
        head = (unit_id, veto, key, partner, complete[i], int(imputed[i]))
        if not scored[i]:
            rows.append(head + UNSCORED_VALUES)
            continue
        score = scores[k]
        rows.append(
            (
                *head,
                round(score, 6),
                round(relatives[k], 6),
                int(rank[k]),
                int(low[k]),
                int(high[k]),
                "red" if veto else str(tiers[k]),
                1 if veto else int(stars[k]),
                json.dumps(result_detail(inputs, result, k)),
                str(flags[k]),
                observed[k],
                expected[k],
                _change(score, earlier[0].get(unit_id)),
                _change(score, earlier[1].get(unit_id)),
                json.dumps(to_date[k]),
            )
        )
        k += 1
    result_ids = _insert_results(run, inputs.scheme_class.code, rows)
    built = explanations(
        [result_ids[unit_id] for unit_id in unit_ids],
        period_months(run.period),
        inputs.rules,
        inputs.quarter_counts,
        inputs.figure_ids,
        result,
        [rule.indicator.code for rule in inputs.rate_rules],
    )
    insert_rows(Explanation._meta.db_table, ("result_id", "data"), built, ("int8", "bytea"))


UNSCORED_VALUES: tuple[Any, ...] = (
    None,
    None,
    None,
    None,
    None,
    "",
    None,
    "{}",
    "",
    0.0,
    0.0,
    None,
    None,
    "[]",
)
"""A withheld unit's result has no score, rank, interval, stars nor tier (JSON fields as text)."""

RESULT_COLUMNS = (
    "run_id",
    "class_code",
    "unit_id",
    "veto",
    "key_management",
    "linked_unit_id",
    "complete",
    "imputed_cells",
    "absolute_score",
    "relative_score",
    "rank",
    "rank_low",
    "rank_high",
    "tier",
    "stars",
    "detail",
    "funnel_flag",
    "observed",
    "expected",
    "change_prev",
    "change_year",
    "quarter_to_date",
)
"""The columns of `QuarterResult` a run writes, in the order of the rows given to COPY."""


def _insert_results(run: ScoreRun, class_code: str, rows: list[tuple[Any, ...]]) -> dict[int, int]:
    """Write one class's results in one COPY (PostgreSQL) or INSERT (SQLite); unit id → result id.

    Rows start at the unit id; JSON fields are given as text written as Django writes them
    (`json.dumps` with its default separators).
    """
    fixed = (run.pk, class_code)
    insert_rows(QuarterResult._meta.db_table, RESULT_COLUMNS, [fixed + row for row in rows])
    stored = QuarterResult.objects.filter(run=run, class_code=class_code)
    return dict(stored.values_list("unit_id", "pk"))


def finite(value: float) -> float | None:
    """JSON has no NaN: a value that is not finite is stored as null."""
    return value if math.isfinite(value) else None


def _change(score: float, before: float | None) -> float | None:
    """Change on an earlier quarter's score; None when that quarter had no score for the unit."""
    return None if before is None else round(score - before, 6)
