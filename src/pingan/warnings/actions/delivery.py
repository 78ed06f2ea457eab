"""Delivering a warning at once to its unit and the stability office, and escalating it when
nobody acknowledged it in time (as overdue matters are escalated to the leadership)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment, User
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.units.models import OrgUnit
from pingan.warnings.actions.common import current, log_step
from pingan.warnings.config import current_rules
from pingan.warnings.models import Status, Warning, WarningNotice

OFFICE_ROLES = (Role.ANALYST, Role.OFFICE_HEAD)


def delivery_plan(
    fresh: list[Warning], now: dt.datetime
) -> dict[int, tuple[list[WarningNotice], dict[str, str]]]:
    """Deliver new (unsaved) warnings: set each one delivered with its acknowledgement deadline
    (the scheme's hours for its level) and give, by `id()` of the warning, its two in-app notices
    (the unit's viewers, the office) and the detail of its delivery step."""
    hours = current_rules().acknowledge_hours
    plan: dict[int, tuple[list[WarningNotice], dict[str, str]]] = {}
    for warning in fresh:
        due = now + dt.timedelta(hours=hours[warning.level])
        warning.status, warning.delivered_at, warning.acknowledge_due = (
            Status.DELIVERED, now, due,
        )  # fmt: skip
        notices = [
            WarningNotice(warning=warning, kind=WarningNotice.DELIVERY,
                          recipient_role=Role.UNIT_VIEWER, unit_id=warning.unit_id, created_at=now),
            WarningNotice(warning=warning, kind=WarningNotice.DELIVERY,
                          recipient_role=Role.ANALYST, created_at=now),
        ]  # fmt: skip
        plan[id(warning)] = (notices, {"acknowledge_due": due.isoformat()})
    return plan


def mail_after_commit(delivered: list[Warning]) -> None:
    """Mail each delivered warning, once the transaction commits, to the viewers of its unit, the
    analysts and the office head; three reads whatever the number of warnings. The mail tells
    the warning as delivered (later signals of the same transaction do not change it)."""
    if not delivered:
        return
    unit_ids = {w.unit_id for w in delivered}
    units = OrgUnit.objects.in_bulk(unit_ids)
    viewers: dict[int | None, list[str]] = {}
    for unit_id, email in _emails(
        RoleAssignment.objects.filter(role=Role.UNIT_VIEWER, unit_id__in=unit_ids)
    ):
        viewers.setdefault(unit_id, []).append(email)
    office = [
        email for _unit, email in _emails(RoleAssignment.objects.filter(role__in=OFFICE_ROLES))
    ]
    for warning in delivered:
        told = copy.copy(warning)
        told.unit = units[warning.unit_id]
        addresses = sorted(set(viewers.get(warning.unit_id, []) + office))
        transaction.on_commit(functools.partial(_mail, told, addresses, False))


def _emails(assignments: Any) -> list[tuple[int | None, str]]:
    """(unit id, e-mail) of the active users holding `assignments`, those with an address."""
    return [
        (unit_id, email)
        for unit_id, email, active in assignments.values_list(
            "unit_id", "user__email", "user__is_active"
        )
        if active and email
    ]


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
