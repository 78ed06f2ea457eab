"""Audited denials: every refused request (HTTP 403) leaves an audit record."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from pingan.accounts.services import record_denial
from pingan.core.access.actor import actor_from_request

logger = logging.getLogger(__name__)


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
