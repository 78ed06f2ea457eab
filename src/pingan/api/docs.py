"""The interactive API reference, served from the vendored Swagger UI and only to signed-in users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(DocsBase):
    """Swagger UI from `static/vendor/swagger-ui/`: nothing is loaded from another host."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """The page that starts Swagger UI on this API's OpenAPI document."""
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)},
        )
