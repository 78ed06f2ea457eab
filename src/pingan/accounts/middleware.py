"""Request guards: forwarded headers only from trusted proxies; session idle and absolute limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from pingan.accounts import sessions
from pingan.accounts.services import sign_out
from pingan.audit.events import Event
from pingan.core.access.actor import remember_grants
from pingan.core.proxies import is_trusted

# The last-seen time is refreshed at most this often, so most responses do not re-issue the
# session cookie; the idle limit is therefore kept to within this many seconds.
LAST_SEEN_RESOLUTION = 60
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class ForwardedHeadersMiddleware:
    """Drop X-Forwarded-* headers unless the direct peer is one of PINGAN_TRUSTED_PROXIES.

    Runs first, so SECURE_PROXY_SSL_HEADER (HTTPS detection) and the client address used by
    audit, rate limits and the sign-in lockout believe only a trusted proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        trusted = settings.PINGAN_TRUSTED_PROXIES
        if not trusted or not is_trusted(str(request.META.get("REMOTE_ADDR", "")), trusted):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Sign the user out after PINGAN_IDLE_TIMEOUT_SECONDS idle or PINGAN_SESSION_MAX_AGE_SECONDS.

    Both times live in the signed session cookie; signing out for either reason is audited. A
    session already ended (a copy of a signed-out cookie) is dropped. Checking reads the user's
    role assignments with it, in one query, and keeps them for the request's actor; it writes
    nothing unless the session ends now.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            was_ended, grants = sessions.ended_and_grants(request.session, user)
            if was_ended:
                logout(request)
                return self.get_response(request)
            remember_grants(request, user, grants)
            ended = self._expired(request, time.time())
            if ended is not None:
                sign_out(request, event=ended)
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest, now: float) -> Event | None:
        session = request.session
        if session.get(sessions.SESSION_ID) is None:  # signed in by other means than sign_in
            sessions.start(session, float(session.get(sessions.SIGNED_IN_AT, now)))
        signed_in = float(session.get(sessions.SIGNED_IN_AT, now))
        if now - signed_in > settings.PINGAN_SESSION_MAX_AGE_SECONDS:
            return Event.ACCOUNTS_SESSION_EXPIRE
        last = session.get(sessions.LAST_SEEN)
        if last is not None and now - float(last) > settings.PINGAN_IDLE_TIMEOUT_SECONDS:
            return Event.ACCOUNTS_SESSION_TIME_OUT
        if last is None or now - float(last) >= LAST_SEEN_RESOLUTION:
            session[sessions.LAST_SEEN] = now
        return None
