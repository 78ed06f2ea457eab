"""Jobs of the warnings app, owed by other apps' events and run by the job worker.

Each scan is owed once: the matter scan and the index watch are keyed jobs (two ticks of one day,
a run stored twice, store one job), and the figures watch is merged (`owe_once`: several
approvals of the same months before the watch starts owe one scan). The scans themselves attach
repeated signals to the open warning of a series.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pingan.core.access.actor import job_actor
from pingan.core.jobs import enqueue, owe_once, task


@task()
def matters_scan(*, day: str) -> dict[str, object]:
    """The daily matter scan of `day` (YYYY-MM-DD)."""
    # local import: the detectors load when a scan runs, not when Django starts
    from pingan.warnings.watch_matters import scan_matters

    result = scan_matters(actor=job_actor("warnings"), day=dt.date.fromisoformat(day))
    return {"series": result.series, "signals": result.signals, "new": result.new_warnings}


@task()
def index_scan(*, run_id: int) -> int:
    """The index watch of a stored quarter's run (final quarters only)."""
    from pingan.warnings.watch_index import scan_index  # local import: as in matters_scan

    return scan_index(actor=job_actor("warnings"), run_id=run_id)


@task()
def figures_scan(*, months: list[str]) -> int:
    """The watch of approved monthly figures after `months` changed."""
    from pingan.warnings.watch_figures import scan_figures  # local import: as in matters_scan

    return scan_figures(actor=job_actor("warnings"), months=months)


@task()
def escalate() -> int:
    """Escalate delivered warnings whose acknowledgement is overdue."""
    from pingan.warnings.actions.delivery import escalate_overdue  # local import: as above

    return escalate_overdue(actor=job_actor("warnings"))


def matters_ticked(*, now: dt.datetime, **_payload: Any) -> None:
    """A matters tick: owe the scan of the day before (once per day) and the escalation check."""
    day = timezone.localtime(now).date() - dt.timedelta(days=1)
    enqueue(matters_scan, key="warnings.matters_scan.%s" % day, day=day.isoformat())
    enqueue(escalate, key="warnings.escalate.%s" % now.strftime("%Y%m%d%H%M"))


def scores_stored(*, run_id: int, **_payload: Any) -> None:
    """A quarter's scores were stored: owe the index watch of that run, due when the quarter is final.

    A provisional quarter is never watched: its job waits until the reporting deadline of the
    quarter's last month has passed.
    """
    from pingan.warnings.watch_index import final_from_run  # local import: as in matters_scan

    due = final_from_run(run_id)
    if due is None:
        return
    run_after = due if due > timezone.now() else None
    enqueue(index_scan, key="warnings.index_scan.%d" % run_id, run_after=run_after, run_id=run_id)


def figures_changed(*, months: list[str], **_payload: Any) -> None:
    """Approved figures of `months` changed: owe their watch (once while it has not started)."""
    if months:
        owe_once(figures_scan, months=sorted(set(months)))
