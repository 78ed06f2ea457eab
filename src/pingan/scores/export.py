"""Rows of `pingan scores export` and the explanation of one score."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.audit.events import Event
from pingan.audit.services import record_export
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.exports import rows_to_bytes
from pingan.scores.cells import explanation_cells
from pingan.scores.charts import tier_label
from pingan.scores.formats import flag_text, score_text
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.scores.presentation import FLAG_LABELS
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
    "tier_name",
    "funnel_flag_name",
]
# The XLSX for people: the codes' columns shown in words, numbers as numbers, no name columns.
XLSX_COLUMNS = SCORE_COLUMNS[:-2]
XLSX_HEADERS = {
    "unit_code": gettext_lazy("Unit code"),
    "unit_name": gettext_lazy("Unit"),
    "class": gettext_lazy("Class"),
    "period": gettext_lazy("Quarter"),
    "absolute_score": gettext_lazy("Absolute score"),
    "relative_score": gettext_lazy("Relative score"),
    "rank": gettext_lazy("Rank"),
    "rank_low": gettext_lazy("Rank, low end of 95% interval"),
    "rank_high": gettext_lazy("Rank, high end of 95% interval"),
    "tier": gettext_lazy("Tier"),
    "stars": gettext_lazy("Stars"),
    "funnel_flag": gettext_lazy("Funnel flag"),
    "veto": gettext_lazy("One-vote veto"),
    "complete": gettext_lazy("Fully reported"),
    "provisional": gettext_lazy("Provisional"),
}


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
            "tier_name": tier_label(r.tier) if r.tier else "",
            "funnel_flag_name": str(FLAG_LABELS.get(r.funnel_flag, r.funnel_flag)),
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


def export_file(rows: list[dict[str, Any]], fmt: str, *, sheet: str) -> bytes:
    """The rows as a file: CSV and JSON in the scores format (codes, then their names); XLSX for
    people, headed in their language, codes shown in words and scores stored as numbers."""
    if fmt != "xlsx":
        return rows_to_bytes(rows, SCORE_COLUMNS, fmt)
    people = [
        {
            **row,
            "absolute_score": _number(row["absolute_score"]),
            "relative_score": _number(row["relative_score"]),
            "tier": row["tier_name"],
            "funnel_flag": row["funnel_flag_name"],
            **{c: _yes_no(row[c]) for c in ("veto", "complete", "provisional")},
        }
        for row in rows
    ]
    return rows_to_bytes(
        people,
        XLSX_COLUMNS,
        "xlsx",
        headers=XLSX_HEADERS,
        sheet=sheet,
        number_formats={"absolute_score": "0.00", "relative_score": "0.00"},
    )


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _yes_no(flag: str) -> str:
    return str(_("yes") if flag == "true" else _("no"))


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
        for d in explanation_cells(result)
    ]
