"""Helpers every matters action shares: the clock, the settings row, the timeline and audit entry of a step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.problems import InputRefused, Problem
from pingan.matters.models import (
    Matter,
    MatterEvent,
    Policy,
)
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_unit_in_scope

MAX_TEXT = 4000  # most characters of a description or of a feedback account

# The audit event of each step of a matter's timeline (MatterEvent.kind).
STEP_EVENTS: dict[str, Event] = {
    "intake": Event.MATTERS_MATTER_INTAKE,
    "dispatch": Event.MATTERS_MATTER_DISPATCH,
    "redispatch": Event.MATTERS_MATTER_REDISPATCH,
    "raise_level": Event.MATTERS_MATTER_RAISE_LEVEL,
    "sign": Event.MATTERS_MATTER_SIGN,
    "start": Event.MATTERS_MATTER_START,
    "feedback": Event.MATTERS_MATTER_FEEDBACK,
    "return": Event.MATTERS_MATTER_RETURN,
    "accept": Event.MATTERS_MATTER_ACCEPT,
    "send_back": Event.MATTERS_MATTER_SEND_BACK,
    "follow_up": Event.MATTERS_MATTER_FOLLOW_UP,
    "archive": Event.MATTERS_MATTER_ARCHIVE,
    "reject": Event.MATTERS_MATTER_REJECT,
    "merge": Event.MATTERS_MATTER_MERGE,
    "merged_in": Event.MATTERS_MATTER_MERGED_IN,
    "note": Event.MATTERS_MATTER_NOTE,
}


def current(now: dt.datetime | None) -> dt.datetime:
    """`now` when a caller (a test, the periodic job) gives one, else the current time."""
    return now or timezone.now()


def local_date(moment: dt.datetime) -> dt.date:
    """The local (configured time zone) date of a moment."""
    return timezone.localtime(moment).date()


def policy() -> Policy:
    """The settings row (created with its defaults when missing)."""
    return Policy.objects.get_or_create(pk=1)[0]


def log_step(
    actor: Actor,
    matter: Matter,
    kind: str,
    from_status: str,
    to_status: str,
    *,
    now: dt.datetime,
    note: str = "",
    unit: OrgUnit | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add a step to the matter's timeline and its audit record (the event of STEP_EVENTS)."""
    MatterEvent.objects.create(
        matter=matter,
        at=now,
        kind=kind,
        actor=actor.user,
        from_status=from_status,
        to_status=to_status,
        unit=unit,
        note=note,
    )
    record_event(
        actor=actor,
        event=STEP_EVENTS[kind],
        obj=matter,
        detail={
            "from": from_status,
            "to": to_status,
            "unit": unit.pk if unit else None,
            **(detail or {}),
        },
    )


def required_reason(reason: str, column: str = "reason") -> str:
    """The stripped reason; refused when empty or longer than 300 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise InputRefused([Problem(None, column, _("a reason is required"))])
    if len(reason) > 300:
        raise InputRefused([Problem(None, column, _("at most %(n)s characters") % {"n": 300})])
    return reason


def require_handler_of(actor: Actor, matter: Matter) -> None:
    """The actor must handle matters for the responsible unit (or one of its parents)."""
    if matter.responsible_unit_id is None:
        raise PermissionDenied(_("This matter is not with your unit."))
    require_unit_in_scope(actor=actor, action="matters.handle", unit_id=matter.responsible_unit_id)
