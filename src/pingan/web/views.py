"""Views of the shell: the home page of each role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.web.home import home_cards


@requires("home.view")
def home(request: HttpRequest) -> HttpResponse:
    """The home page: what the signed-in person's roles let them do next."""
    actor = actor_from_request(request)
    return render(request, "web/home.html", {"cards": home_cards(actor)})
