"""Pages for schemes: the list of schemes and one version in full."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from pingan.core.access.actor import actor_from_request
from pingan.core.access.decorators import requires
from pingan.schemes.selectors import get_version, scheme_as_dict, schemes_with_latest, versions_of


@requires("schemes.view")
def scheme_list(request: HttpRequest) -> HttpResponse:
    """Every scheme with its latest version."""
    schemes = schemes_with_latest(actor=actor_from_request(request))
    return render(request, "schemes/list.html", {"schemes": schemes})


@requires("schemes.view")
def scheme_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """One version of a scheme: classes, indicators, deductions, caps, vetoes, tiers, stars."""
    version = get_version(code, number)
    if version is None:
        raise Http404(code)
    data = scheme_as_dict(version, get_language() or "zh-hans")
    versions = versions_of(actor=actor_from_request(request), scheme=version.scheme)
    return render(
        request, "schemes/detail.html", {"version": version, "data": data, "versions": versions}
    )
