"""Home-page panels of matters: the to-do queue of dispatchers and handlers, overdue matters for the office."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.core.access.roles import Role
from pingan.core.panels import Panel
from pingan.matters import selectors
from pingan.matters.models import OPEN_STATUSES, Matter, Status

QUEUE_LENGTH = 10
CENTRE_STEPS = (Status.RECEIVED, Status.FEEDBACK, Status.RETURNED)
UNIT_STEPS = (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS)


def to_do(actor: Actor) -> QuerySet[Matter]:
    """Open matters waiting for the actor's step, soonest deadline first (no deadline last).

    The centre's step: dispatch what was received, review feedback, re-dispatch what a unit
    returned. A handler's: sign for, work on and feed back what was dispatched to their units.
    """
    steps: set[str] = set()
    if Role.DISPATCHER in actor.roles:
        steps.update(CENTRE_STEPS)
    if Role.HANDLER in actor.roles:
        steps.update(UNIT_STEPS)
    return (
        selectors.visible_matters(actor=actor)
        .filter(status__in=sorted(steps))
        .annotate(due=Coalesce("handle_due", "sign_due"))
        .order_by(F("due").asc(nulls_last=True), "received_at", "pk")
    )


def queue(actor: Actor) -> dict[str, Any]:
    """The first matters of the actor's to-do queue and how many there are in all."""
    waiting = to_do(actor)
    return {
        "matters": list(waiting[:QUEUE_LENGTH]),
        "total": waiting.count(),
        "may_intake": can(actor, "matters.intake"),
    }


def overdue_open_count(actor: Actor) -> int:
    """Open matters past their deadline, over the whole jurisdiction (for those who read statistics)."""
    require(actor, "matters.stats")
    return Matter.objects.filter(status__in=sorted(OPEN_STATUSES), overdue=True).count()


def overview(actor: Actor) -> dict[str, Any]:
    """Open and overdue matters of the jurisdiction."""
    require(actor, "matters.stats")
    return {
        "open_count": Matter.objects.filter(status__in=sorted(OPEN_STATUSES)).count(),
        "overdue_count": overdue_open_count(actor),
        "may_list": can(actor, "matters.view"),
    }


PANELS = [
    Panel(
        "matters.queue",
        _("Matters to handle"),
        "matters.view",
        "matters/home/queue.html",
        queue,
        order=10,
        wide=True,
    ),
    Panel(
        "matters.overview",
        _("Matters"),
        "matters.stats",
        "matters/home/overview.html",
        overview,
        order=35,
    ),
]
