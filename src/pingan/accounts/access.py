"""Deny-by-default for views: every view names the permission action it needs."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from pingan.accounts.actor import actor_from_request
from pingan.accounts.permissions import can
from pingan.accounts.services import record_denial

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def requires(action: str) -> Callable[[View], View]:
    """Allow the view only to signed-in users holding a role allowed to do `action`.

    Anonymous users are sent to sign in; signed-in users without the role get 403.
    The action is kept on the view so the access-matrix test can list it.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(actor_from_request(request), action):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        guarded.pingan_action = action  # type: ignore[attr-defined]
        return guarded

    return decorate


def public(view: View) -> View:
    """Mark a view as reachable without signing in (sign-in page, language switch, Open311)."""
    view.pingan_public = True  # type: ignore[attr-defined]
    return view


def audit_denial(request: HttpRequest, reason: str, *, channel: str = "web") -> None:
    """Write the audit record of a refused request: actor, path and the reason given.

    When the record cannot be written (the database is busy or down) the refusal still stands:
    the caller answers 403 and the failure is logged.
    """
    try:
        record_denial(
            actor=actor_from_request(request, channel=channel), path=request.path, reason=reason
        )
    except DatabaseError:
        logger.exception("denial of %s could not be audited", request.path)


class DenialAuditMiddleware:
    """Every PermissionDenied raised by a view or service (HTTP 403) leaves an audit record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Audit the denial, then let Django answer 403 as before."""
        if isinstance(exception, PermissionDenied):
            audit_denial(request, str(exception))
