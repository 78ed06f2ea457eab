"""The unit and the office work a delivered warning: acknowledge, respond, close with a verdict."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor
from pingan.core.problems import InputRefused, Problem
from pingan.units.selectors import require_unit_in_scope
from pingan.warnings.actions.common import current, log_step, move, required_text
from pingan.warnings.models import Status, Verdict, Warning


def _warning_in_scope(actor: Actor, action: str, warning_id: int) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning_id)
    require_unit_in_scope(actor=actor, action=action, unit_id=warning.unit_id)
    return warning


def acknowledge(*, actor: Actor, warning_id: int, now: dt.datetime | None = None) -> Warning:
    """The unit (or the office) acknowledges a delivered warning."""
    now = current(now)
    with transaction.atomic():
        warning = _warning_in_scope(actor, "warnings.acknowledge", warning_id)
        move(warning.pk, (Status.DELIVERED,), status=Status.ACKNOWLEDGED, acknowledged_at=now)
        late = warning.acknowledge_due is not None and now > warning.acknowledge_due
        log_step(
            actor,
            warning,
            "acknowledge",
            Status.DELIVERED,
            Status.ACKNOWLEDGED,
            now=now,
            detail={"late": late},
        )
    warning.refresh_from_db()
    return warning


def respond(
    *, actor: Actor, warning_id: int, measures: str, now: dt.datetime | None = None
) -> Warning:
    """Record the measures taken on an acknowledged warning (again later to add to them)."""
    now = current(now)
    measures = required_text(measures, "measures")
    with transaction.atomic():
        warning = _warning_in_scope(actor, "warnings.respond", warning_id)
        text = measures if not warning.response else warning.response + "\n\n" + measures
        move(
            warning.pk,
            (Status.ACKNOWLEDGED, Status.RESPONDED),
            status=Status.RESPONDED,
            responded_at=now,
            response=text,
        )
        log_step(
            actor, warning, "respond", warning.status, Status.RESPONDED, now=now, note=measures
        )
    warning.refresh_from_db()
    return warning


def close(
    *,
    actor: Actor,
    warning_id: int,
    verdict: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Warning:
    """The office closes a warning whose response is recorded, with its verdict; then it never changes."""
    now = current(now)
    if verdict not in Verdict.values:
        raise InputRefused([Problem(None, "verdict", _("choose a verdict"))])
    note = (note or "").strip()
    if len(note) > 4000:
        raise InputRefused([Problem(None, "note", _("at most %(n)s characters") % {"n": 4000})])
    with transaction.atomic():
        warning = _warning_in_scope(actor, "warnings.close", warning_id)
        log_step(
            actor,
            warning,
            "close",
            warning.status,
            Status.CLOSED,
            now=now,
            note=note,
            detail={"verdict": verdict},
        )
        move(
            warning.pk,
            (Status.RESPONDED,),
            status=Status.CLOSED,
            verdict=verdict,
            closing_note=note,
            closed_at=now,
            closed=True,
        )
    warning.refresh_from_db()
    return warning
