"""Deadline reminders: due soon (3 days before the deadline) and overdue, in the app and by email."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.models import RoleAssignment
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.reporting import deadlines
from pingan.reporting.models import Reminder, Status
from pingan.reporting.selectors import body_months, due_month

REMIND_DAYS_BEFORE = 3


def send_reminders(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remind body staff of the month due soon (3 days before the deadline) and everyone concerned once overdue.

    In-app reminders are created once per person, body, month and kind; email goes out too when
    SMTP is configured and the person has an address. Returns the number of new reminders.
    """
    require(actor, "reporting.remind")
    now = now or timezone.now()
    month = due_month(now)
    created = 0
    with transaction.atomic():
        for item in body_months([month], now=now):
            if item.status in (Status.APPROVED, Status.RECEIVED):
                continue
            roles: tuple[str, ...]
            if item.overdue:
                kind, roles = "overdue", ("clerk", "reviewer", "approver", "analyst", "office_head")
            elif item.deadline - now <= dt.timedelta(days=REMIND_DAYS_BEFORE):
                kind, roles = "due_soon", ("clerk", "reviewer", "approver")
            else:
                continue
            assignments = RoleAssignment.objects.filter(
                role__in=roles, user__is_active=True
            ).select_related("user")
            users = {a.user for a in assignments if a.body_id in (None, item.body.pk)}
            for user in sorted(users, key=lambda u: u.pk):
                reminder, new = Reminder.objects.get_or_create(
                    user=user, body=item.body, month=month, kind=kind
                )
                if not new:
                    continue
                created += 1
                if settings.EMAIL_HOST and user.email:
                    send_mail(
                        subject=_("pingan: figures of %(body)s for %(month)s")
                        % {"body": item.body.code, "month": month},
                        message=reminder_text(kind, item.body.code, month, item.deadline),
                        from_email=None,
                        recipient_list=[user.email],
                        fail_silently=True,
                    )
                    Reminder.objects.filter(pk=reminder.pk).update(emailed=True)
        record_event(
            actor=actor,
            event=Event.REPORTING_REMINDER_SEND,
            object_type="reporting.reminder",
            detail={"month": month, "created": created},
        )
    return created


def reminder_text(kind: str, body_code: str, month: str, deadline: dt.datetime) -> str:
    """The text of a reminder."""
    day = (deadline - dt.timedelta(seconds=1)).astimezone(deadlines.local_zone()).date().isoformat()
    if kind == "overdue":
        return _(
            "The figures of %(body)s for %(month)s were due by the end of %(day)s and are not approved yet."
        ) % {
            "body": body_code,
            "month": month,
            "day": day,
        }
    return _("The figures of %(body)s for %(month)s are due by the end of %(day)s.") % {
        "body": body_code,
        "month": month,
        "day": day,
    }
