"""Reads of risk assessments, scoped by the actor, and the context drawn from pingan's own data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pingan.assessments.config import load_rules
from pingan.assessments.models import Assessment, Attachment, Conclusion, Measure, Notice, Status
from pingan.assessments.rule import Recommendation
from pingan.assessments.scope import in_scope, recommendation
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import READ_ALL, can, require
from pingan.core.access.roles import Role
from pingan.core.periods import quarter_bounds, quarter_of
from pingan.matters.selectors import matter_counts_under
from pingan.scores.selectors import latest_final_tiers
from pingan.units.models import OrgUnit
from pingan.units.tree import in_subtree
from pingan.warnings.models import ProblemStatus
from pingan.warnings.selectors import visible_problems, visible_warnings


def visible_assessments(*, actor: Actor, action: str = "assessments.view") -> QuerySet[Assessment]:
    """The assessment versions the actor may read for `action`: all for the office, leaders and the
    operator at the command line (export), else those of their side."""
    require(actor, action)
    rows = Assessment.objects.select_related(
        "proposing_unit", "implementing_unit", "assessing_unit"
    )
    if actor.roles & (READ_ALL | {Role.SYSTEM_ADMIN}):
        return rows
    scope = Q(pk__in=[])
    proposing = actor.unit_ids(Role.PROPOSER)
    if proposing:
        scope |= in_subtree(proposing, "proposing_unit_id")
    assessing = actor.unit_ids(Role.ASSESSOR) | actor.unit_ids(Role.DEPARTMENT_HEAD)
    if assessing:
        scope |= in_subtree(assessing, "assessing_unit_id")
    return rows.filter(scope)


def assessment_list(
    *, actor: Actor, status: str = "", latest_only: bool = True
) -> QuerySet[Assessment]:
    """The list page: newest first, optionally one status, by default the latest version of each file."""
    rows = visible_assessments(actor=actor)
    if status:
        rows = rows.filter(status=status)
    if latest_only:
        rows = rows.filter(next_version__isnull=True)
    return rows.order_by("-created_at", "-pk")


def assessment_for(*, actor: Actor, assessment_id: int) -> Assessment:
    """One assessment the actor may read (404 otherwise)."""
    found = visible_assessments(actor=actor).filter(pk=assessment_id).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class Detail:
    """Everything the page of an assessment shows."""

    assessment: Assessment
    affected: list[Any]
    findings: dict[str, Any]
    risks: list[Any]
    measures: list[Measure]
    consultations: list[Any]
    attachments: list[Attachment]
    versions: list[Assessment]
    notices: list[Notice]
    advice: Recommendation
    is_latest: bool


def detail(assessment: Assessment) -> Detail:
    """The rows of one assessment version, with its other versions and the rule's advice."""
    risks = list(assessment.risks.prefetch_related("measures__owner_unit", "measures__completion"))
    measures = list(
        assessment.measures.select_related("owner_unit", "risk", "completion").order_by(
            "due_on", "pk"
        )
    )
    versions = list(Assessment.objects.filter(number=assessment.number).order_by("version"))
    return Detail(
        assessment=assessment,
        affected=[
            a.unit for a in assessment.affected.select_related("unit").order_by("unit__code")
        ],
        findings={f.dimension: f for f in assessment.findings.all()},
        risks=risks,
        measures=measures,
        consultations=list(assessment.consultations.all()),
        attachments=list(assessment.attachments.all()),
        versions=versions,
        notices=list(
            Notice.objects.filter(measure__assessment=assessment).select_related("measure")[:50]
        ),
        advice=recommendation(assessment),
        is_latest=versions[-1].pk == assessment.pk,
    )


def may(actor: Actor, assessment: Assessment, action: str, *roles: str) -> bool:
    """Whether the actor may do `action` on this assessment (role and unit scope)."""
    return can(actor, action) and in_scope(actor, assessment, roles)


