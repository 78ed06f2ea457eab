"""The warnings API: warnings (filtered), one warning with its signals and steps, problems, CSV exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import require
from pingan.warnings import export, selectors

router = Router(tags=["warnings"])


class WarningOut(Schema):
    """A warning: its series, level, what the detector saw, and where it stands."""

    id: int
    source: str
    unit_code: str
    series: str
    period: str
    level: str
    status: str
    verdict: str
    detector: str
    alpha: float | None
    observed: float
    expected: float | None
    threshold: float | None
    raised_at: dt.datetime
    acknowledge_due: dt.datetime | None
    closed_at: dt.datetime | None


class SignalOut(Schema):
    """One detection on the warning's series."""

    period: str
    level: str
    observed: float
    expected: float | None
    threshold: float | None
    detected_at: dt.datetime


class StepOut(Schema):
    """One step of the warning's history."""

    at: dt.datetime
    kind: str
    from_status: str
    to_status: str
    note: str


class WarningDetailOut(WarningOut):
    """A warning with its signals, history and recorded response."""

    response: str
    signals: list[SignalOut]
    steps: list[StepOut]


class ProblemOut(Schema):
    """A registered problem (numbers of people only)."""

    id: int
    kind: str
    title: str
    unit_code: str
    leading_office: str
    deadline: dt.date
    people_involved: int
    status: str
    warning_id: int | None


def _warning_out(w: Any) -> dict[str, Any]:
    return {
        "id": w.pk,
        "source": w.source,
        "unit_code": w.unit.code,
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
        "raised_at": w.raised_at,
        "acknowledge_due": w.acknowledge_due,
        "closed_at": w.closed_at,
    }


@router.get("/", response=list[WarningOut])
def warnings(
    request: HttpRequest,
    level: str = "",
    status: str = "",
    unit: str = "",
    source: str = "",
) -> list[dict[str, Any]]:
    """Warnings the caller may see, newest first (at most 500), filtered like the list page."""
    actor = actor_from_request(request, channel="api")
    unit_id = (selectors.unit_id_of(unit) or -1) if unit else None
    queryset = selectors.visible_warnings(
        actor=actor, level=level, status=status, unit_id=unit_id, source=source
    )
    return [_warning_out(w) for w in queryset[:500]]


@router.get("/{warning_id}", response=WarningDetailOut)
def warning(request: HttpRequest, warning_id: int) -> dict[str, Any]:
    """One warning with its signals and steps."""
    actor = actor_from_request(request, channel="api")
    found = selectors.warning_for(actor=actor, warning_id=warning_id)
    history = selectors.warning_history(found)
    return {
        **_warning_out(found),
        "response": found.response,
        "signals": history["signals"],
        "steps": history["steps"],
    }


@router.get("/export/warnings.csv")
def warnings_export(request: HttpRequest) -> HttpResponse:
    """Every warning the caller may see, as CSV."""
    actor = actor_from_request(request, channel="api")
    require(actor, "warnings.export")
    data = export.warnings_csv(selectors.visible_warnings(actor=actor))
    return HttpResponse(data, content_type="text/csv; charset=utf-8")


@router.get("/problems/", response=list[ProblemOut])
def problems(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """Registered problems the caller may see, newest first."""
    actor = actor_from_request(request, channel="api")
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "title": p.title,
            "unit_code": p.responsible_unit.code,
            "leading_office": p.leading_office,
            "deadline": p.deadline,
            "people_involved": p.people_involved,
            "status": p.status,
            "warning_id": p.warning_id,
        }
        for p in selectors.visible_problems(actor=actor, status=status)
    ]


@router.get("/export/problems.csv")
def problems_export(request: HttpRequest) -> HttpResponse:
    """Every registered problem the caller may see, as CSV."""
    actor = actor_from_request(request, channel="api")
    require(actor, "warnings.export")
    data = export.problems_csv(selectors.visible_problems(actor=actor))
    return HttpResponse(data, content_type="text/csv; charset=utf-8")
