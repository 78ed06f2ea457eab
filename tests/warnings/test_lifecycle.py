"""A warning's lifecycle: raised and delivered, one open per series, acknowledged, answered, closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from pingan.audit.models import AuditRecord
from pingan.core.access.actor import job_actor
from pingan.core.problems import InputRefused
from pingan.warnings.actions.delivery import escalate_overdue
from pingan.warnings.actions.lifecycle import acknowledge, close, respond
from pingan.warnings.models import Warning, WarningNotice, WarningSignal, WarningStep

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_signal_raises_and_delivers_at_once(people, signal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        warning, created = signal(level="orange")
    assert created
    assert warning.status == "delivered"
    assert warning.acknowledge_due == at("2026-10-06", 22)  # orange: 12 hours
    assert list(warning.steps.values_list("kind", "from_status", "to_status")) == [
        ("raise", "", "raised"),
        ("deliver", "raised", "delivered"),
    ]
    assert sorted(WarningNotice.objects.values_list("kind", "recipient_role")) == [
        ("delivery", "analyst"),
        ("delivery", "unit_viewer"),
    ]
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == [
        "analyst@example.org",
        "head@example.org",
        "viewer@example.org",
    ]
    assert list(
        AuditRecord.objects.filter(event__startswith="warnings.").values_list("event", flat=True)
    ) == ["warnings.warning.raise", "warnings.warning.deliver"]


def test_later_signals_attach_to_the_open_warning_and_raise_its_level(people, signal):
    first, _ = signal(period="2026-08", level="yellow")
    second, created = signal(period="2026-09", level="red", now=at("2026-10-07"))
    again, created_again = signal(period="2026-09", level="red", now=at("2026-10-08"))
    assert (created, created_again) == (False, False)
    assert second.pk == first.pk == again.pk
    assert second.level == "red"
    assert list(first.signals.values_list("period", "level")) == [
        ("2026-08", "yellow"),
        ("2026-09", "red"),
    ]
    assert Warning.objects.count() == 1
    other, created_other = signal(series_key="criminal")
    assert created_other and other.pk != first.pk


def test_one_open_warning_per_series_in_the_database(people, signal):
    warning, _ = signal()
    with pytest.raises(IntegrityError), transaction.atomic():
        Warning.objects.create(
            source=warning.source,
            unit_id=warning.unit_id,
            series_key=warning.series_key,
            period="2026-10",
            level="yellow",
            observed=1,
            raised_at=at("2026-11-01"),
        )


def test_walk_to_closed_with_a_verdict(people, signal):
    warning, _ = signal()
    _v, viewer = people["viewer"]
    _a, analyst = people["analyst"]
    acknowledge(actor=viewer, warning_id=warning.pk, now=at("2026-10-06", 11))
    respond(actor=viewer, warning_id=warning.pk, measures="走访调处", now=at("2026-10-07"))
    respond(actor=analyst, warning_id=warning.pk, measures="督办", now=at("2026-10-08"))
    closed = close(
        actor=analyst, warning_id=warning.pk, verdict="confirmed", note="属实", now=at("2026-10-09")
    )
    assert (closed.status, closed.verdict, closed.closed) == ("closed", "confirmed", True)
    assert closed.response == "走访调处\n\n督办"
    assert [s.kind for s in WarningStep.objects.filter(warning=warning)] == [
        "raise",
        "deliver",
        "acknowledge",
        "respond",
        "respond",
        "close",
    ]
    # A new signal on the series after the close opens a new warning.
    fresh, created = signal(period="2026-10", now=at("2026-11-06"))
    assert created and fresh.pk != warning.pk


def test_steps_out_of_order_are_refused_and_write_nothing(people, signal):
    warning, _ = signal()
    _a, analyst = people["analyst"]
    with pytest.raises(InputRefused, match="changed meanwhile"):
        close(actor=analyst, warning_id=warning.pk, verdict="confirmed")
    with pytest.raises(InputRefused, match="changed meanwhile"):
        respond(actor=analyst, warning_id=warning.pk, measures="x")
    with pytest.raises(InputRefused, match="choose a verdict"):
        close(actor=analyst, warning_id=warning.pk, verdict="maybe")
    with pytest.raises(InputRefused, match="required"):
        respond(actor=analyst, warning_id=warning.pk, measures="  ")
    assert WarningStep.objects.filter(warning=warning).count() == 2


def test_scope_and_roles(people, signal):
    warning, _ = signal(unit="BZ01")
    with pytest.raises(PermissionDenied):
        acknowledge(actor=people["other"][1], warning_id=warning.pk)
    with pytest.raises(PermissionDenied):
        acknowledge(actor=people["leader"][1], warning_id=warning.pk)
    acknowledge(actor=people["viewer"][1], warning_id=warning.pk)
    respond(actor=people["viewer"][1], warning_id=warning.pk, measures="x")
    with pytest.raises(PermissionDenied):
        close(actor=people["viewer"][1], warning_id=warning.pk, verdict="confirmed")


def test_unacknowledged_warnings_escalate_once(people, signal, django_capture_on_commit_callbacks):
    warning, _ = signal(level="red")  # due 2 hours after 10:00
    assert escalate_overdue(actor=job_actor("warnings"), now=at("2026-10-06", 11)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue(actor=job_actor("warnings"), now=at("2026-10-06", 13)) == 1
    assert escalate_overdue(actor=job_actor("warnings"), now=at("2026-10-06", 14)) == 0
    warning.refresh_from_db()
    assert warning.escalated_at == at("2026-10-06", 13)
    assert (
        WarningNotice.objects.filter(kind="escalation").values_list("recipient_role", flat=True)[0]
        == "leader"
    )
    assert sorted(mail.outbox[0].to) == ["head@example.org", "leader@example.org"]
    acknowledge(actor=people["viewer"][1], warning_id=warning.pk, now=at("2026-10-06", 15))
    assert AuditRecord.objects.filter(event="warnings.warning.acknowledge").get().detail == {
        "from": "delivered",
        "to": "acknowledged",
        "late": True,
    }


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(Exception, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_closed_warnings_and_their_history_are_immutable(people, signal):
    warning, _ = signal()
    acknowledge(actor=people["viewer"][1], warning_id=warning.pk)
    # An open warning may still change (its level rises, its status moves).
    Warning.objects.filter(pk=warning.pk).update(level="orange")
    respond(actor=people["viewer"][1], warning_id=warning.pk, measures="x")
    close(actor=people["analyst"][1], warning_id=warning.pk, verdict="false_alarm")
    _refused("UPDATE warnings_warning SET level = 'red' WHERE id = %s", [warning.pk])
    _refused("UPDATE warnings_warning SET closed = %s WHERE id = %s", [False, warning.pk])
    _refused("DELETE FROM warnings_warning WHERE id = %s", [warning.pk])
    _refused("UPDATE warnings_warningsignal SET observed = 0 WHERE warning_id = %s", [warning.pk])
    _refused("DELETE FROM warnings_warningstep WHERE warning_id = %s", [warning.pk])
    _refused("DELETE FROM warnings_warningnotice WHERE warning_id = %s", [warning.pk])
    assert WarningSignal.objects.filter(warning=warning).count() == 1
    assert Warning.objects.get(pk=warning.pk).level == "orange"


def test_acknowledge_deadline_by_level(people, signal):
    yellow, _ = signal(level="yellow", series_key="a")
    red, _ = signal(level="red", series_key="b")
    assert yellow.acknowledge_due - yellow.delivered_at == dt.timedelta(hours=48)
    assert red.acknowledge_due - red.delivered_at == dt.timedelta(hours=2)
