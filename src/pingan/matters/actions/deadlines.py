"""Deadlines: overdue flags, reminders, escalation to the leadership, and the periodic job running them."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment, User
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core import events
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.matters.actions.common import current, local_date
from pingan.matters.actions.personal_data import purge_personal_data
from pingan.matters.actions.summaries import summary_if_due
from pingan.matters.models import Matter, Notice, Status
from pingan.matters.workdays import add_working_days


def flag_overdue(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Set the overdue flag of open matters past their sign-for or handling deadline; clear it otherwise."""
    require(actor, "matters.jobs")
    today = local_date(current(now))
    late = Q(
        handle_due__lt=today,
        status__in=[Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.FEEDBACK],
    ) | Q(sign_due__lt=today, status=Status.DISPATCHED)
    with transaction.atomic():
        newly = list(Matter.objects.filter(late, overdue=False).values_list("pk", flat=True))
        Matter.objects.filter(pk__in=newly).update(overdue=True)
        Matter.objects.filter(overdue=True).exclude(late).update(overdue=False)
        if newly:
            record_event(
                actor=actor,
                event=Event.MATTERS_MATTER_FLAG_OVERDUE,
                object_type="matters.matter",
                detail={"ids": newly},
            )
    return len(newly)


def send_reminders(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remind the named handler of every matter due within one working day (once per deadline)."""
    require(actor, "matters.jobs")
    now = current(now)
    soon = add_working_days(local_date(now), 1)
    candidates = Matter.objects.filter(
        status__in=[Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS],
        handle_due__lte=soon,
        handler__isnull=False,
    ).exclude(notices__kind=Notice.REMINDER, notices__due=F("handle_due"))
    return _notify(actor, candidates, Notice.REMINDER, now)


def escalate_overdue(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Tell the leadership about every overdue matter (once per deadline)."""
    require(actor, "matters.jobs")
    now = current(now)
    candidates = Matter.objects.filter(overdue=True).exclude(
        notices__kind=Notice.ESCALATION, notices__due=F("handle_due")
    )
    return _notify(actor, candidates, Notice.ESCALATION, now)


def _notify(actor: Actor, candidates: Any, kind: str, now: dt.datetime) -> int:
    count = 0
    for matter in candidates.filter(handle_due__isnull=False):
        with transaction.atomic():
            Notice.objects.create(
                matter=matter,
                kind=kind,
                due=matter.handle_due,
                created_at=now,
                recipient=matter.handler if kind == Notice.REMINDER else None,
                recipient_role="" if kind == Notice.REMINDER else Role.LEADER,
            )
            field = "reminded_at" if kind == Notice.REMINDER else "escalated_at"
            Matter.objects.filter(pk=matter.pk).update(**{field: now})
            record_event(
                actor=actor,
                event=(
                    Event.MATTERS_MATTER_REMIND
                    if kind == Notice.REMINDER
                    else Event.MATTERS_MATTER_ESCALATE
                ),
                obj=matter,
                detail={"due": str(matter.handle_due)},
            )
            addresses = _notice_addresses(matter, kind)
            transaction.on_commit(functools.partial(_mail_notice, matter, kind, addresses))
        count += 1
    return count


def _notice_addresses(matter: Matter, kind: str) -> list[str]:
    if kind == Notice.REMINDER:
        users = [matter.handler] if matter.handler else []
    else:
        leader_ids = RoleAssignment.objects.filter(role=Role.LEADER).values_list(
            "user_id", flat=True
        )
        users = list(User.objects.filter(pk__in=leader_ids, is_active=True))
    return sorted({u.email for u in users if u is not None and u.email})


def _mail_notice(matter: Matter, kind: str, addresses: list[str]) -> None:
    """Send the notice by mail as well (matter number and deadline only, no personal data)."""
    if not addresses:
        return
    if kind == Notice.REMINDER:
        subject = _("Matter %(number)s is due on %(due)s") % {
            "number": matter.number,
            "due": matter.handle_due,
        }
    else:
        subject = _("Matter %(number)s is overdue (due %(due)s)") % {
            "number": matter.number,
            "due": matter.handle_due,
        }
    send_mail(subject, subject, None, addresses, fail_silently=True)


@dataclass(frozen=True)
class TickResult:
    """What one run of the periodic job did."""

    overdue: int
    reminders: int
    escalations: int
    summary: str
    erased: int


def tick(*, actor: Actor, now: dt.datetime | None = None) -> TickResult:
    """The periodic job: overdue flags, reminders, escalation, the daily summary and the retention purge."""
    require(actor, "matters.jobs")
    overdue = flag_overdue(actor=actor, now=now)
    reminders = send_reminders(actor=actor, now=now)
    escalations = escalate_overdue(actor=actor, now=now)
    summary = summary_if_due(actor=actor, now=now)
    erased = purge_personal_data(actor=actor, now=now)
    events.publish(events.MATTERS_TICKED, now=current(now))
    return TickResult(overdue, reminders, escalations, str(summary.day) if summary else "", erased)
