"""Ends a signed-in session after 30 idle minutes, server-side, and audits the timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "pingan_last_seen"


class IdleTimeoutMiddleware:
    """Sign the user out when the previous request is older than PINGAN_IDLE_TIMEOUT_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.PINGAN_IDLE_TIMEOUT_SECONDS:
                from pingan.accounts.services import sign_out

                sign_out(request, reason="session.timeout")
            else:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
