"""Deny-by-default permissions. Each app declares its actions in its own `permissions.py`.

An app's module defines `ACTIONS: dict[str, frozenset[str]]` mapping an action name such as
"units.import" to the roles allowed to do it. An action nobody declared is denied to everyone.
Object scope (own body, own unit) is checked by the service with `require_body`/`require_unit`.
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor, Grant
from pingan.core.access.roles import UNIT_ROLES, Role
from pingan.core.discovery import app_modules

READ_ALL = frozenset({Role.ANALYST, Role.OFFICE_HEAD, Role.LEADER})


@cache
def registry() -> dict[str, frozenset[str]]:
    """Every declared action, gathered from each installed pingan app's permissions module."""
    merged: dict[str, frozenset[str]] = {}
    for _label, module in app_modules("permissions"):
        for action, roles in getattr(module, "ACTIONS", {}).items():
            if action in merged:
                raise RuntimeError("permission action declared twice: " + action)
            merged[action] = frozenset(str(r) for r in roles)
    return merged


def allowed_roles(action: str) -> frozenset[str]:
    """The roles that may do `action`; empty (deny) for an undeclared action."""
    return registry().get(action, frozenset())


def can(actor: Actor, action: str) -> bool:
    """Whether the actor holds any role allowed to do `action`."""
    return bool(actor.roles & allowed_roles(action))


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless the actor may do `action`."""
    if not can(actor, action):
        raise PermissionDenied(
            _("You are not allowed to do this (%(action)s).") % {"action": action}
        )


def require_body(actor: Actor, action: str, body_id: int) -> None:
    """Require `action` and, for body-scoped roles, membership of the given body."""
    require(actor, action)
    roles = allowed_roles(action)
    if actor.roles & roles - {Role.CLERK, Role.REVIEWER, Role.APPROVER}:
        return
    if any(g.body_id == body_id and g.role in roles for g in actor.grants):
        return
    raise PermissionDenied(_("This reporting body is outside your scope."))


UNIT_SCOPED_ROLES = frozenset({Role.UNIT_VIEWER, Role.HANDLER})


def _office_wide(grant: Grant, roles: frozenset[str]) -> bool:
    """Whether the grant allows one of `roles` everywhere: an office role held without a unit.

    An office role (analyst, office head, leader, reviewer …) granted at a unit is the office
    of that unit: it reaches the unit's subtree only. Roles that always name a unit keep their
    own rules (viewers and handlers are scoped by the unit; the others by their app).
    """
    if grant.role not in roles or grant.role in UNIT_SCOPED_ROLES:
        return False
    return grant.unit_id is None or grant.role in UNIT_ROLES


def unit_scoped(actor: Actor, action: str) -> bool:
    """Whether the actor may do `action` only for their own units (and those below them)."""
    roles = allowed_roles(action)
    return not any(_office_wide(g, roles) for g in actor.grants)


def scope_unit_ids(actor: Actor, action: str) -> frozenset[int] | None:
    """The units whose subtrees bound `action` for the actor; None when it is held everywhere."""
    if not unit_scoped(actor, action):
        return None
    roles = allowed_roles(action)
    return frozenset(g.unit_id for g in actor.grants if g.unit_id is not None and g.role in roles)


def require_unit(
    actor: Actor, action: str, unit_id: int, *, unit_ancestors: tuple[int, ...] = ()
) -> None:
    """Require `action` and, for unit-scoped roles, that the unit (or an ancestor) is theirs.

    The caller passes the unit's ancestors (access sits below the unit tree); the units app's
    `require_unit_in_scope` does so at any depth.
    """
    require(actor, action)
    roles = allowed_roles(action)
    if not unit_scoped(actor, action):
        return
    scope = {unit_id, *unit_ancestors}
    if any(g.unit_id in scope and g.role in roles for g in actor.grants):
        return
    raise PermissionDenied(_("This unit is outside your scope."))
