"""Template context: the navigation the current user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import can
from pingan.core.navigation import all_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Links for the signed-in user's roles (none for anonymous visitors)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    actor = actor_from_request(request)
    items = []
    for item in all_items():
        if not can(actor, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"}
        )
    return {"nav_items": items, "actor_roles": sorted(actor.roles)}
