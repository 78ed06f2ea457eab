"""The sign-off state machine: every transition, every refusal, four-eyes, returns."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingan.core.problems import Conflict, InputRefused
from pingan.reporting import filling, submissions
from pingan.reporting.models import Figure, Status, Step, Submission
from tests.reporting.conftest import MONTH, full, records

pytestmark = pytest.mark.django_db


def test_full_path_draft_to_received(staff, draft):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(2))
    assert (
        submissions.submit(actor=staff["clerk"], submission_id=draft.pk).status == Status.SUBMITTED
    )
    assert (
        submissions.review(actor=staff["reviewer"], submission_id=draft.pk).status
        == Status.REVIEWED
    )
    approved = submissions.approve(actor=staff["approver"], submission_id=draft.pk)
    assert (approved.status, approved.is_current) == (Status.APPROVED, True)
    assert (
        submissions.receive(actor=staff["analyst"], submission_id=draft.pk).status
        == Status.RECEIVED
    )
    steps = list(draft.events.values_list("step", flat=True))
    assert steps == [Step.CREATE, Step.SUBMIT, Step.REVIEW, Step.APPROVE, Step.RECEIVE]
    assert set(Figure.objects.filter(submission=draft).values_list("is_locked", flat=True)) == {
        True
    }


def test_incomplete_submission_is_refused_naming_missing_cells(staff, draft):
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 0})
    )
    with pytest.raises(InputRefused) as refused:
        submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    assert len(refused.value.problems) == 6
    assert "丁区 · Criminal cases: no value" in str(refused.value)
    assert Submission.objects.get(pk=draft.pk).status == Status.DRAFT


def test_no_incidents_fills_zeros_explicitly(staff, draft):
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 5})
    )
    summary = filling.fill_zeros(actor=staff["clerk"], submission_id=draft.pk)
    assert (summary.created, summary.missing) == (6, 0)
    values = {
        (u, c): v
        for u, c, v in Figure.objects.filter(submission=draft).values_list(
            "unit__code", "indicator_code", "value"
        )
    }
    assert values[("A1", "criminal")] == 5
    assert sorted(values.values()) == [0, 0, 0, 0, 0, 0, 5]


@pytest.mark.parametrize(
    ("step", "who", "status"),
    [
        ("review", "reviewer", Status.DRAFT),
        ("approve", "approver", Status.DRAFT),
        ("receive", "analyst", Status.DRAFT),
        ("approve", "approver", Status.SUBMITTED),
        ("receive", "analyst", Status.SUBMITTED),
        ("submit", "clerk", Status.SUBMITTED),
        ("receive", "analyst", Status.REVIEWED),
        ("review", "reviewer", Status.REVIEWED),
    ],
)
def test_transition_from_the_wrong_status_is_a_conflict(staff, draft, step, who, status):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    if status in (Status.SUBMITTED, Status.REVIEWED):
        submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    if status == Status.REVIEWED:
        submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    with pytest.raises(Conflict):
        getattr(submissions, step)(actor=staff[who], submission_id=draft.pk)
    assert Submission.objects.get(pk=draft.pk).status == status


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("review", "clerk"),
        ("approve", "reviewer"),
        ("review", "approver"),
        ("receive", "approver"),
        ("submit", "reviewer"),
    ],
)
def test_wrong_role_is_refused(staff, draft, step, who):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    with pytest.raises(PermissionDenied):
        getattr(submissions, step)(actor=staff[who], submission_id=draft.pk)


def test_clerk_of_another_body_reaches_nothing(staff, draft):
    with pytest.raises(PermissionDenied):
        filling.put_cells(actor=staff["other_clerk"], submission_id=draft.pk, records=full(1))
    with pytest.raises(PermissionDenied):
        submissions.submit(actor=staff["other_clerk"], submission_id=draft.pk)


def test_four_eyes_one_person_cannot_review_and_approve(staff, draft, make_user, actor_of, police):
    both = make_user("reviewer", body="police")
    from pingan.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role="approver", body=police)
    actor = actor_of(both)
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=actor, submission_id=draft.pk)
    with pytest.raises(PermissionDenied, match="Four-eyes"):
        submissions.approve(actor=actor, submission_id=draft.pk)
    assert (
        submissions.approve(actor=staff["approver"], submission_id=draft.pk).status
        == Status.APPROVED
    )


def test_four_eyes_the_submitting_clerk_signs_nothing(staff, draft, make_user, actor_of, police):
    from pingan.accounts.models import RoleAssignment

    clerk_user = staff["clerk"].user
    RoleAssignment.objects.create(user=clerk_user, role="reviewer", body=police)
    clerk = actor_of(clerk_user)
    filling.put_cells(actor=clerk, submission_id=draft.pk, records=full(1))
    submissions.submit(actor=clerk, submission_id=draft.pk)
    with pytest.raises(PermissionDenied):
        submissions.review(actor=clerk, submission_id=draft.pk)
    assert Submission.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_four_eyes_holds_across_a_return(staff, draft, make_user, actor_of, police):
    from pingan.accounts.models import RoleAssignment

    both = make_user("reviewer", body="police")
    RoleAssignment.objects.create(user=both, role="approver", body=police)
    actor = actor_of(both)
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=actor, submission_id=draft.pk)
    submissions.return_submission(
        actor=staff["approver"], submission_id=draft.pk, reason="check A4"
    )
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    with pytest.raises(PermissionDenied):
        submissions.approve(actor=actor, submission_id=draft.pk)


@pytest.mark.parametrize("returner", ["reviewer", "approver"])
def test_return_with_reason_goes_back_to_draft(staff, draft, returner):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    if returner == "approver":
        submissions.review(actor=staff["reviewer"], submission_id=draft.pk)
    returned = submissions.return_submission(
        actor=staff[returner], submission_id=draft.pk, reason="A1 looks wrong"
    )
    assert (
        returned.status,
        returned.returned_reason,
        returned.submitted_by_id,
        returned.reviewed_by_id,
    ) == (
        Status.DRAFT,
        "A1 looks wrong",
        None,
        None,
    )
    assert draft.events.get(step=Step.RETURN).reason == "A1 looks wrong"
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 3})
    )
    assert (
        submissions.submit(actor=staff["clerk"], submission_id=draft.pk).status == Status.SUBMITTED
    )


def test_return_needs_a_reason_and_cannot_undo_approval(staff, approved):
    with pytest.raises(Conflict):
        submissions.return_submission(
            actor=staff["approver"], submission_id=approved.pk, reason="too late"
        )
    draft2 = submissions.start_correction(
        actor=staff["clerk"], body_id=approved.body_id, month=MONTH, reason="typo"
    )
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft2.pk, records=records({("A1", "criminal"): 7})
    )
    submissions.submit(actor=staff["clerk"], submission_id=draft2.pk)
    with pytest.raises(InputRefused):
        submissions.return_submission(actor=staff["reviewer"], submission_id=draft2.pk, reason="  ")


def test_draft_cannot_be_edited_once_submitted(staff, draft):
    filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(1))
    submissions.submit(actor=staff["clerk"], submission_id=draft.pk)
    with pytest.raises(Conflict):
        filling.put_cells(actor=staff["clerk"], submission_id=draft.pk, records=full(2))


def test_only_one_open_submission_per_body_and_month(staff, draft, police):
    again = submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month=MONTH)
    assert again.pk == draft.pk
    assert Submission.objects.filter(body=police, month=MONTH).count() == 1


def test_month_not_ended_cannot_be_opened(staff, police):
    with pytest.raises(InputRefused):
        submissions.create_submission(actor=staff["clerk"], body_id=police.pk, month="2999-01")


def test_approval_tells_scoring_which_month_changed(staff, approved, score_calls):
    assert score_calls == [{"months": [MONTH], "reason": "reporting.approval:%d" % approved.pk}]
