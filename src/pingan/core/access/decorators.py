"""Deny-by-default for views: every view names the permission action it needs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import can

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
