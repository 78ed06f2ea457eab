"""Approvals owe a recomputation without waiting for it; the pages say one is under way until it lands."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pingan.cli import main
from pingan.core import events
from pingan.core.jobs import pending, run_owed_jobs
from pingan.demo_data.generate import monthly_counts
from pingan.scores import tasks


def _approve_quarter(binzhou, tmp_path) -> None:
    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in binzhou.classes.all()
    }
    rows = monthly_counts(["2026-04", "2026-05", "2026-06"], classes)
    path = tmp_path / "figures.csv"
    path.write_text(
        "unit_code,indicator_code,period,value\n" + "".join("%s,%s,%s,%d\n" % r for r in rows),
        encoding="utf-8",
    )
    assert main(["figures", "import", str(path), "--approve", "--reason", "test"]) == 0


@pytest.mark.django_db
def test_repeated_changes_of_a_quarter_merge_into_the_waiting_job(demo_units, binzhou, tmp_path):
    _approve_quarter(binzhou, tmp_path)
    assert run_owed_jobs() == 3  # the recompute, the figures watch, the new run's index watch
    for reason in ("first", "second"):
        with transaction.atomic():
            events.publish(events.FIGURES_CHANGED, months=["2026-05"], reason=reason)
    with transaction.atomic():
        events.publish(events.FIGURES_CHANGED, months=["2026-06", "2026-07"], reason="third")
    assert pending(tasks.recompute) == [
        {"quarters": ["2026Q2"], "reason": "first"},
        {"quarters": ["2026Q2", "2026Q3"], "reason": "third"},
    ]


@pytest.mark.django_db
def test_pages_say_recomputing_since_until_the_new_run_lands(
    demo_units, binzhou, tmp_path, make_user
):
    _approve_quarter(binzhou, tmp_path)
    assert run_owed_jobs() == 3  # the recompute, the figures watch, the new run's index watch
    with transaction.atomic():
        events.publish(events.FIGURES_CHANGED, months=["2026-05"], reason="correction")
    since = (
        DBTaskResult.objects.filter(status="READY", task_path__endswith=".recompute")
        .get()
        .enqueued_at
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(make_user("analyst"), backend="django.contrib.auth.backends.ModelBackend")
    for path in ("/scores/?quarter=2026Q2", "/scores/unit/BZ01/?quarter=2026Q2"):
        response = client.get(path)
        assert response.context["selection"].recomputing_since == since
        html = response.content.decode()
        assert 'data-testid="recomputing"' in html
        assert "重新计算中（自 %s 起）" % timezone.localtime(since).strftime("%H:%M") in html
    assert run_owed_jobs() == 2  # the recompute (same inputs: no new run) and the figures watch
    for path in ("/scores/?quarter=2026Q2", "/scores/unit/BZ01/?quarter=2026Q2"):
        response = client.get(path)
        assert response.context["selection"].recomputing_since is None
        assert 'data-testid="recomputing"' not in response.content.decode()
