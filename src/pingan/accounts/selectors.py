"""Reads of accounts: users with their roles, one role assignment (security administrator)."""

from __future__ import annotations

from django.db.models import QuerySet

from pingan.accounts.actor import Actor
from pingan.accounts.models import RoleAssignment, User
from pingan.accounts.permissions import require


def users_with_roles(*, actor: Actor) -> QuerySet[User]:
    """Every user by username, with their role assignments and the body or unit of each."""
    require(actor, "accounts.view")
    return User.objects.prefetch_related("assignments__body", "assignments__unit").order_by(
        "username"
    )


def role_assignment(*, actor: Actor, assignment_id: int) -> RoleAssignment | None:
    """One role assignment, or None when there is no such assignment."""
    require(actor, "accounts.manage")
    return RoleAssignment.objects.select_related("user").filter(pk=assignment_id).first()
