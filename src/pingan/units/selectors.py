"""Reads of units and covariates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require, require_unit, scope_unit_ids, unit_scoped
from pingan.units.models import Covariate, OrgUnit
from pingan.units.tree import ancestors, in_subtree, subtree_ids


def visible_units(*, actor: Actor, eval_class: str = "") -> QuerySet[OrgUnit]:
    """Units the actor may see (of one class when given), by code.

    All units, or for a unit viewer or handler their own units and all those below them.
    """
    require(actor, "units.view")
    units = OrgUnit.objects.select_related("parent").order_by("code")
    if eval_class:
        units = units.filter(eval_class=eval_class)
    if not unit_scoped(actor, "units.view"):
        return units
    return units.filter(in_subtree(actor.unit_ids()))


def require_unit_in_scope(*, actor: Actor, action: str, unit_id: int) -> None:
    """Require `action` on the unit: held for every unit, or for the unit or one above it (any depth)."""
    above = ancestors(unit_id) if unit_scoped(actor, action) else ()
    require_unit(actor, action, unit_id, unit_ancestors=above)


def covariate_table(*, names: list[str], years: list[int]) -> dict[tuple[int, int, str], float]:
    """Covariate values keyed by (unit id, year, name) for the given names and years."""
    rows = Covariate.objects.filter(name__in=names, year__in=years).values_list(
        "unit_id", "year", "name", "value"
    )
    return {(u, y, n): v for u, y, n, v in rows}


def evaluated_units(
    *, class_codes: list[str], first: dt.date, last: dt.date, office_unit_id: int | None = None
) -> list[OrgUnit]:
    """Units of the given classes that are open on some day of [first, last], by code.

    With `office_unit_id`, only the units below that office's unit (a scheme bound to it).
    """
    units = OrgUnit.objects.filter(eval_class__in=class_codes).order_by("code")
    if office_unit_id is not None:
        units = units.filter(in_subtree([office_unit_id])).exclude(pk=office_unit_id)
    return [u for u in units if u.is_open_during(first, last)]


def office_in_view(*, actor: Actor, action: str, office_unit_id: int | None) -> bool:
    """Whether the actor may see the results of the office at this unit (None: the top office).

    An actor holding `action` everywhere sees every office; an office at a unit sees its own
    office, each office below it, and (for its own units) the results of the offices above.
    A neighbouring office's scheme stays out of view.
    """
    require(actor, action)
    scope = scope_unit_ids(actor, action)
    if scope is None:
        return True
    if office_unit_id is None:
        return True
    if scope & {office_unit_id, *ancestors(office_unit_id)}:
        return True
    return bool(scope & subtree_ids([office_unit_id]))


def require_office_in_view(*, actor: Actor, action: str, office_unit_id: int | None) -> None:
    """PermissionDenied unless the actor may see the results of this office (`office_in_view`)."""
    if not office_in_view(actor=actor, action=action, office_unit_id=office_unit_id):
        raise PermissionDenied(_("This office's results are outside your scope."))


def classes_in_use(class_codes: set[str]) -> list[str]:
    """Those of `class_codes` that some unit is evaluated in, sorted."""
    used = OrgUnit.objects.filter(eval_class__in=class_codes).values_list("eval_class", flat=True)
    return sorted(set(used))