@dataclass(frozen=True)
class UnitContext:
    """What pingan knows of one affected unit: matters of related categories and its latest tier."""

    unit: Any
    matters_total: int
    matters_open: int
    tier: str
    warnings_open: int | None = None
    problems_open: int | None = None


def context(
    assessment: Assessment, units: list[Any], actor: Actor, today: dt.date | None = None
) -> tuple[str, list[UnitContext]]:
    """Context of the affected units: matters of related category groups over 12 months, tiers,
    and (for those who may read them) open warnings and open problems at or below each unit."""
    today = today or timezone.localdate()
    groups = list(load_rules().related_matters.get(assessment.category, ()))
    since = timezone.now() - dt.timedelta(days=365)
    ids = [u.pk for u in units]
    counts = matter_counts_under(unit_ids=ids, group_codes=groups, since=since)
    period, tiers = latest_final_tiers(ids, today)
    show_warnings = can(actor, "warnings.view")
    show_problems = can(actor, "warnings.problems_view")
    rows = []
    for u in units:
        warnings_open = (
            visible_warnings(actor=actor, status="open", unit_id=u.pk).count()
            if show_warnings
            else None
        )
        problems_open = (
            visible_problems(actor=actor, status=ProblemStatus.OPEN)
            .filter(in_subtree([u.pk], "responsible_unit_id"))
            .count()
            if show_problems
            else None
        )
        rows.append(
            UnitContext(
                u,
                counts[u.pk]["total"],
                counts[u.pk]["open"],
                tiers.get(u.pk, ""),
                warnings_open,
                problems_open,
            )
        )
    return period, rows


def attachment_for(*, actor: Actor, assessment_id: int, attachment_id: int) -> Attachment:
    """One attachment of an assessment the actor may read (404 otherwise)."""
    assessment = assessment_for(actor=actor, assessment_id=assessment_id)
    found = assessment.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return found


FOLLOWED = (Conclusion.IMPLEMENT, Conclusion.POSTPONE)


def open_measures(*, actor: Actor, limit: int = 20) -> list[Measure]:
    """Open measures of current concluded decisions the actor may read, most urgent first."""
    visible = visible_assessments(actor=actor).filter(
        status=Status.CONCLUDED, next_version__isnull=True, conclusion__in=["implement", "postpone"]
    )
    return list(
        Measure.objects.filter(assessment__in=visible, completion__isnull=True)
        .select_related("assessment", "owner_unit")
        .order_by("due_on", "pk")[:limit]
    )


def unit_choices(language: str) -> list[tuple[str, str]]:
    """Every unit as (code, "code name"), for the choices of the forms."""
    return [
        (u.code, "%s %s" % (u.code, u.display_name(language)))
        for u in OrgUnit.objects.order_by("code")
    ]


def home_overview(actor: Actor) -> dict[str, Any]:
    """The home panel: the latest versions by stage, the quarter's conclusions, overdue measures."""
    today = timezone.localdate()
    latest = assessment_list(actor=actor)
    by_status = dict(latest.order_by().values_list("status").annotate(n=Count("pk")))
    quarter = quarter_of(today.strftime("%Y-%m"))
    first, last = quarter_bounds(quarter)
    zone = timezone.get_current_timezone()
    concluded = dict(
        visible_assessments(actor=actor)
        .filter(
            status=Status.CONCLUDED,
            concluded_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            concluded_at__lt=dt.datetime.combine(
                last + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            ),
        )
        .order_by()
        .values_list("conclusion")
        .annotate(n=Count("pk"))
    )
    overdue = Measure.objects.filter(
        assessment__in=latest.filter(status=Status.CONCLUDED, conclusion__in=FOLLOWED),
        completion__isnull=True,
        due_on__lt=today,
    ).count()
    return {
        "stages": [(label, by_status.get(code, 0)) for code, label in Status.choices],
        "by_status": by_status,
        "quarter": quarter,
        "conclusions": [(label, concluded.get(code, 0)) for code, label in Conclusion.choices],
        "overdue": overdue,
    }
