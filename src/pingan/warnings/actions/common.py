"""Helpers every warnings action shares: the clock, the history step, compare-and-set moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.problems import InputRefused, Problem
from pingan.warnings.models import Warning, WarningStep

MAX_TEXT = 4000  # most characters of a response, a note or a resolution

STEP_EVENTS: dict[str, Event] = {
    "raise": Event.WARNINGS_WARNING_RAISE,
    "signal": Event.WARNINGS_WARNING_SIGNAL,
    "deliver": Event.WARNINGS_WARNING_DELIVER,
    "acknowledge": Event.WARNINGS_WARNING_ACKNOWLEDGE,
    "escalate": Event.WARNINGS_WARNING_ESCALATE,
    "respond": Event.WARNINGS_WARNING_RESPOND,
    "close": Event.WARNINGS_WARNING_CLOSE,
}


def current(now: dt.datetime | None) -> dt.datetime:
    """`now` when a caller (a test, a job) gives one, else the current time."""
    return now or timezone.now()


def log_step(
    actor: Actor,
    warning: Warning,
    kind: str,
    from_status: str,
    to_status: str,
    *,
    now: dt.datetime,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add a step to the warning's history and its audit record (the event of STEP_EVENTS)."""
    WarningStep.objects.create(
        warning=warning,
        at=now,
        kind=kind,
        actor=actor.user,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    record_event(
        actor=actor,
        event=STEP_EVENTS[kind],
        obj=warning,
        detail={"from": from_status, "to": to_status, **(detail or {})},
    )


def move(warning_id: int, expected: tuple[str, ...], **changes: Any) -> None:
    """Compare-and-set: apply `changes` only while the warning is in one of `expected` statuses.

    Refused (nothing written) when someone else moved it first.
    """
    done = Warning.objects.filter(pk=warning_id, status__in=expected, closed=False).update(
        **changes
    )
    if done != 1:
        raise InputRefused(
            [Problem(None, "status", _("the warning has changed meanwhile; reload the page"))]
        )


def required_text(text: str, column: str) -> str:
    """The stripped text; refused when empty or longer than MAX_TEXT characters."""
    text = (text or "").strip()
    if not text:
        raise InputRefused([Problem(None, column, _("this field is required"))])
    if len(text) > MAX_TEXT:
        raise InputRefused([Problem(None, column, _("at most %(n)s characters") % {"n": MAX_TEXT})])
    return text
