"""Jobs of the reporting app, run by the job worker (see `pingan.core.jobs`)."""

from __future__ import annotations

from pingan.core.jobs import task


@task()
def remind() -> int:
    """The daily reporting job: due-soon and overdue reminders; the number of new ones."""
    from pingan.accounts.actor import job_actor
    from pingan.reporting.reminders import send_reminders

    return send_reminders(actor=job_actor("reporting.remind"))
