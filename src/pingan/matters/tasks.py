"""Jobs of the matters app, run by the job worker (see `pingan.core.jobs`)."""

from __future__ import annotations

from pingan.core.jobs import task


@task()
def tick() -> dict[str, object]:
    """The periodic matters job: overdue flags, reminders, escalation, daily summary, retention."""
    from pingan.accounts.actor import job_actor
    from pingan.matters.services import tick as run_tick

    result = run_tick(actor=job_actor("matters-tick"))
    return {
        "overdue": result.overdue,
        "reminders": result.reminders,
        "escalations": result.escalations,
        "summary": result.summary,
        "erased": result.erased,
    }
