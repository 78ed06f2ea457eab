"""The approving request does what does not grow with the province: its queries are pinned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from pingan.core.access.actor import command_line_actor
from pingan.core.jobs import pending
from pingan.reporting.bulk_load import import_figures
from pingan.reporting.models import Status, Submission
from pingan.scores.tasks import recompute
from pingan.units.services import import_units

APPROVAL_QUERIES = {"sqlite": 23, "postgresql": 24}
"""Queries of one approving request (user, grants with the session check, compare-and-set, log, audit, owed jobs),
one more on PostgreSQL than on SQLite."""


def _drafts(month: str, units: list[str]) -> Submission:
    """The police body's figures of `month` for `units` as a reviewed submission."""
    text = "unit_code,indicator_code,period,value\n" + "".join(
        "%s,%s,%s,1\n" % (u, code, month) for u in units for code in ("criminal", "public_security")
    )
    import_figures(actor=command_line_actor(), data=text.encode())
    submission = Submission.objects.get(month=month, body__code="police", status=Status.DRAFT)
    Submission.objects.filter(pk=submission.pk).update(status=Status.REVIEWED)
    return submission


def _approval_queries(client: Client, submission: Submission) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/reporting/s/%d/approve/" % submission.pk, secure=True)
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).status == Status.APPROVED
    return len(queries)


@pytest.mark.django_db
def test_approval_queries_do_not_grow_with_the_number_of_units(demo_units, make_user, system_actor):
    from pingan.units.models import OrgUnit

    client = Client()
    client.force_login(make_user("approver", body="police"))
    units = list(OrgUnit.objects.filter(eval_class="A").values_list("code", flat=True))
    client.get("/reporting/s/%d/" % _drafts("2026-07", units).pk, secure=True)  # warm
    few = _approval_queries(client, _drafts("2026-08", units))
    more = ["ZZ%02d" % n for n in range(40)]
    import_units(
        actor=system_actor,
        data=(
            "code,name,class,parent_code\n" + "".join("%s,新区%s,A,,\n" % (c, c) for c in more)
        ).encode(),
    )
    assert len(pending(recompute)) == 1
    DBTaskResult.objects.all().delete()  # the second approval owes its jobs anew, as the first
    many = _approval_queries(client, _drafts("2026-09", units + more))
    assert (len(units), few) == (10, APPROVAL_QUERIES[connection.vendor])
    assert many == APPROVAL_QUERIES[connection.vendor]
    assert len(pending(recompute)) == 1
