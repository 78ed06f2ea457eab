"""The durable job queue: owed in the same transaction, keyed, scheduled, recovered, retried, checked."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pingan.cli import main
from pingan.core import jobs
from pingan.core.jobs import enqueue, run_owed_jobs, task

CALLS: list[str] = []


@task()
def note(*, text: str) -> str:
    """A job that records that it ran."""
    CALLS.append(text)
    return text


@task()
def note_default() -> str:
    """A periodic job that records that it ran."""
    CALLS.append("slot")
    return "slot"


@task()
def fail_until_third(*, text: str) -> str:
    """A job that fails on its first two runs."""
    CALLS.append(text)
    if len(CALLS) < 3:
        raise RuntimeError("not yet (%d)" % len(CALLS))
    return text


@task()
def always_fails() -> None:
    """A job that never succeeds."""
    CALLS.append("fail")
    raise RuntimeError("broken for good")


@pytest.fixture(autouse=True)
def _clear_calls(monkeypatch):
    CALLS.clear()
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")


def figures_csv(rows: list[tuple[str, str, str, int]]) -> bytes:
    lines = ["unit_code,indicator_code,period,value"] + ["%s,%s,%s,%d" % r for r in rows]
    return ("\n".join(lines) + "\n").encode()


def quarter_rows(version, months):
    from pingan.demo_data.generate import monthly_counts

    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in version.classes.all()
    }
    return monthly_counts(months, classes)


@pytest.mark.django_db
def test_an_approval_owes_its_recompute_in_its_own_transaction(demo_units, binzhou, system_actor):
    from pingan.reporting.bulk_load import import_figures
    from pingan.scores.models import ScoreRun
    from pingan.scores.tasks import recompute

    data = figures_csv(quarter_rows(binzhou, ["2026-04", "2026-05", "2026-06"]))
    import_figures(actor=system_actor, data=data, dry_run=True, approve=True, reason="try")
    assert DBTaskResult.objects.count() == 0
    import_figures(actor=system_actor, data=data, approve=True, reason="history")
    assert jobs.pending(recompute) == [{"quarters": ["2026Q2"], "reason": "figures.import"}]
    assert ScoreRun.objects.count() == 0
    assert run_owed_jobs() == 3  # the recomputation, the figures watch, the index watch
    assert list(ScoreRun.objects.values_list("period", "is_current")) == [("2026Q2", True)]
    assert jobs.pending(recompute) == []
    assert run_owed_jobs() == 0


@pytest.mark.django_db
def test_a_keyed_job_is_stored_once():
    assert enqueue(note, key="k1", text="a") is True
    assert enqueue(note, key="k1", text="b") is False
    assert enqueue(note, text="c") is True
    assert DBTaskResult.objects.count() == 2
    assert run_owed_jobs() == 2
    assert sorted(CALLS) == ["a", "c"]


@pytest.mark.django_db
def test_a_merged_job_is_owed_once_while_it_waits():
    assert jobs.owe_once(note, text="a") is True
    assert jobs.owe_once(note, text="a") is False
    assert jobs.owe_once(note, text="b") is True
    assert run_owed_jobs() == 2
    assert jobs.owe_once(note, text="a") is True  # the first one ran: owed again
    assert run_owed_jobs() == 1
    assert CALLS == ["a", "b", "a"]


def test_slots_every_n_seconds_and_daily():
    every = jobs.Periodic("x", every=300)
    at = dt.datetime(2026, 11, 27, 10, 3, 20, tzinfo=dt.UTC)
    assert every.slot(at) == dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
    assert every.following(every.slot(at)) == dt.datetime(2026, 11, 27, 10, 5, tzinfo=dt.UTC)
    daily = jobs.Periodic("y", daily_at=dt.time(8, 0))
    shanghai = timezone.get_fixed_timezone(8 * 60)
    with timezone.override(shanghai):
        before = dt.datetime(2026, 11, 27, 7, 59, tzinfo=shanghai)
        after = dt.datetime(2026, 11, 27, 8, 0, tzinfo=shanghai)
        assert daily.slot(before) == dt.datetime(2026, 11, 26, 8, 0, tzinfo=shanghai)
        assert daily.slot(after) == dt.datetime(2026, 11, 27, 8, 0, tzinfo=shanghai)
        assert daily.following(daily.slot(after)) == dt.datetime(
            2026, 11, 28, 8, 0, tzinfo=shanghai
        )
        assert daily.key(after) == "y@2026-11-27T00:00:00+00:00"


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_each_slot_once_and_stores_the_next(settings):
    settings.PINGAN_SCHEDULE = {"tests.core.test_jobs.note_default": {"every": 3600}}
    period = jobs.Periodic("tests.core.test_jobs.note_default", every=3600)
    now = timezone.now()
    start = period.slot(now)
    jobs.Worker(batch=True, interval=0).run()
    jobs.Worker(batch=True, interval=0).run()
    rows = {str(r.pk): (r.status, r.run_after) for r in DBTaskResult.objects.all()}
    if period.slot(timezone.now()) == start:
        assert rows == {
            jobs.key_id(period.key(start)): ("SUCCESSFUL", start),
            jobs.key_id(period.key(period.following(start))): ("READY", period.following(start)),
        }
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == len(rows) - 1


@pytest.mark.django_db
def test_a_job_claimed_by_a_dead_worker_is_run_on_the_next_start():
    enqueue(note, text="owed")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    row = DBTaskResult.objects.get()
    row.claim("%s:%d:%s" % (jobs.this_worker_id().split(":")[0], pid, "12345"))
    assert DBTaskResult.objects.get().status == "RUNNING"
    assert run_owed_jobs() == 1
    row = DBTaskResult.objects.get()
    assert (row.status, len(row.worker_ids), CALLS) == ("SUCCESSFUL", 2, ["owed"])


@pytest.mark.django_db
def test_a_job_claimed_by_a_live_worker_is_left_alone():
    enqueue(note, text="busy")
    DBTaskResult.objects.get().claim(jobs.this_worker_id())
    assert jobs.recover_abandoned() == 0
    assert run_owed_jobs() == 0
    assert CALLS == []


@pytest.mark.django_db
def test_a_failed_job_is_retried_and_a_job_that_keeps_failing_is_reported(capsys):
    enqueue(fail_until_third, text="x")
    assert run_owed_jobs() == 3
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    CALLS.clear()
    enqueue(always_fails)
    with pytest.raises(jobs.JobFailed, match="broken for good"):
        run_owed_jobs()
    assert len(CALLS) == jobs.MAX_ATTEMPTS
    failed = DBTaskResult.objects.get(status="FAILED")
    assert len(failed.worker_ids) == jobs.MAX_ATTEMPTS
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "tests.core.test_jobs.always_fails FAILED" in out and "after 5 runs" in out
    assert main(["worker", "--retry-failed", "--once"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "failed jobs put back in the queue: 1",
        "jobs run: 5",
    ]


@pytest.mark.django_db
def test_check_reports_owed_work_older_than_the_threshold(capsys):
    enqueue(note, text="late")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=20))
    capsys.readouterr()
    assert main(["check", "--older-than", "30"]) == 0
    assert capsys.readouterr().out == "check ok: no work owed for more than 30 minutes\n"
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "owed: job" in out and "tests.core.test_jobs.note READY since" in out
    run_owed_jobs()
    assert main(["check"]) == 0


@pytest.mark.django_db
def test_check_names_results_no_job_will_repair(demo_units, binzhou, system_actor, capsys):
    from pingan.reporting.bulk_load import import_figures

    rows = quarter_rows(binzhou, ["2026-04", "2026-05", "2026-06"])
    import_figures(actor=system_actor, data=figures_csv(rows), approve=True, reason="history")
    capsys.readouterr()
    assert main(["check", "--older-than", "60"]) == 0
    DBTaskResult.objects.all().delete()
    assert main(["check", "--older-than", "60"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "lost: the results of 2026Q2 differ from their inputs and no job is owed"
    )
    assert main(["compute"]) == 0
    assert main(["check", "--older-than", "60"]) == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_beside_the_web_server_does_owed_work(settings, monkeypatch):
    import time

    settings.PINGAN_SCHEDULE = {}
    enqueue(note, text="in the background")
    deadline = time.monotonic() + 60
    closed: list[bool] = []
    real_close_all = jobs.connections.close_all
    monkeypatch.setattr(
        jobs.connections,
        "close_all",
        lambda: (
            closed.append(threading.current_thread().name == "pingan-worker") or real_close_all()
        ),
    )
    with jobs.worker_thread(interval=0.05):
        while (
            time.monotonic() < deadline
            and not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
        ):
            time.sleep(0.05)
    assert CALLS == ["in the background"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # Leaving the block waited for the thread, which closed its own connections.
    assert [t.name for t in threading.enumerate() if t.name == "pingan-worker"] == []
    assert closed == [True]
