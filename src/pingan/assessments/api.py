"""The assessments API: the list of assessments and one assessment in full (read-only)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from pingan.assessments import selectors
from pingan.assessments.models import Assessment, Status
from pingan.core.access.actor import actor_from_request

router = Router(tags=["assessments"])


class AssessmentOut(Schema):
    """One version of an assessment: the decision, its bodies, where it stands, its conclusion."""

    id: int
    number: str
    version: int
    title: str
    category: str
    proposing_unit: str
    implementing_unit: str
    assessing_unit: str
    expected_on: dt.date
    status: str
    overall_level: str
    recommended: str
    conclusion: str
    concluded_at: dt.datetime | None
    review_due: dt.date | None
    report_sha256: str


class FindingOut(Schema):
    """The findings and rating of one dimension."""

    dimension: str
    rating: str
    text: str


class MeasureOut(Schema):
    """A mitigation measure and whether it is done."""

    id: int
    description: str
    owner_unit: str
    due_on: dt.date
    done_on: dt.date | None


class RiskOut(Schema):
    """A risk of the register with its levels and measures."""

    id: int
    description: str
    likelihood: int
    impact: int
    level: str
    residual_likelihood: int
    residual_impact: int
    residual_level: str
    measures: list[MeasureOut]


class ConsultationOut(Schema):
    """A consultation in aggregate."""

    kind: str
    held_on: dt.date
    method: str
    participants: int
    support: int
    neutral: int
    oppose: int
    summary: str


class AssessmentDetailOut(AssessmentOut):
    """An assessment with its affected units, findings, risks and consultations."""

    affected_units: list[str]
    findings: list[FindingOut]
    risks: list[RiskOut]
    consultations: list[ConsultationOut]
    reason: str
    override_reason: str


def _out(a: Assessment) -> dict[str, object]:
    return {
        "id": a.pk, "number": a.number, "version": a.version, "title": a.title,
        "category": a.category, "proposing_unit": a.proposing_unit.code,
        "implementing_unit": a.implementing_unit.code, "assessing_unit": a.assessing_unit.code,
        "expected_on": a.expected_on, "status": a.status, "overall_level": a.overall_level,
        "recommended": a.recommended, "conclusion": a.conclusion, "concluded_at": a.concluded_at,
        "review_due": a.review_due, "report_sha256": a.report_sha256,
    }  # fmt: skip


@router.get("/assessments", response=list[AssessmentOut])
def list_assessments(request: HttpRequest, status: str | None = None) -> list[dict[str, object]]:
    """The latest version of every assessment the caller may read, newest first."""
    actor = actor_from_request(request, channel="api")
    chosen = status if status in Status.values else ""
    return [_out(a) for a in selectors.assessment_list(actor=actor, status=chosen or "")]


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, object]:
    """One version of an assessment in full (404 when the caller may not read it)."""
    actor = actor_from_request(request, channel="api")
    d = selectors.detail(selectors.assessment_for(actor=actor, assessment_id=assessment_id))
    measures = {m.pk: m for m in d.measures}
    return {
        **_out(d.assessment),
        "reason": d.assessment.reason,
        "override_reason": d.assessment.override_reason,
        "affected_units": [u.code for u in d.affected],
        "findings": [
            {"dimension": f.dimension, "rating": f.rating, "text": f.text}
            for f in d.findings.values()
        ],
        "risks": [
            {
                "id": r.pk,
                "description": r.description,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "level": r.level,
                "residual_likelihood": r.residual_likelihood,
                "residual_impact": r.residual_impact,
                "residual_level": r.residual_level,
                "measures": [_measure(measures[m.pk]) for m in r.measures.all()],
            }
            for r in d.risks
        ],
        "consultations": [
            {
                "kind": c.kind,
                "held_on": c.held_on,
                "method": c.method,
                "participants": c.participants,
                "support": c.support,
                "neutral": c.neutral,
                "oppose": c.oppose,
                "summary": c.summary,
            }
            for c in d.consultations
        ],
    }


def _measure(m: object) -> dict[str, object]:
    done = getattr(m, "completion", None)
    return {
        "id": m.pk,  # type: ignore[attr-defined]
        "description": m.description,  # type: ignore[attr-defined]
        "owner_unit": m.owner_unit.code,  # type: ignore[attr-defined]
        "due_on": m.due_on,  # type: ignore[attr-defined]
        "done_on": done.done_on if done else None,
    }
