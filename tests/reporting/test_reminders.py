"""Reminders: due soon (3 days before the deadline) to body staff, overdue to everyone concerned, once each."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail

from pingan.core.access.actor import job_actor
from pingan.reporting import reminders
from pingan.reporting.models import Reminder

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_reminders_before_the_deadline_and_when_overdue(staff, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    clerk = staff["clerk"].user
    clerk.email = "clerk@example.org"
    clerk.save()
    actor = job_actor("test")
    assert (
        reminders.send_reminders(actor=actor, now=dt.datetime(2026, 10, 1, 9, tzinfo=SHANGHAI)) == 0
    )
    assert (
        reminders.send_reminders(actor=actor, now=dt.datetime(2026, 10, 3, 9, tzinfo=SHANGHAI)) == 4
    )
    assert (
        reminders.send_reminders(actor=actor, now=dt.datetime(2026, 10, 4, 9, tzinfo=SHANGHAI)) == 0
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["clerk@example.org"]
    assert (
        reminders.send_reminders(actor=actor, now=dt.datetime(2026, 10, 6, 9, tzinfo=SHANGHAI))
        == 14
    )
    assert Reminder.objects.filter(user=clerk).count() == 2
    assert Reminder.objects.filter(user=staff["analyst"].user, kind="overdue").count() == 10
