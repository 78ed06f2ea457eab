"""Jobs of the matters app, run by the job worker (see `pingan.core.jobs`)."""

from __future__ import annotations

from pingan.core.access.actor import job_actor
from pingan.core.jobs import task
from pingan.matters.actions.deadlines import tick as run_tick


@task()
def tick() -> dict[str, object]:
    """The periodic matters job: overdue flags, reminders, escalation, daily summary, retention."""
    result = run_tick(actor=job_actor("matters-tick"))
    return {
        "overdue": result.overdue,
        "reminders": result.reminders,
        "escalations": result.escalations,
        "summary": result.summary,
        "erased": result.erased,
    }
