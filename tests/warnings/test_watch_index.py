"""The index watch: entering orange or red, or falling by more than the set points; final quarters only."""

from __future__ import annotations

import pytest

from pingan.core.access.actor import job_actor
from pingan.core.jobs import pending, run_owed_jobs
from pingan.scores.models import QuarterResult
from pingan.warnings import tasks
from pingan.warnings.models import Warning
from pingan.warnings.watch_index import scan_index
from tests.bulletins.factory import store_run

pytestmark = pytest.mark.django_db


def test_entering_a_tier_or_falling_warns_once_per_series(units):
    store_run("2025Q3")  # BZ07–BZ09 orange, BZ10 red, thirteen departments orange
    run = store_run("2025Q4", adjust={"BZ06": -3.0, "BZ09": -3.0})  # 79.5 orange, 69.75 red
    QuarterResult.objects.filter(run=run, unit__code="BZ02").update(change_prev=-6.0)
    QuarterResult.objects.filter(run=run, unit__code="BZ03").update(change_prev=-5.0)
    tasks.scores_stored(period="2025Q4", run_id=run.pk)
    tasks.scores_stored(period="2025Q4", run_id=run.pk)  # owed once
    assert run_owed_jobs() == 1
    found = sorted(
        (w.unit.code, w.series_key, w.period, w.level, w.observed, w.expected, w.threshold)
        for w in Warning.objects.filter(source="index")
    )
    assert found == [
        ("BZ02", "index", "2025Q4", "yellow", 95.5, 101.5, 96.5),
        ("BZ06", "index", "2025Q4", "orange", 79.5, 77.0, 72.0),
        ("BZ09", "index", "2025Q4", "red", 69.75, 72.25, 67.25),
    ]


def test_a_provisional_quarter_never_warns(units):
    store_run("2026Q3")
    run = store_run("2026Q4")  # not ended on the test's date
    tasks.scores_stored(period="2026Q4", run_id=run.pk)
    assert run_owed_jobs() == 0  # the watch waits for the quarter to be final
    assert pending(tasks.index_scan) == [{"run_id": run.pk}]
    assert scan_index(actor=job_actor("test"), run_id=run.pk) == 0
    assert not Warning.objects.exists()
