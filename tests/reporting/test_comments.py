"""A reviewer or approver comments on a submission at any step: shown in its history, audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from pingan.reporting import comments
from pingan.reporting.models import Status, Step

pytestmark = pytest.mark.django_db


def _client(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_an_approver_comments_on_an_approved_submission_without_changing_it(staff, approved):
    approver = _client(staff["approver"])
    response = approver.post(
        reverse("reporting:comment", args=[approved.pk]), {"comment": "  核对过派出所台账  "}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    last = approved.events.last()
    assert (last.step, last.reason, last.from_status, last.to_status) == (
        Step.COMMENT, "核对过派出所台账", Status.APPROVED, Status.APPROVED,
    )  # fmt: skip
    record = AuditRecord.objects.get(event="reporting.submission.comment")
    assert record.detail["comment"] == "核对过派出所台账"
    page = approver.get(reverse("reporting:submission", args=[approved.pk])).content.decode()
    assert "<td>Comment</td>" in page and "核对过派出所台账" in page
    assert 'data-testid="comment-form"' in page


def test_a_reviewer_comments_on_a_draft_and_the_clerk_reads_it(staff, draft):
    comments.add_comment(actor=staff["reviewer"], submission_id=draft.pk, text="请补齐乙区")
    clerk = _client(staff["clerk"])
    page = clerk.get(reverse("reporting:submission", args=[draft.pk])).content.decode()
    assert "请补齐乙区" in page
    assert 'data-testid="comment-form"' not in page


def test_an_empty_comment_is_refused_and_nothing_is_written(staff, draft):
    with pytest.raises(InputRefused) as refused:
        comments.add_comment(actor=staff["reviewer"], submission_id=draft.pk, text="   ")
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("comment", "a comment cannot be empty")
    ]
    assert draft.events.filter(step=Step.COMMENT).count() == 0
    assert AuditRecord.objects.filter(event="reporting.submission.comment").count() == 0


def test_a_clerk_and_another_bodys_signer_may_not_comment(staff, draft, make_user):
    assert (
        _client(staff["clerk"])
        .post(reverse("reporting:comment", args=[draft.pk]), {"comment": "x"})
        .status_code
        == 403
    )
    outsider = make_user("reviewer", body="court")
    client = Client()
    client.force_login(outsider)
    client.post(reverse("reporting:comment", args=[draft.pk]), {"comment": "x"})
    assert draft.events.filter(step=Step.COMMENT).count() == 0
