"""Feeding the index: a body's draft submission filled from the matters, in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pingan.audit.models import AuditRecord
from pingan.core.problems import InputRefused
from pingan.matters.actions import index_feed
from pingan.reporting.models import Figure, Submission
from tests.matters.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(people, units, new_matter, make_user, actor_of, system_actor):
    """The stability office's clerk; three matters of September 2025, two of them neighbour matters."""
    index_feed.save_index_feed(
        actor=system_actor, indicator_code="mass_incident", category_group_code="neighbour"
    )
    new_matter(now=at("2025-09-03"), place="BZ0101")
    new_matter(now=at("2025-09-04"), place="BZ01")
    new_matter(now=at("2025-09-05"), place="BZ0201", category_code="labour_wages")  # another group
    return actor_of(make_user("clerk", body="stability"))


def test_index_submission_is_a_draft_filled_from_the_matters(people, clerk):
    with pytest.raises(PermissionDenied):
        index_feed.create_index_submission(
            actor=people["dispatcher"][1], month="2025-09", indicator_code="mass_incident"
        )
    with pytest.raises(InputRefused):
        index_feed.create_index_submission(actor=clerk, month="2025-09", indicator_code="criminal")
    submission = index_feed.create_index_submission(
        actor=clerk, month="2025-09", indicator_code="mass_incident"
    )
    assert (Submission.objects.get(pk=submission.pk).status, submission.month) == (
        "draft",
        "2025-09",
    )
    values = dict(Figure.objects.filter(submission=submission).values_list("unit__code", "value"))
    assert (values["BZ01"], values["BZ02"], values["D001"], values["I01"]) == (2, 0, 0, 0)
    assert len(values) == 108
    assert AuditRecord.objects.filter(event="matters.index_submission.create").count() == 1


class InjectedFailure(Exception):
    """The failure of the last step of the index submission, injected by the test."""


def test_a_failure_at_the_last_step_leaves_no_draft_and_no_audit_record(clerk, monkeypatch):
    records = AuditRecord.objects.count()

    def fail(**_kwargs):
        raise InjectedFailure

    monkeypatch.setattr(index_feed, "record_event", fail)
    with pytest.raises(InjectedFailure):
        index_feed.create_index_submission(
            actor=clerk, month="2025-09", indicator_code="mass_incident"
        )
    assert Submission.objects.count() == 0
    assert Figure.objects.count() == 0
    assert AuditRecord.objects.count() == records
