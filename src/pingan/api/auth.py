"""API authentication: the browser session (with CSRF) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from pingan.accounts.models import ApiToken, token_digest


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pa_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Return the token's user when the token exists and is not revoked."""
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user


class SignedInSession(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Return the session user, if any."""
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None


API_AUTH = [SignedInSession(), TokenAuth()]

__all__ = ["API_AUTH", "APIKeyHeader", "SignedInSession", "TokenAuth"]
