"""Rows of `pingan scores export` and the explanation of one score."""

from __future__ import annotations

from typing import Any

from pingan.accounts.actor import Actor
from pingan.accounts.permissions import require
from pingan.audit.services import record_export
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.scores.selectors import results_for

SCORE_COLUMNS = [
    "unit_code",
    "unit_name",
    "class",
    "period",
    "absolute_score",
    "relative_score",
    "rank",
    "rank_low",
    "rank_high",
    "tier",
    "stars",
    "funnel_flag",
    "veto",
]


def score_text(value: float) -> str:
    """A score as exported and printed everywhere: two decimals."""
    return "%.2f" % value


def export_rows(*, actor: Actor, run: ScoreRun, language: str = "zh-hans") -> list[dict[str, Any]]:
    """Every result of a run as a row of the scores export format."""
    require(actor, "scores.export")
    rows = [
        {
            "unit_code": r.unit.code,
            "unit_name": r.unit.display_name(language),
            "class": r.class_code,
            "period": run.period,
            "absolute_score": score_text(r.absolute_score),
            "relative_score": score_text(r.relative_score),
            "rank": r.rank,
            "rank_low": r.rank_low,
            "rank_high": r.rank_high,
            "tier": r.tier,
            "stars": r.stars,
            "funnel_flag": r.funnel_flag,
            "veto": "true" if r.veto else "false",
        }
        for r in results_for(run)
    ]
    record_export(actor=actor, what="scores", rows=len(rows), detail={"period": run.period})
    return rows


def explanation_rows(result: QuarterResult) -> list[dict[str, Any]]:
    """The decomposition of an absolute score: (indicator, month, count, deduction, figure)."""
    return [
        {
            "indicator_code": d.indicator_code,
            "month": d.month,
            "count": d.count,
            "deduction": round(d.deduction, 6),
            "figure_id": d.figure_id,
        }
        for d in result.deductions.order_by("pk")
    ]
