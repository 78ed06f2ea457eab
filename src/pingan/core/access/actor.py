"""Who is acting: a signed-in user from the web or API, or the operator at the command line."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from pingan.core.access.roles import Role
from pingan.core.proxies import client_ip


@dataclass(frozen=True)
class Grant:
    """One role the actor holds, with its scope."""

    role: str
    body_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Actor:
    """The person (or the command line) on whose behalf a service runs."""

    user: Any  # the acting accounts.User, or None for the command line and jobs
    grants: tuple[Grant, ...]
    channel: str
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def user_id(self) -> int | None:
        """The acting user's id, or None for the command line."""
        return self.user.pk if self.user is not None else None

    @property
    def roles(self) -> frozenset[str]:
        """Every role the actor holds, whatever its scope."""
        return frozenset(g.role for g in self.grants)

    def body_ids(self, role: str | None = None) -> frozenset[int]:
        """Bodies the actor holds `role` for (any body role when None)."""
        return frozenset(
            g.body_id
            for g in self.grants
            if g.body_id is not None and (role is None or g.role == role)
        )

    def unit_ids(self, role: str | None = None) -> frozenset[int]:
        """Units the actor holds `role` for (any unit role when None)."""
        return frozenset(
            g.unit_id
            for g in self.grants
            if g.unit_id is not None and (role is None or g.role == role)
        )

    @property
    def primary_role(self) -> str:
        """The role recorded in audit records: the first by the order of Role."""
        for role in Role:
            if role.value in self.roles:
                return role.value
        return ""


def grants_of(user: Any) -> tuple[Grant, ...]:
    """Load the grants of a user from their role assignments."""
    if not user.is_active:
        return ()
    return tuple(
        Grant(role=a.role, body_id=a.body_id, unit_id=a.unit_id)
        for a in user.assignments.all().order_by("pk")  # type: ignore[attr-defined]
    )


GRANTS_ATTRIBUTE = "_pingan_grants"


def remember_grants(request: Any, user: Any, grants: tuple[Grant, ...]) -> None:
    """Keep the signed-in user's grants, read with the session check, for the request's actor."""
    setattr(request, GRANTS_ATTRIBUTE, (user.pk, grants))


def _request_grants(request: Any, user: Any) -> tuple[Grant, ...]:
    """The grants remembered for this request's user, or read now."""
    remembered: tuple[int, tuple[Grant, ...]] | None = getattr(request, GRANTS_ATTRIBUTE, None)
    if remembered is not None and remembered[0] == user.pk:
        return remembered[1]
    return grants_of(user)


def actor_for_user(user: Any, *, channel: str, source: str = "") -> Actor:
    """Build the actor for a signed-in user."""
    return Actor(user=user, grants=grants_of(user), channel=channel, source=source)


def client_address(request: Any) -> str:
    """The client's address: the direct peer, or behind a trusted proxy the forwarded client.

    Used for audit records, the public form's rate limit and the sign-in lockout log alike.
    """
    return client_ip(
        str(request.META.get("REMOTE_ADDR", "")),
        str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
        getattr(settings, "PINGAN_TRUSTED_PROXIES", ()),
    )


def actor_from_request(request: Any, *, channel: str = "web") -> Actor:
    """Build the actor for an HTTP request (anonymous users hold no grants)."""
    cached = getattr(request, "_pingan_actor", None)
    if isinstance(cached, Actor) and cached.channel == channel:
        return cached
    user = request.user if request.user.is_authenticated else None
    actor = Actor(
        user=user,
        grants=_request_grants(request, user) if user else (),
        channel=channel,
        source=client_address(request),
    )
    request._pingan_actor = actor
    return actor


def command_line_actor() -> Actor:
    """The operator at the command line of the server: acts as the system administrator."""
    try:
        who = getpass.getuser()
    except Exception:
        who = "unknown"
    return Actor(
        user=None, grants=(Grant(role=Role.SYSTEM_ADMIN),), channel="cli", source="cli:" + who
    )


def job_actor(name: str) -> Actor:
    """A scheduled job of the system itself."""
    return Actor(
        user=None, grants=(Grant(role=Role.SYSTEM_ADMIN),), channel="job", source="job:" + name
    )
