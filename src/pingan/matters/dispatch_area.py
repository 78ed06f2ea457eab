"""Where a centre may send a matter: its own area and the levels above it, never a neighbour's.

A centre of the whole office (the dispatcher role held without a unit) dispatches to any unit. A
centre granted at a unit is the centre of that unit's office: it dispatches and re-dispatches to
the units of its area (the unit and every unit below it, at any depth) and raises a matter to the
units above it (its escalation ladder goes up), but never sends one sideways into another
office's area. The dispatch form offers exactly these units and the actions refuse any other.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import scope_unit_ids
from pingan.units.models import OrgUnit
from pingan.units.tree import ancestors, ancestors_of, in_subtree

ACTION = "matters.dispatch"


def dispatch_units(actor: Actor) -> QuerySet[OrgUnit]:
    """The units the actor may dispatch a matter to, by code."""
    units = OrgUnit.objects.order_by("code")
    area = scope_unit_ids(actor, ACTION)
    if area is None:
        return units
    if not area:  # not a centre: no unit to dispatch to, and no query spent finding none
        return units.none()
    above = {unit for chain in ancestors_of(area).values() for unit in chain}
    return units.filter(in_subtree(area) | Q(pk__in=above))


def may_dispatch_to(actor: Actor, unit_id: int) -> bool:
    """Whether the actor may dispatch a matter to this unit (`dispatch_units`)."""
    area = scope_unit_ids(actor, ACTION)
    if area is None:
        return True
    if not area:
        return False
    if area & {unit_id, *ancestors(unit_id)}:
        return True
    return any(unit_id in chain for chain in ancestors_of(area).values())
