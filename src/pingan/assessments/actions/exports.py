"""Exporting the statistics of a quarter (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingan.assessments.statistics import COLUMNS, export_rows, quarter_figures
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.exports import rows_to_bytes
from pingan.core.periods import parse_quarter
from pingan.core.problems import InputRefused, Problem

BREAKDOWNS = {
    "category": gettext_lazy("By category"),
    "department": gettext_lazy("By department"),
    "conclusion": gettext_lazy("By conclusion"),
    "risk_level": gettext_lazy("By risk level"),
    "total": gettext_lazy("Totals"),
}
HEADERS = {
    "quarter": gettext_lazy("Quarter"),
    "breakdown": gettext_lazy("Breakdown"),
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name"),
    "count": gettext_lazy("Count"),
}


def export_statistics(*, actor: Actor, quarter: str, fmt: str, language: str = "zh-hans") -> bytes:
    """The figures of a quarter as CSV or XLSX bytes; the export is recorded in the audit log."""
    require(actor, "assessments.export")
    problems = []
    try:
        parse_quarter(quarter)
    except ValueError:
        problems.append(Problem(None, "quarter", _("not a quarter of the form YYYYQn")))
    if fmt not in ("csv", "xlsx"):
        problems.append(Problem(None, "format", _("csv or xlsx")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        rows = export_rows(
            quarter_figures(
                actor=actor, quarter=quarter, language=language, action="assessments.export"
            )
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_STATISTICS_EXPORT,
            object_type="assessments.statistics",
            object_id=quarter,
            detail={"format": fmt, "rows": len(rows)},
        )
    return statistics_file(rows, fmt, quarter=quarter)


def statistics_file(rows: list[dict[str, Any]], fmt: str, *, quarter: str) -> bytes:
    """CSV for machines (codes, then the breakdown's name appended); XLSX for people: headed in
    their language, the breakdown in words, counts as numbers, on a sheet named for the quarter."""
    for row in rows:
        row["breakdown_name"] = str(BREAKDOWNS.get(row["breakdown"], row["breakdown"]))
    if fmt == "csv":
        return rows_to_bytes(rows, [*COLUMNS, "breakdown_name"], fmt)
    people = [{**row, "breakdown": row["breakdown_name"]} for row in rows]
    return rows_to_bytes(people, COLUMNS, fmt, headers=HEADERS, sheet=quarter)
