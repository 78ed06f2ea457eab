"""Delivering a warning at once to its unit and the stability office, and escalating it when
nobody acknowledged it in time (as overdue matters are escalated to the leadership)."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment, User
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.warnings.actions.common import current, log_step, move
from pingan.warnings.config import acknowledge_hours
from pingan.warnings.models import Status, Warning, WarningNotice

OFFICE_ROLES = (Role.ANALYST, Role.OFFICE_HEAD)


def deliver(*, actor: Actor, warning_id: int, now: dt.datetime | None = None) -> Warning:
    """Deliver a raised warning: in-app notices and mail to the unit's viewers and the office.

    Sets the acknowledgement deadline from the level (the scheme's hours per level).
    """
    require(actor, "warnings.raise")
    now = current(now)
    with transaction.atomic():
        warning = Warning.objects.select_related("unit").get(pk=warning_id)
        due = now + dt.timedelta(hours=acknowledge_hours(warning.level))
        move(
            warning.pk,
            (Status.RAISED,),
            status=Status.DELIVERED,
            delivered_at=now,
            acknowledge_due=due,
        )
        WarningNotice.objects.create(
            warning=warning,
            kind=WarningNotice.DELIVERY,
            recipient_role=Role.UNIT_VIEWER,
            unit=warning.unit,
            created_at=now,
        )
        WarningNotice.objects.create(
            warning=warning,
            kind=WarningNotice.DELIVERY,
            recipient_role=Role.ANALYST,
            created_at=now,
        )
        log_step(
            actor,
            warning,
            "deliver",
            Status.RAISED,
            Status.DELIVERED,
            now=now,
            detail={"acknowledge_due": due.isoformat()},
        )
        addresses = _addresses(
            RoleAssignment.objects.filter(role=Role.UNIT_VIEWER, unit_id=warning.unit_id)
        ) + _addresses(RoleAssignment.objects.filter(role__in=OFFICE_ROLES))
        transaction.on_commit(functools.partial(_mail, warning, sorted(set(addresses)), False))
    warning.refresh_from_db()
    return warning


def escalate_overdue(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Tell the leadership and the office head of every delivered warning past its acknowledgement
    deadline (once per warning); returns how many were escalated."""
    require(actor, "warnings.raise")
    now = current(now)
    late = Warning.objects.filter(
        status=Status.DELIVERED, acknowledge_due__lt=now, escalated_at__isnull=True
    ).select_related("unit")
    count = 0
    for warning in late:
        with transaction.atomic():
            done = Warning.objects.filter(
                pk=warning.pk, status=Status.DELIVERED, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not done:
                continue
            WarningNotice.objects.create(
                warning=warning,
                kind=WarningNotice.ESCALATION,
                recipient_role=Role.LEADER,
                created_at=now,
            )
            log_step(
                actor,
                warning,
                "escalate",
                Status.DELIVERED,
                Status.DELIVERED,
                now=now,
                detail={
                    "acknowledge_due": warning.acknowledge_due.isoformat()
                    if warning.acknowledge_due
                    else ""
                },
            )
            addresses = _addresses(
                RoleAssignment.objects.filter(role__in=(Role.LEADER, Role.OFFICE_HEAD))
            )
            transaction.on_commit(functools.partial(_mail, warning, sorted(set(addresses)), True))
        count += 1
    return count


def _addresses(assignments: object) -> list[str]:
    users = User.objects.filter(
        pk__in=assignments.values_list("user_id", flat=True),  # type: ignore[attr-defined]
        is_active=True,
    )
    return [u.email for u in users if u.email]


def _mail(warning: Warning, addresses: list[str], escalation: bool) -> None:
    """Send the notice by mail: level, unit, series and period, nothing about any person."""
    if not addresses:
        return
    values = {
        "level": warning.get_level_display(),
        "unit": warning.unit.name_zh,
        "series": warning.series_key,
        "period": warning.period,
    }
    if escalation:
        subject = (
            _("Warning not acknowledged in time: %(level)s, %(unit)s, %(series)s, %(period)s")
            % values
        )
    else:
        subject = _("Warning: %(level)s, %(unit)s, %(series)s, %(period)s") % values
    send_mail(subject, subject, None, addresses, fail_silently=True)
