"""The sign-off: report → review by the competent department → conclusion; new versions; measures done."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.assessments import report
from pingan.assessments.actions.common import (
    REASON_MIN,
    locked,
    missing_dimensions,
    recommendation,
    require_scope,
    require_status,
    text_problem,
    today,
)
from pingan.assessments.models import (
    AffectedUnit,
    Assessment,
    Completion,
    Conclusion,
    Finding,
    Measure,
    Status,
)
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.core.problems import InputRefused, Problem

FOLLOWED = (Conclusion.IMPLEMENT, Conclusion.POSTPONE)


def submit_report(
    *, actor: Actor, assessment_id: int, proposed: str = "", override_reason: str = ""
) -> Assessment:
    """Send the special report to the competent department: analysis → review.

    The conclusion proposed is the rule's unless the assessor departs from it, which needs a
    written reason (audited as an override).
    """
    require(actor, "assessments.analyse")
    with transaction.atomic():
        assessment = locked(assessment_id)
        require_scope(actor, "assessments.analyse", assessment, Role.ASSESSOR)
        require_status(assessment, Status.ANALYSIS)
        problems = [
            Problem(None, d, _("the findings on this dimension are missing"))
            for d in missing_dimensions(assessment)
        ]
        advice = recommendation(assessment)
        proposed = proposed or advice.conclusion
        reason = (override_reason or "").strip()
        if proposed not in Conclusion.values:
            problems.append(Problem(None, "proposed", _("unknown conclusion")))
        elif proposed != advice.conclusion and len(reason) < REASON_MIN:
            problems.append(
                Problem(
                    None,
                    "override_reason",
                    _(
                        "the rule recommends “%(rule)s”; proposing “%(chosen)s” needs a written "
                        "reason of at least %(n)s characters"
                    )
                    % {
                        "rule": Conclusion(advice.conclusion).label,
                        "chosen": Conclusion(proposed).label,
                        "n": REASON_MIN,
                    },
                )
            )
        problems += text_problem("override_reason", reason, required=False)
        if problems:
            raise InputRefused(problems)
        Assessment.objects.filter(pk=assessment.pk, status=Status.ANALYSIS).update(
            status=Status.REVIEW,
            report_by=actor.user,
            report_at=timezone.now(),
            overall_level=advice.overall_level,
            recommended=advice.conclusion,
            proposed=proposed,
            override_reason=reason if proposed != advice.conclusion else "",
        )
        detail = {
            "overall": advice.overall_level,
            "recommended": advice.conclusion,
            "proposed": proposed,
        }
        record_event(
            actor=actor, event=Event.ASSESSMENTS_REPORT_SUBMIT, obj=assessment, detail=detail
        )
        if proposed != advice.conclusion:
            record_event(
                actor=actor,
                event=Event.ASSESSMENTS_CONCLUSION_OVERRIDE,
                obj=assessment,
                detail={**detail, "reason": reason},
            )
    assessment.refresh_from_db()
    return assessment


def _reviewable(actor: Actor, assessment_id: int) -> Assessment:
    assessment = locked(assessment_id)
    require_scope(actor, "assessments.review", assessment, Role.DEPARTMENT_HEAD)
    require_status(assessment, Status.REVIEW)
    if actor.user_id is not None and actor.user_id in (
        assessment.report_by_id,
        assessment.created_by_id,
    ):
        raise PermissionDenied(
            _("Four eyes: the report must be reviewed by someone other than its author.")
        )
    return assessment


def return_report(*, actor: Actor, assessment_id: int, comments: str) -> Assessment:
    """The competent department returns the report with its comments: review → analysis."""
    require(actor, "assessments.review")
    problems = text_problem("comments", comments)
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        assessment = _reviewable(actor, assessment_id)
        Assessment.objects.filter(pk=assessment.pk, status=Status.REVIEW).update(
            status=Status.ANALYSIS, review_comments=comments.strip()
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_REPORT_RETURN,
            obj=assessment,
            detail={"comments": comments.strip()},
        )
    assessment.refresh_from_db()
    return assessment


def approve(*, actor: Actor, assessment_id: int, review_due: dt.date | None = None) -> Assessment:
    """The competent department approves the report: the conclusion is final and the version immutable."""
    require(actor, "assessments.review")
    with transaction.atomic():
        assessment = _reviewable(actor, assessment_id)
        followed = assessment.proposed in FOLLOWED
        if followed and (review_due is None or review_due <= today()):
            raise InputRefused(
                [
                    Problem(
                        None, "review_due", _("give a post-implementation review date after today")
                    )
                ]
            )
        now = timezone.now()
        assessment.status, assessment.conclusion = Status.CONCLUDED, assessment.proposed
        assessment.concluded_by, assessment.concluded_at = actor.user, now
        assessment.review_due = review_due if followed else None
        data = report.render_docx(assessment, final=True)
        digest = hashlib.sha256(data).hexdigest()
        updated = Assessment.objects.filter(pk=assessment.pk, status=Status.REVIEW).update(
            status=Status.CONCLUDED, concluded=True, conclusion=assessment.conclusion,
            concluded_by=actor.user, concluded_at=now, review_due=assessment.review_due,
            report_docx=data, report_sha256=digest,
        )  # fmt: skip
        assert updated == 1  # the row is locked
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_REPORT_APPROVE,
            obj=assessment,
            detail={
                "conclusion": assessment.conclusion,
                "sha256": digest,
                "review_due": str(review_due or ""),
            },
        )
    assessment.refresh_from_db()
    return assessment


def new_version(*, actor: Actor, assessment_id: int, reason: str) -> Assessment:
    """Re-open a concluded assessment as a new version (a correction or a re-assessment), with a reason."""
    require(actor, "assessments.analyse")
    problems = text_problem("reason", reason, limit=2000)
    if not problems and len(reason.strip()) < REASON_MIN:
        problems.append(Problem(None, "reason", _("at least %(n)s characters") % {"n": REASON_MIN}))
    if problems:
        raise InputRefused(problems)
    with transaction.atomic():
        old = locked(assessment_id)
        require_scope(actor, "assessments.analyse", old, Role.ASSESSOR)
        require_status(old, Status.CONCLUDED)
        if Assessment.objects.filter(previous=old).exists():
            raise InputRefused([Problem(None, "version", _("a newer version exists already"))])
        new = _copy(old, actor, reason.strip())
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_ASSESSMENT_NEW_VERSION,
            obj=new,
            detail={
                "number": new.number,
                "version": new.version,
                "previous": old.pk,
                "reason": reason.strip(),
            },
        )
    return new


def _copy(old: Assessment, actor: Actor, reason: str) -> Assessment:
    new = Assessment.objects.create(
        number=old.number, version=old.version + 1, previous=old, reason=reason, title=old.title,
        category=old.category, proposing_unit_id=old.proposing_unit_id,
        implementing_unit_id=old.implementing_unit_id, assessing_unit_id=old.assessing_unit_id,
        expected_on=old.expected_on, status=Status.ANALYSIS, created_by=actor.user,
    )  # fmt: skip
    AffectedUnit.objects.bulk_create(
        AffectedUnit(assessment=new, unit_id=a.unit_id) for a in old.affected.all()
    )
    Finding.objects.bulk_create(
        Finding(assessment=new, dimension=f.dimension, text=f.text, rating=f.rating)
        for f in old.findings.all()
    )
    for risk in old.risks.prefetch_related("measures__completion"):
        measures = list(risk.measures.all())
        risk.pk, risk.assessment = None, new
        risk.save(force_insert=True)
        for measure in measures:
            completion = getattr(measure, "completion", None)
            measure.origin_id = measure.origin_id or measure.pk
            measure.pk, measure.assessment, measure.risk = None, new, risk
            measure.save(force_insert=True)
            if completion is not None:
                Completion.objects.create(
                    measure=measure, done_on=completion.done_on, note=completion.note,
                    recorded_by_id=completion.recorded_by_id,
                )  # fmt: skip
    for consultation in old.consultations.all():
        consultation.pk, consultation.assessment = None, new
        consultation.save(force_insert=True)
    for attachment in old.attachments.all():
        attachment.pk, attachment.assessment = None, new
        attachment.save(force_insert=True)
    return new


def complete_measure(
    *, actor: Actor, measure_id: int, done_on: dt.date | None, note: str = ""
) -> Completion:
    """Record a measure of a concluded (implemented or postponed) decision as done."""
    require(actor, "assessments.follow_up")
    problems = text_problem("note", note, required=False, limit=1000)
    if done_on is None or done_on > today():
        problems.append(
            Problem(None, "done_on", _("give the date it was done (not in the future)"))
        )
    if problems or done_on is None:
        raise InputRefused(problems)
    with transaction.atomic():
        measure = Measure.objects.select_related("assessment").filter(pk=measure_id).first()
        if measure is None:
            raise InputRefused([Problem(None, "measure", _("no such measure"))])
        assessment = locked(measure.assessment_id)
        require_scope(actor, "assessments.follow_up", assessment, Role.ASSESSOR, Role.PROPOSER)
        if (
            assessment.conclusion not in FOLLOWED
            or Assessment.objects.filter(previous=assessment).exists()
        ):
            raise InputRefused(
                [
                    Problem(
                        None,
                        "measure",
                        _("only measures of the current concluded version are followed up"),
                    )
                ]
            )
        if Completion.objects.filter(measure=measure).exists():
            raise InputRefused(
                [Problem(None, "measure", _("this measure is recorded as done already"))]
            )
        completion = Completion.objects.create(
            measure=measure, done_on=done_on, note=(note or "").strip(), recorded_by=actor.user
        )
        record_event(
            actor=actor,
            event=Event.ASSESSMENTS_MEASURE_COMPLETE,
            obj=assessment,
            detail={"measure": measure.pk, "done_on": str(done_on), "due": str(measure.due_on)},
        )
    return completion
