"""Exporting the statistics of a quarter (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.assessments.statistics import COLUMNS, export_rows, quarter_figures
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.exports import rows_to_bytes
from pingan.core.periods import parse_quarter
from pingan.core.problems import InputRefused, Problem


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
    return rows_to_bytes(rows, COLUMNS, fmt)
