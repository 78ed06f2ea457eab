"""Home-page panels of reporting: a clerk's month, a signer's waiting submissions, the office's completion."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingan.core import periods
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.core.access.roles import Role
from pingan.core.panels import Panel
from pingan.reporting import selectors
from pingan.reporting.models import Status, Submission

OVERDUE_MONTHS = 12


def clerk_month(actor: Actor) -> dict[str, Any]:
    """This month's tasks of the clerk's bodies: the month being collected, its deadline and standing."""
    now = timezone.now()
    month = selectors.due_month(now)
    rows = selectors.body_months([month], now=now, body_ids=sorted(actor.body_ids(Role.CLERK)))
    return {"month": month, "rows": rows, "may_fill": can(actor, "reporting.fill")}


def waiting_submissions(actor: Actor, *, body_ids: frozenset[int], status: str) -> list[Submission]:
    """Submissions of `body_ids` (within what the actor may read) in `status`, bodies loaded."""
    return list(
        selectors.visible_submissions(actor)
        .filter(body_id__in=sorted(body_ids), status=status)
        .order_by("month", "body__code", "number")[:50]
    )


def waiting_for_signature(actor: Actor) -> dict[str, Any]:
    """Submissions of the actor's bodies waiting for the actor's step (review or approval), oldest first."""
    waiting: list[Any] = []
    for role, status in ((Role.REVIEWER, Status.SUBMITTED), (Role.APPROVER, Status.REVIEWED)):
        bodies = actor.body_ids(role)
        if bodies:
            waiting.extend(waiting_submissions(actor, body_ids=bodies, status=status))
    waiting.sort(key=lambda s: (s.month, s.body.code, s.number))
    return {"waiting": waiting}


def completion(actor: Actor) -> dict[str, Any]:
    """Completeness of the month being collected and the overdue reports of the last twelve months."""
    require(actor, "reporting.dashboard")
    now = timezone.now()
    month = selectors.due_month(now)
    months = [month]
    while len(months) < OVERDUE_MONTHS:
        months.insert(0, periods.previous_month(months[0]))
    items = selectors.body_months(months, now=now)
    current = [item for item in items if item.month == month]
    late = [item for item in items if item.overdue]
    return {
        "month": month,
        "rates": selectors.rates(current),
        "overdue": late,
        "overdue_count": len(late),
    }


PANELS = [
    Panel(
        "reporting.month",
        _("This month's figures"),
        "reporting.fill",
        "reporting/home/month.html",
        clerk_month,
        order=10,
        wide=True,
    ),
    Panel(
        "reporting.waiting",
        _("Waiting for your signature"),
        "reporting.sign",
        "reporting/home/waiting.html",
        waiting_for_signature,
        order=10,
        wide=True,
    ),
    Panel(
        "reporting.completion",
        _("Reporting"),
        "reporting.dashboard",
        "reporting/home/completion.html",
        completion,
        order=30,
    ),
]
