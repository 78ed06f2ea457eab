"""API: schemes as JSON."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from pingan.core.access.actor import actor_from_request
from pingan.core.access.permissions import require
from pingan.schemes.selectors import get_version, scheme_as_dict

router = Router(tags=["schemes"])


@router.get("/{code}", summary="A scheme version (latest unless ?version=N)")
def scheme_show(
    request: HttpRequest, code: str, version: int | None = None, language: str = "zh-hans"
) -> dict[str, Any]:
    """The scheme as `pingan scheme show --format json` prints it."""
    require(actor_from_request(request, channel="api"), "schemes.view")
    found = get_version(code, version)
    if found is None:
        raise Http404(code)
    return scheme_as_dict(found, language)
