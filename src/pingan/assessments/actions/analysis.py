"""The analysis: the five dimensions, the risk register with its measures, the consultations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.assessments.actions.common import (
    locked,
    require_scope,
    require_status,
    scale_problem,
    text_problem,
)
from pingan.assessments.config import load_rules
from pingan.assessments.models import (
    Assessment,
    Consultation,
    ConsultationKind,
    Dimension,
    Finding,
    Measure,
    Rating,
    Risk,
    Status,
)
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.core.problems import InputRefused, Problem
from pingan.units.models import OrgUnit

# Eleven-digit mobile numbers and 18-character identity numbers: never part of an aggregate record.
PERSONAL = re.compile(r"(?<!\d)(1\d{10}|\d{17}[\dXx])(?!\d)")


def _editable(actor: Actor, assessment_id: int) -> Assessment:
    assessment = locked(assessment_id)
    require_scope(actor, "assessments.analyse", assessment, Role.ASSESSOR)
    require_status(assessment, Status.ANALYSIS)
    return assessment


def start_analysis(*, actor: Actor, assessment_id: int) -> Assessment:
    """The assessing department takes up a registered decision: draft → analysis."""
    require(actor, "assessments.analyse")
    with transaction.atomic():
        assessment = locked(assessment_id)
        require_scope(actor, "assessments.analyse", assessment, Role.ASSESSOR)
        require_status(assessment, Status.DRAFT)
        Assessment.objects.filter(pk=assessment.pk, status=Status.DRAFT).update(
            status=Status.ANALYSIS
        )
        record_event(actor=actor, event=Event.ASSESSMENTS_ASSESSMENT_START, obj=assessment)
    assessment.refresh_from_db()
    return assessment


def save_findings(
    *, actor: Actor, assessment_id: int, findings: Mapping[str, tuple[str, str]]
) -> None:
    """Record the findings and rating of all five dimensions (dimension → (findings, rating))."""
    require(actor, "assessments.analyse")
    problems = []
    for dimension in findings:
        if dimension not in Dimension.values:
            problems.append(Problem(None, dimension, _("unknown dimension")))
    for dimension, label in Dimension.choices:
        if dimension not in findings:
            problems.append(
                Problem(None, dimension, _("the findings on %(d)s are missing") % {"d": label})
            )
            continue
        text, rating = findings[dimension]
        problems += text_problem(dimension, text)
        if rating not in Rating.values:
            problems.append(Problem(None, dimension, _("choose a rating")))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        for dimension, (text, rating) in findings.items():
            Finding.objects.update_or_create(
                assessment=assessment,
                dimension=dimension,
                defaults={"text": text.strip(), "rating": rating},
            )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_FINDING_SAVE,
            obj=assessment,
            detail={d: r for d, (_t, r) in sorted(findings.items())},
        )


def add_risk(
    *,
    actor: Actor,
    assessment_id: int,
    description: str,
    likelihood: int,
    impact: int,
    residual_likelihood: int,
    residual_impact: int,
) -> Risk:
    """Add a risk to the register; its levels come from the matrix."""
    require(actor, "assessments.analyse")
    problems = text_problem("description", description, limit=1000)
    problems += scale_problem("likelihood", likelihood) + scale_problem("impact", impact)
    problems += scale_problem("residual_likelihood", residual_likelihood)
    problems += scale_problem("residual_impact", residual_impact)
    if problems:
        raise InputRefused(problems)
    rules = load_rules()
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        risk = Risk.objects.create(
            assessment=assessment,
            description=description.strip(),
            likelihood=likelihood,
            impact=impact,
            level=rules.level(likelihood, impact),
            residual_likelihood=residual_likelihood,
            residual_impact=residual_impact,
            residual_level=rules.level(residual_likelihood, residual_impact),
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_RISK_SAVE,
            obj=assessment,
            detail={"risk": risk.pk, "level": risk.level, "residual": risk.residual_level},
        )
    return risk


def delete_risk(*, actor: Actor, assessment_id: int, risk_id: int) -> None:
    """Remove a risk (and its measures) from the register under analysis."""
    require(actor, "assessments.analyse")
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        risk = assessment.risks.filter(pk=risk_id).first()
        if risk is None:
            raise InputRefused([Problem(None, "risk", _("no such risk"))])
        risk.delete()
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_RISK_DELETE,
            obj=assessment,
            detail={"risk": risk_id},
        )


def add_measure(
    *,
    actor: Actor,
    assessment_id: int,
    risk_id: int,
    description: str,
    owner_unit: str,
    due_on: dt.date | None,
) -> Measure:
    """Add a mitigation measure to a risk: what, which unit carries it out, by when."""
    require(actor, "assessments.analyse")
    problems = text_problem("description", description, limit=1000)
    owner = OrgUnit.objects.filter(code=(owner_unit or "").strip()).first()
    if owner is None:
        problems.append(
            Problem(None, "owner_unit", _("unknown unit %(code)s") % {"code": owner_unit or "—"})
        )
    if due_on is None:
        problems.append(Problem(None, "due_on", _("give the deadline")))
    if problems or owner is None or due_on is None:
        raise InputRefused(problems)
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        risk = assessment.risks.filter(pk=risk_id).first()
        if risk is None:
            raise InputRefused([Problem(None, "risk", _("no such risk"))])
        measure = Measure.objects.create(
            assessment=assessment,
            risk=risk,
            description=description.strip(),
            owner_unit=owner,
            due_on=due_on,
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_MEASURE_SAVE,
            obj=assessment,
            detail={"measure": measure.pk, "risk": risk.pk, "due": str(due_on)},
        )
    return measure


def delete_measure(*, actor: Actor, assessment_id: int, measure_id: int) -> None:
    """Remove a measure under analysis."""
    require(actor, "assessments.analyse")
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        if not assessment.measures.filter(pk=measure_id).delete()[0]:
            raise InputRefused([Problem(None, "measure", _("no such measure"))])
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_MEASURE_DELETE,
            obj=assessment,
            detail={"measure": measure_id},
        )


def _count_problems(
    kind: str, participants: int, support: int, neutral: int, oppose: int
) -> list[Problem]:
    problems = []
    for field, value in (
        ("participants", participants),
        ("support", support),
        ("neutral", neutral),
        ("oppose", oppose),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
            problems.append(Problem(None, field, _("a whole number of at least 0 is required")))
    if problems:
        return problems
    if kind == ConsultationKind.SURVEY:
        if participants < 1:
            problems.append(Problem(None, "participants", _("give the sample size of the survey")))
        elif support + neutral + oppose != participants:
            problems.append(
                Problem(
                    None,
                    "participants",
                    _(
                        "support, neutral and oppose (%(sum)s) must add up to the sample size (%(n)s)"
                    )
                    % {"sum": support + neutral + oppose, "n": participants},
                )
            )
    elif support or neutral or oppose:
        problems.append(
            Problem(
                None, "support", _("counts of support, neutral and oppose belong to surveys only")
            )
        )
    return problems


def add_consultation(
    *,
    actor: Actor,
    assessment_id: int,
    kind: str,
    held_on: dt.date | None,
    method: str = "",
    participants: int = 0,
    support: int = 0,
    neutral: int = 0,
    oppose: int = 0,
    summary: str = "",
) -> Consultation:
    """Record a consultation in aggregate: survey counts, or a hearing's, experts' or units' opinions."""
    require(actor, "assessments.analyse")
    problems: list[Problem] = []
    if kind not in ConsultationKind.values:
        problems.append(Problem(None, "kind", _("unknown kind of consultation")))
    if held_on is None:
        problems.append(Problem(None, "held_on", _("give the date")))
    problems += text_problem("method", method, required=kind == ConsultationKind.SURVEY, limit=200)
    problems += text_problem("summary", summary, required=kind != ConsultationKind.SURVEY)
    if PERSONAL.search(method or "") or PERSONAL.search(summary or ""):
        problems.append(
            Problem(
                None,
                "summary",
                _("a phone or identity number was found; record opinions in aggregate only"),
            )
        )
    problems += _count_problems(kind, participants, support, neutral, oppose)
    if problems or held_on is None:
        raise InputRefused(problems)
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        consultation = Consultation.objects.create(
            assessment=assessment, kind=kind, held_on=held_on, method=(method or "").strip(),
            participants=participants, support=support, neutral=neutral, oppose=oppose,
            summary=(summary or "").strip(),
        )  # fmt: skip
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_CONSULTATION_SAVE,
            obj=assessment,
            detail={"consultation": consultation.pk, "kind": kind, "participants": participants},
        )
    return consultation


def delete_consultation(*, actor: Actor, assessment_id: int, consultation_id: int) -> None:
    """Remove a consultation record under analysis."""
    require(actor, "assessments.analyse")
    with transaction.atomic():
        assessment = _editable(actor, assessment_id)
        if not assessment.consultations.filter(pk=consultation_id).delete()[0]:
            raise InputRefused([Problem(None, "consultation", _("no such consultation"))])
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_CONSULTATION_DELETE,
            obj=assessment,
            detail={"consultation": consultation_id},
        )
