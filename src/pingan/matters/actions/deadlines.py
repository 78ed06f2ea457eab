"""Deadlines: overdue flags, reminders, escalation up the unit tree office by office, and the
periodic job running them."""

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
from pingan.units.tree import ancestors_of


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
    """Escalate every overdue matter up its unit's tree, once per office and deadline.

    The office of the responsible unit's parent hears of it at once; for each working day the
    matter stays overdue after that, the office one level further up (village → township →
    county → city …, at any depth), up to the top. Returns how many notices were made.
    """
    require(actor, "matters.jobs")
    now = current(now)
    matters = list(Matter.objects.filter(overdue=True, handle_due__isnull=False).order_by("pk"))
    chains = ancestors_of(m.responsible_unit_id or m.place_unit_id for m in matters)
    sent = _escalations_sent(matters)
    count = 0
    for matter in matters:
        ladder = chains.get(matter.responsible_unit_id or matter.place_unit_id) or (None,)
        already = sent.get(matter.pk, {})
        first = min(already.values(), default=local_date(now))
        for unit_id in _offices_reached(ladder, first, local_date(now)):
            if unit_id not in already:
                _escalate(actor, matter, unit_id, unit_id == ladder[-1], now)
                count += 1
    return count


def _escalations_sent(matters: list[Matter]) -> dict[int, dict[int | None, dt.date]]:
    """Per matter, the offices its current deadline was escalated to, with the day of each."""
    sent: dict[int, dict[int | None, dt.date]] = {}
    due = {m.pk: m.handle_due for m in matters}
    rows = Notice.objects.filter(kind=Notice.ESCALATION, matter_id__in=list(due)).values_list(
        "matter_id", "unit_id", "due", "created_at"
    )
    for matter_id, unit_id, notice_due, created_at in rows:
        if notice_due == due[matter_id]:
            sent.setdefault(matter_id, {})[unit_id] = local_date(created_at)
    return sent


def _offices_reached(
    ladder: tuple[int | None, ...], first: dt.date, today: dt.date
) -> tuple[int | None, ...]:
    """The offices of the ladder an escalation first made on `first` has reached by `today`:
    the first at once, one more for each working day since."""
    reached = 1
    while reached < len(ladder) and add_working_days(first, reached) <= today:
        reached += 1
    return ladder[:reached]


def _escalate(
    actor: Actor, matter: Matter, unit_id: int | None, top: bool, now: dt.datetime
) -> None:
    """One escalation notice to the office of `unit_id`, audited, mailed after the commit."""
    assert matter.handle_due is not None  # only matters with a deadline are escalated
    with transaction.atomic():
        Notice.objects.create(
            matter=matter,
            kind=Notice.ESCALATION,
            due=matter.handle_due,
            created_at=now,
            recipient=None,
            recipient_role=Role.LEADER,
            unit_id=unit_id,
        )
        Matter.objects.filter(pk=matter.pk).update(escalated_at=now)
        record_event(
            actor=actor,
            event=Event.MATTERS_MATTER_ESCALATE,
            obj=matter,
            detail={"due": str(matter.handle_due), "office_unit": unit_id},
        )
        addresses = _office_addresses(unit_id, top)
        transaction.on_commit(functools.partial(_mail_notice, matter, Notice.ESCALATION, addresses))


def _office_addresses(unit_id: int | None, top: bool) -> list[str]:
    """Mail addresses of the leaders and office heads granted at the unit; at the top of the
    ladder also of those holding the role without a unit (the top office)."""
    roles = [Role.LEADER, Role.OFFICE_HEAD] if unit_id is not None else [Role.LEADER]
    here = Q(unit_id=unit_id, role__in=roles) if unit_id is not None else Q(pk__in=[])
    if top:
        here |= Q(role=Role.LEADER, unit__isnull=True)
    user_ids = RoleAssignment.objects.filter(here).values_list("user_id", flat=True)
    users = User.objects.filter(pk__in=user_ids, is_active=True)
    return sorted({u.email for u in users if u.email})


def _notify(actor: Actor, candidates: Any, kind: str, now: dt.datetime) -> int:
    """A reminder to the named handler of each candidate matter, audited, mailed after the commit."""
    count = 0
    for matter in candidates.filter(handle_due__isnull=False):
        with transaction.atomic():
            Notice.objects.create(
                matter=matter,
                kind=kind,
                due=matter.handle_due,
                created_at=now,
                recipient=matter.handler,
                recipient_role="",
            )
            Matter.objects.filter(pk=matter.pk).update(reminded_at=now)
            record_event(
                actor=actor,
                event=Event.MATTERS_MATTER_REMIND,
                obj=matter,
                detail={"due": str(matter.handle_due)},
            )
            handler = matter.handler
            addresses = [handler.email] if handler is not None and handler.email else []
            transaction.on_commit(functools.partial(_mail_notice, matter, kind, addresses))
        count += 1
    return count


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
