"""The centre's daily work summary."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.core.problems import InputRefused, Problem
from pingan.matters.actions.common import current, local_date, policy
from pingan.matters.models import DailySummary
from pingan.matters.statistics import daily_summary_content


def generate_daily_summary(
    *, actor: Actor, day: dt.date, now: dt.datetime | None = None
) -> DailySummary:
    """Generate (or regenerate) the centre's daily work summary for `day` (also run by the job).

    Only a day that has ended has a summary: today and later days are refused.
    """
    if not can(actor, "matters.jobs"):
        require(actor, "matters.summary")
    today = local_date(current(now))
    if day >= today:
        raise InputRefused(
            [
                Problem(
                    None,
                    None,
                    _(
                        "The summary of %(day)s cannot be made yet: only a day that has ended "
                        "has a summary (the latest is %(latest)s)."
                    )
                    % {
                        "day": day.isoformat(),
                        "latest": (today - dt.timedelta(days=1)).isoformat(),
                    },
                )
            ]
        )
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
    """Generate the summary of the day before once the configured time has passed (only once)."""
    local = timezone.localtime(current(now))
    day = local.date() - dt.timedelta(days=1)
    if local.time() < policy().summary_time or DailySummary.objects.filter(day=day).exists():
        return None
    return generate_daily_summary(actor=actor, day=day, now=now)
