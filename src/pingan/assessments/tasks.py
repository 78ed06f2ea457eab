"""Jobs of the assessments app, run by the job worker (see `pingan.core.jobs`)."""

from __future__ import annotations

from pingan.assessments.actions.follow_up import tick as run_tick
from pingan.core.access.actor import job_actor
from pingan.core.jobs import task


@task()
def tick() -> dict[str, object]:
    """The daily follow-up of measures: reminders before deadlines, escalation of overdue ones."""
    result = run_tick(actor=job_actor("assessments-tick"))
    return {"reminders": result.reminders, "escalations": result.escalations}
