"""The whole way of one decision: registration → analysis → report → review → conclusion → follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from pingan.assessments.actions import analysis, workflow
from pingan.assessments.models import Assessment, Completion, Status
from pingan.audit.models import AuditRecord
from pingan.audit.verify import verify_chain
from tests.assessments.conftest import analysed, concluded, registered

pytestmark = pytest.mark.django_db


def events():
    return list(
        AuditRecord.objects.filter(event__startswith="assessments.")
        .order_by("seq")
        .values_list("event", flat=True)
    )


def test_registration_numbers_the_file_and_names_its_bodies(people):
    assessment = registered(people)
    assert (assessment.number, assessment.version, assessment.status) == (
        "RA-2027-0001",
        1,
        "draft",
    )
    assert assessment.assessing_unit.code == "BZ"
    assert sorted(a.unit.code for a in assessment.affected.all()) == ["BZ0101", "BZ0102"]
    assert registered(people).number == "RA-2027-0002"


def test_postpone_until_measures_done_then_reassessment_implements(people, anchor_as_committed):
    first = concluded(people)
    assert (first.status, first.concluded, first.conclusion) == ("concluded", True, "postpone")
    assert (first.overall_level, first.recommended) == ("high", "postpone")
    assert first.review_due == dt.date(2027, 6, 30)
    assert len(first.report_sha256) == 64 and bytes(first.report_docx)[:2] == b"PK"
    measure = first.measures.get()
    workflow.complete_measure(
        actor=people["clerk"], measure_id=measure.pk, done_on=dt.date(2026, 11, 27)
    )
    second = workflow.new_version(
        actor=people["assessor"], assessment_id=first.pk, reason="补偿方案已公开，重新评估"
    )
    assert (second.number, second.version, second.previous_id, second.status) == (
        first.number,
        2,
        first.pk,
        "analysis",
    )
    assert second.measures.get().completion.done_on == dt.date(2026, 11, 27)
    assert second.measures.get().origin_id == measure.pk
    workflow.submit_report(actor=people["assessor"], assessment_id=second.pk)
    second = workflow.approve(
        actor=people["head"], assessment_id=second.pk, review_due=dt.date(2027, 9, 30)
    )
    assert (second.recommended, second.conclusion) == ("implement", "implement")
    assert events() == [
        "assessments.assessment.register", "assessments.assessment.start",
        "assessments.finding.save", "assessments.risk.save", "assessments.measure.save",
        "assessments.consultation.save", "assessments.report.submit", "assessments.report.approve",
        "assessments.measure.complete", "assessments.assessment.new_version",
        "assessments.report.submit", "assessments.report.approve",
    ]  # fmt: skip
    anchor_as_committed()
    assert verify_chain().ok


def test_very_high_residual_risk_means_do_not_implement(people):
    assert concluded(people, residual=(5, 5)).conclusion == "not_implement"


def test_low_residual_risk_means_implement(people):
    assert concluded(people, residual=(1, 1)).conclusion == "implement"


def test_legality_not_satisfied_means_do_not_implement(people):
    assessment = analysed(people, residual=(1, 1))
    findings = dict.fromkeys(
        ("legality", "rationality", "feasibility", "controllability", "acceptance"),
        ("说明", "satisfied"),
    )
    findings["legality"] = ("缺少法定依据", "not_satisfied")
    analysis.save_findings(actor=people["assessor"], assessment_id=assessment.pk, findings=findings)
    assert (
        workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk).recommended
        == "not_implement"
    )


def test_override_with_a_reason_is_audited(people):
    assessment = analysed(people)
    reason = "属地已先行化解主要矛盾，风险可控"
    submitted = workflow.submit_report(
        actor=people["assessor"],
        assessment_id=assessment.pk,
        proposed="implement",
        override_reason=reason,
    )
    assert (submitted.recommended, submitted.proposed, submitted.override_reason) == (
        "postpone",
        "implement",
        reason,
    )
    record = AuditRecord.objects.get(event="assessments.conclusion.override")
    assert record.detail == {
        "overall": "high",
        "recommended": "postpone",
        "proposed": "implement",
        "reason": reason,
    }


def test_return_with_comments_goes_back_to_analysis(people):
    assessment = analysed(people)
    workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk)
    returned = workflow.return_report(
        actor=people["head"], assessment_id=assessment.pk, comments="请补充听证会情况"
    )
    assert (returned.status, returned.review_comments) == ("analysis", "请补充听证会情况")


def test_four_eyes_the_author_cannot_approve(people, make_user, actor_of):
    assessment = analysed(people)
    both = make_user("assessor", unit="BZ", username="both")
    from pingan.accounts.models import RoleAssignment
    from pingan.units.models import OrgUnit

    RoleAssignment.objects.create(
        user=both, role="department_head", unit=OrgUnit.objects.get(code="BZ")
    )
    actor = actor_of(both)
    workflow.submit_report(actor=actor, assessment_id=assessment.pk)
    with pytest.raises(PermissionDenied, match="Four eyes"):
        workflow.approve(actor=actor, assessment_id=assessment.pk, review_due=dt.date(2027, 6, 30))
    assert Assessment.objects.get(pk=assessment.pk).status == Status.REVIEW


def test_a_department_outside_the_chain_may_not_review(people, make_user, actor_of):
    assessment = analysed(people)
    workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk)
    other = actor_of(make_user("department_head", unit="BZ02", username="otherhead"))
    with pytest.raises(PermissionDenied):
        workflow.approve(actor=other, assessment_id=assessment.pk, review_due=dt.date(2027, 6, 30))


def test_a_measure_is_done_once_and_only_on_the_current_version(people):
    first = concluded(people)
    measure = first.measures.get()
    workflow.complete_measure(
        actor=people["assessor"], measure_id=measure.pk, done_on=dt.date(2026, 11, 28)
    )
    from pingan.core.problems import InputRefused

    with pytest.raises(InputRefused, match="already"):
        workflow.complete_measure(
            actor=people["assessor"], measure_id=measure.pk, done_on=dt.date(2026, 11, 28)
        )
    assert Completion.objects.count() == 1
