"""Recomputation under concurrency: approvals never wait for it or fail because of it, and two
computations of one quarter never collide (real threads against a file-backed database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from pingan.core.jobs import pending, run_owed_jobs
from pingan.demo_data.generate import monthly_counts
from pingan.reporting import bulk_load, filling, submissions
from pingan.reporting.models import Figure
from pingan.schemes.models import ReportingBody
from pingan.scores.cells import explanation_cells
from pingan.scores.models import ScoreRun
from pingan.scores.services import stale_quarters
from pingan.scores.tasks import recompute
from pingan.warnings.tasks import figures_scan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

BODIES = ("police", "court")


def in_threads(*targets):
    """Start every target at once (a barrier) and return what each returned or raised."""
    barrier = threading.Barrier(len(targets))
    outcomes: list[object] = [None] * len(targets)

    def run(i, target):
        try:
            barrier.wait()
            outcomes[i] = target()
        except Exception as exc:  # reported in the callers' assertions
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def june_owed_by_two_bodies(demo_units, binzhou, system_actor, make_user, actor_of):
    """2026Q2 scored without the police's and the court's June; both reviewed, awaiting approval."""
    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in binzhou.classes.all()
    }
    bodies = {b.code: b for b in ReportingBody.objects.filter(code__in=BODIES)}
    owned = set(binzhou.indicators.filter(body__code__in=BODIES).values_list("code", flat=True))
    rows = [
        r
        for r in monthly_counts(["2026-04", "2026-05", "2026-06"], classes)
        if not (r[2] == "2026-06" and r[1] in owned)
    ]
    data = "unit_code,indicator_code,period,value\n" + "".join("%s,%s,%s,%d\n" % r for r in rows)
    bulk_load.import_figures(actor=system_actor, data=data.encode(), approve=True, reason="history")
    assert run_owed_jobs() == 3  # recomputation, figures watch, index watch of 2026Q2
    drafts = {}
    approvers = {}
    for code, body in bodies.items():
        clerk = actor_of(make_user("clerk", body=code))
        reviewer = actor_of(make_user("reviewer", body=code))
        approvers[code] = make_user("approver", body=code)
        draft = submissions.create_submission(actor=clerk, body_id=body.pk, month="2026-06")
        filling.fill_zeros(actor=clerk, submission_id=draft.pk)
        submissions.submit(actor=clerk, submission_id=draft.pk)
        submissions.review(actor=reviewer, submission_id=draft.pk)
        drafts[code] = draft
    return drafts, approvers


def test_two_bodies_approving_one_month_at_once_both_count(june_owed_by_two_bodies):
    drafts, approvers = june_owed_by_two_bodies
    before = ScoreRun.objects.get(period="2026Q2", is_current=True)

    def approve(code):
        def post():
            client = Client()
            client.force_login(approvers[code])
            return client.post("/reporting/s/%d/approve/" % drafts[code].pk).status_code

        return post

    assert in_threads(approve("police"), approve("court")) == [302, 302]
    assert ScoreRun.objects.get(period="2026Q2", is_current=True).pk == before.pk
    assert stale_quarters() == ["2026Q2"]
    # Approvals merge into a waiting recompute or scan when they see it committed; when both commit
    # before either sees the other's, each owes its own.
    recomputes = len(pending(recompute))
    watches = len(pending(figures_scan))
    runs = in_threads(run_owed_jobs, run_owed_jobs)
    # the recomputations (one stores the new run), June's figure watches, the new run's index watch
    assert sum(runs) == recomputes + watches + 1
    assert stale_quarters() == []
    current = ScoreRun.objects.get(period="2026Q2", is_current=True)
    assert ScoreRun.objects.filter(period="2026Q2").count() == 2
    cited = {
        c.figure_id
        for result in current.results.all()
        for c in explanation_cells(result)
        if c.month == "2026-06"
    }
    for code in BODIES:
        figures = set(Figure.objects.filter(submission=drafts[code]).values_list("pk", flat=True))
        assert figures and figures <= cited


def test_two_computations_of_one_quarter_at_once_store_one_current_run(june_owed_by_two_bodies):
    from pingan.core.access.actor import job_actor
    from pingan.scores.services import compute_period

    drafts, approvers = june_owed_by_two_bodies
    for code in BODIES:
        submissions.approve(actor=_actor(approvers[code]), submission_id=drafts[code].pk)

    def compute():
        return compute_period(actor=job_actor("test"), period="2026Q2", reason="race").pk

    first, second = in_threads(compute, compute)
    assert first == second
    assert ScoreRun.objects.filter(period="2026Q2", is_current=True).count() == 1
    assert stale_quarters() == []


def _actor(user):
    from pingan.core.access.actor import actor_for_user

    return actor_for_user(user, channel="web", source="127.0.0.1")
