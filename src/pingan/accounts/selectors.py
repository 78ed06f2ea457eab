"""Reads of accounts: users with their roles, one role assignment, API credentials."""

from __future__ import annotations

from django.db.models import QuerySet

from pingan.accounts.models import ApiCredential, CredentialKind, RoleAssignment, User, token_digest
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require


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


def active_credential(raw: str, kind: CredentialKind) -> ApiCredential | None:
    """The unrevoked credential of this kind whose secret is `raw`, or None."""
    if not raw:
        return None
    return (
        ApiCredential.objects.select_related("user")
        .filter(kind=kind, digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )


def personal_token_user(raw: str) -> User | None:
    """The active user of the unrevoked personal token `raw`, or None."""
    credential = active_credential(raw, CredentialKind.PERSONAL)
    if credential is None or credential.user is None or not credential.user.is_active:
        return None
    return credential.user


def credentials(kind: CredentialKind, *, user: User | None = None) -> QuerySet[ApiCredential]:
    """The credentials of a kind (of one user, if given), newest first; never the secrets."""
    found = ApiCredential.objects.filter(kind=kind).select_related("user")
    if user is not None:
        found = found.filter(user=user)
    return found.order_by("-created_at", "-pk")


def user_named(username: str) -> User | None:
    """The account with this username, or None."""
    return User.objects.filter(username=username).first()
