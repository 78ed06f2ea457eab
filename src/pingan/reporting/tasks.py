"""Jobs of the reporting app, run by the job worker (see `pingan.core.jobs`)."""

from __future__ import annotations

from pingan.core.access.actor import job_actor
from pingan.core.jobs import task
from pingan.reporting.reminders import send_reminders


@task()
def remind() -> int:
    """The daily reporting job: due-soon and overdue reminders; the number of new ones."""
    return send_reminders(actor=job_actor("reporting.remind"))
