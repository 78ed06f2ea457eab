"""CSV export of warnings and of the problem register (codes for machines, numbers of people only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from pingan.core.exports import rows_to_bytes
from pingan.warnings.models import ProblemRecord, Warning

WARNING_COLUMNS = (
    "id", "source", "unit_code", "unit_name", "series", "period", "level", "status", "verdict",
    "detector", "alpha", "observed", "expected", "threshold", "signals", "raised_at",
    "delivered_at", "acknowledge_due", "acknowledged_at", "escalated_at", "responded_at",
    "closed_at",
)  # fmt: skip
PROBLEM_COLUMNS = (
    "id", "kind", "title", "unit_code", "unit_name", "leading_office", "deadline",
    "people_involved", "status", "warning_id", "opened_at", "resolved_at", "notes",
)  # fmt: skip


def _moment(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def warning_rows(warnings: Iterable[Warning]) -> list[dict[str, Any]]:
    """One row per warning, times in local time (ISO 8601 with offset)."""
    return [
        {
            "id": w.pk,
            "source": w.source,
            "unit_code": w.unit.code,
            "unit_name": w.unit.name_zh,
            "series": w.series_key,
            "period": w.period,
            "level": w.level,
            "status": w.status,
            "verdict": w.verdict,
            "detector": w.detector,
            "alpha": w.alpha,
            "observed": w.observed,
            "expected": w.expected,
            "threshold": w.threshold,
            "signals": w.signal_count,  # type: ignore[attr-defined]
            "raised_at": _moment(w.raised_at),
            "delivered_at": _moment(w.delivered_at),
            "acknowledge_due": _moment(w.acknowledge_due),
            "acknowledged_at": _moment(w.acknowledged_at),
            "escalated_at": _moment(w.escalated_at),
            "responded_at": _moment(w.responded_at),
            "closed_at": _moment(w.closed_at),
        }
        for w in warnings
    ]


def problem_rows(problems: Iterable[ProblemRecord]) -> list[dict[str, Any]]:
    """One row per registered problem."""
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "title": p.title,
            "unit_code": p.responsible_unit.code,
            "unit_name": p.responsible_unit.name_zh,
            "leading_office": p.leading_office,
            "deadline": p.deadline.isoformat(),
            "people_involved": p.people_involved,
            "status": p.status,
            "warning_id": p.warning_id,
            "opened_at": _moment(p.opened_at),
            "resolved_at": _moment(p.resolved_at),
            "notes": p.note_count,  # type: ignore[attr-defined]
        }
        for p in problems
    ]


def warnings_csv(warnings: Any) -> bytes:
    """The warnings of a queryset as CSV, oldest first."""
    rows = warning_rows(warnings.annotate(signal_count=Count("signals")).order_by("pk"))
    return rows_to_bytes(rows, WARNING_COLUMNS, "csv")


def problems_csv(problems: Any) -> bytes:
    """The problems of a queryset as CSV, oldest first."""
    rows = problem_rows(problems.annotate(note_count=Count("notes")).order_by("pk"))
    return rows_to_bytes(rows, PROBLEM_COLUMNS, "csv")
