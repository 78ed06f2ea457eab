"""The follow-up job: a reminder before a measure's deadline, an escalation once it has passed undone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pingan.assessments.config import load_rules
from pingan.assessments.models import Measure, Notice, Status
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require


@dataclass(frozen=True)
class TickResult:
    """What one run of the follow-up job did."""

    reminders: int
    escalations: int


def followed_measures() -> QuerySet[Measure]:
    """Open measures of the current version of every implemented or postponed decision."""
    return Measure.objects.filter(
        assessment__status=Status.CONCLUDED,
        assessment__conclusion__in=["implement", "postpone"],
        assessment__next_version__isnull=True,
        completion__isnull=True,
    ).select_related("assessment")


def tick(*, actor: Actor, now: dt.datetime | None = None) -> TickResult:
    """Remind of measures due within `remind_days`, escalate those overdue; each once per deadline."""
    require(actor, "assessments.jobs")
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = today + dt.timedelta(days=load_rules().remind_days)
    measures = followed_measures()
    reminders = _notify(
        actor, measures.filter(due_on__gte=today, due_on__lte=soon), Notice.REMINDER, now
    )
    escalations = _notify(actor, measures.filter(due_on__lt=today), Notice.ESCALATION, now)
    return TickResult(reminders, escalations)


def _notify(actor: Actor, measures: QuerySet[Measure], kind: str, now: dt.datetime) -> int:
    count = 0
    for measure in measures.exclude(notices__kind=kind):
        with transaction.atomic():
            Notice.objects.create(measure=measure, kind=kind, due=measure.due_on, created_at=now)
            record_event(
                actor=actor,
                event=Event.ASSESSMENTS_MEASURE_REMIND
                if kind == Notice.REMINDER
                else Event.ASSESSMENTS_MEASURE_ESCALATE,
                obj=measure.assessment,
                detail={"measure": measure.pk, "due": str(measure.due_on)},
            )
        count += 1
    return count
