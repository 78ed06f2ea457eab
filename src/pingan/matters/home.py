"""Home-page panels of matters: the to-do queue of dispatchers and handlers, overdue matters for the office."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.core.panels import Panel
from pingan.matters.models import OPEN_STATUSES, Matter
from pingan.matters.waiting import WaitingMatters

QUEUE_LENGTH = 10


def queue(actor: Actor) -> dict[str, Any]:
    """The first matters of the actor's to-do list (`selectors.todo_matters`, the rule of the
    to-do page) and how many there are in all."""
    waiting = WaitingMatters(actor)
    return {
        "matters": waiting[0:QUEUE_LENGTH],
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
