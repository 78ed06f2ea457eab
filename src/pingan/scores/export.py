"""Rows of `pingan scores export` and the explanation of one score."""

from __future__ import annotations

from typing import Any

from pingan.audit.events import Event
from pingan.audit.services import record_export
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.scores.formats import flag_text, score_text
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.scores.selectors import results_for, run_is_provisional

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
    "complete",
    "provisional",
]


def export_rows(*, actor: Actor, run: ScoreRun, language: str = "zh-hans") -> list[dict[str, Any]]:
    """Every result of a run as a row of the scores export format.

    A withheld unit keeps its row with empty score, rank, interval, tier and stars.
    """
    require(actor, "scores.export")
    provisional = flag_text(run_is_provisional(run))
    rows = [
        {
            "unit_code": r.unit.code,
            "unit_name": r.unit.display_name(language),
            "class": r.class_code,
            "period": run.period,
            "absolute_score": _score(r.absolute_score),
            "relative_score": _score(r.relative_score),
            "rank": _blank(r.rank),
            "rank_low": _blank(r.rank_low),
            "rank_high": _blank(r.rank_high),
            "tier": r.tier,
            "stars": _blank(r.stars),
            "funnel_flag": r.funnel_flag,
            "veto": flag_text(r.veto),
            "complete": flag_text(r.complete),
            "provisional": provisional,
        }
        for r in results_for(run)
    ]
    record_export(
        actor=actor,
        event=Event.SCORES_RESULT_EXPORT,
        what="scores",
        rows=len(rows),
        detail={"period": run.period},
    )
    return rows


def _blank(value: int | None) -> int | None:
    """Empty (CSV), an empty cell (XLSX) or null (JSON) for a withheld unit."""
    return value


def _score(value: float | None) -> str | None:
    return None if value is None else score_text(value)


def explanation_rows(result: QuarterResult) -> list[dict[str, Any]]:
    """The decomposition of an absolute score: (indicator, month, count, deduction, figure).

    `status` is "" for a reported cell, "missing", "imputed" (then `imputed` is the value used
    in place of the count) or "closed" (the unit was not open that month).
    """
    return [
        {
            "indicator_code": d.indicator_code,
            "month": d.month,
            "count": d.count,
            "deduction": round(d.deduction, 6),
            "figure_id": d.figure_id,
            "status": d.status,
            "imputed": d.imputed,
        }
        for d in result.deductions.order_by("pk")
    ]
