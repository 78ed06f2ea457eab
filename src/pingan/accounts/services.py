"""Writes on accounts: creating users, granting and revoking roles, signing in and out.

Each function checks permission, writes, and appends its audit record in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.accounts import sessions
from pingan.accounts.models import RoleAssignment, User
from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor, actor_for_user, client_address
from pingan.core.access.permissions import require
from pingan.core.access.roles import ADMIN_ROLES, BODY_ROLES, UNIT_ROLES, Role
from pingan.core.problems import InputRefused, Problem


def create_user(*, actor: Actor, username: str, password: str, display_name: str = "") -> User:
    """Create an account with an Argon2-hashed password (security administrator only)."""
    require(actor, "accounts.manage")
    if User.objects.filter(username=username).exists():
        raise InputRefused([Problem(None, "username", _("this username is taken"))])
    user = User(username=username, display_name=display_name)
    check_password_rules(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record_event(actor=actor, event=Event.ACCOUNTS_USER_CREATE, obj=user)
    return user


def grant_role(
    *, actor: Actor, user: User, role: str, body_id: int | None = None, unit_id: int | None = None
) -> RoleAssignment:
    """Grant a role, keeping the three administrators separate and scopes complete."""
    require(actor, "accounts.manage")
    _check_grant(user, role, body_id, unit_id)
    with transaction.atomic():
        assignment, _created = RoleAssignment.objects.get_or_create(
            user=user, role=role, body_id=body_id, unit_id=unit_id
        )
        record_event(
            actor=actor,
            event=Event.ACCOUNTS_ROLE_GRANT,
            obj=user,
            detail={"role": role, "body": body_id, "unit": unit_id},
        )
    return assignment


def _check_grant(user: User, role: str, body_id: int | None, unit_id: int | None) -> None:
    if role not in Role.values:
        raise InputRefused([Problem(None, "role", _("unknown role"))])
    held = set(user.assignments.values_list("role", flat=True))  # type: ignore[attr-defined]
    if role in ADMIN_ROLES and held - {role}:
        raise InputRefused([Problem(None, "role", _("an administrator may hold no other role"))])
    if role not in ADMIN_ROLES and held & ADMIN_ROLES:
        raise InputRefused([Problem(None, "role", _("an administrator may hold no other role"))])
    if role in BODY_ROLES and body_id is None:
        raise InputRefused([Problem(None, "body", _("this role needs a reporting body"))])
    if role in UNIT_ROLES and unit_id is None:
        raise InputRefused([Problem(None, "unit", _("this role needs a unit"))])


def record_denial(*, actor: Actor, path: str, reason: str) -> None:
    """Audit a refused request (HTTP 403): who, which path, and why."""
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.ACCOUNTS_ACCESS_DENY,
            object_type="path",
            object_id=path[:64],
            outcome="denied",
            detail={"path": path[:500], "reason": reason[:200]},
        )


def revoke_role(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take a role away from a user."""
    require(actor, "accounts.manage")
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.ACCOUNTS_ROLE_REVOKE,
            obj=assignment.user,
            detail={
                "role": assignment.role,
                "body": assignment.body_id,
                "unit": assignment.unit_id,
            },
        )
        assignment.delete()


def check_password_rules(password: str, user: User) -> None:
    """Refuse a password that breaks a rule of settings.AUTH_PASSWORD_VALIDATORS, naming each."""
    try:
        validate_password(password, user)
    except ValidationError as invalid:
        raise InputRefused([Problem(None, "password", str(m)) for m in invalid.messages]) from None


def change_password(
    request: Any, *, actor: Actor, user: User, current_password: str, new_password: str
) -> None:
    """Change one's own password: the current one must be right and the new one keep the rules.

    The session stays signed in; every other session of the account ends (its hash changes).
    """
    if actor.user_id != user.pk:
        raise PermissionDenied(_("You can change only your own password."))
    if not user.check_password(current_password):
        raise InputRefused([Problem(None, "current_password", _("the current password is wrong"))])
    check_password_rules(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_event(actor=actor, event=Event.ACCOUNTS_PASSWORD_CHANGE, obj=user)
    update_session_auth_hash(request, user)


def sign_in(request: Any, *, username: str, password: str) -> User | None:
    """Check credentials (with lockout after 5 failures) and audit the outcome either way."""
    user = authenticate(request, username=username, password=password)
    anonymous = Actor(user=None, grants=(), channel="web", source=client_address(request))
    with transaction.atomic():
        if user is None:
            known = User.objects.filter(username=username).values_list("pk", flat=True).first()
            record_event(
                actor=anonymous,
                event=Event.ACCOUNTS_SESSION_SIGN_IN,
                object_type="user",
                object_id=known,
                outcome="failure",
            )
            return None
        login(request, user)
        sessions.start(request.session, time.time())
        record_event(
            actor=actor_for_user(user, channel="web", source=anonymous.source),
            event=Event.ACCOUNTS_SESSION_SIGN_IN,
            obj=user,
        )
    return user  # type: ignore[return-value]


def sign_out(request: Any, *, event: Event = Event.ACCOUNTS_SESSION_SIGN_OUT) -> None:
    """End the session (a copy of its cookie is refused from now on) and audit it."""
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if user is not None:
            actor = actor_for_user(user, channel="web", source=client_address(request))
            record_event(actor=actor, event=event, obj=user)
        sessions.end(request.session)
        logout(request)


def bootstrap_admin(
    *, actor: Actor, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """Create (or find) one of the three administrators from the server's command line."""
    require(actor, "accounts.bootstrap")
    if role not in ADMIN_ROLES:
        raise InputRefused(
            [Problem(None, "role", _("only the three administrators are bootstrapped"))]
        )
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    user = User(username=username, display_name=display_name)
    check_password_rules(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        RoleAssignment.objects.create(user=user, role=role)
        record_event(
            actor=actor, event=Event.ACCOUNTS_USER_BOOTSTRAP, obj=user, detail={"role": role}
        )
    return user
