"""API authentication: the browser session (with CSRF) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from pingan.accounts.selectors import personal_token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pa_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Return the token's user when the token is a personal one, not revoked, of an active user."""
        user = personal_token_user(token)
        if user is None:
            return None
        request.user = user
        return user


class SignedInSession(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        """Return the session user, if any."""
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None


API_AUTH = [SignedInSession(), TokenAuth()]

__all__ = ["API_AUTH", "APIKeyHeader", "SignedInSession", "TokenAuth"]
