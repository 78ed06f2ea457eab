"""The centre's daily work summary."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.matters.actions.common import current, policy
from pingan.matters.models import DailySummary
from pingan.matters.statistics import daily_summary_content


def generate_daily_summary(
    *, actor: Actor, day: dt.date, now: dt.datetime | None = None
) -> DailySummary:
    """Generate (or regenerate) the centre's daily work summary for `day` (also run by the job)."""
    if not can(actor, "matters.jobs"):
        require(actor, "matters.summary")

    content = daily_summary_content(day)
    with transaction.atomic():
        summary, _created = DailySummary.objects.update_or_create(
            day=day, defaults={"generated_at": current(now), "content": content}
        )
        record_event(
            actor=actor, event=Event.MATTERS_SUMMARY_GENERATE, obj=summary, detail={"day": str(day)}
        )
    return summary


def summary_if_due(*, actor: Actor, now: dt.datetime | None = None) -> DailySummary | None:
    """Generate today's summary once the configured time has passed (and only once)."""
    local = timezone.localtime(current(now))
    if (
        local.time() < policy().summary_time
        or DailySummary.objects.filter(day=local.date()).exists()
    ):
        return None
    return generate_daily_summary(actor=actor, day=local.date(), now=now)
