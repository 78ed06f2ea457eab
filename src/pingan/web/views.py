"""Views of the shell: the home page of each role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.web.home import home_cards, home_panels


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the signed-in person's work in each app, then links to their pages."""
    actor = actor_from_request(request)
    return render(
        request,
        "web/home.html",
        {"panels": home_panels(request, actor), "cards": home_cards(actor)},
    )
