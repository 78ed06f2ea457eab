"""Root URLs: the shell, each app's pages under its own prefix, the API and Open311."""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from pingan.web.access import public

APP_PREFIXES = {
    "units": "units/",
    "schemes": "schemes/",
    "reporting": "reporting/",
    "scores": "scores/",
    "bulletins": "bulletins/",
    "cases": "cases/",
}


def _app_urls() -> list[URLPattern | URLResolver]:
    patterns: list[URLPattern | URLResolver] = []
    for app, prefix in APP_PREFIXES.items():
        try:
            importlib.import_module("pingan.%s.urls" % app)
        except ModuleNotFoundError as exc:
            if exc.name != "pingan.%s.urls" % app:
                raise
            continue
        patterns.append(path(prefix, include("pingan.%s.urls" % app, namespace=app)))
    return patterns


def _open311_urls() -> list[URLPattern | URLResolver]:
    try:
        importlib.import_module("pingan.cases.open311.urls")
    except ModuleNotFoundError:
        return []
    return [path("open311/v2/", include("pingan.cases.open311.urls", namespace="open311"))]


urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/", include("pingan.api.urls")),
    *_open311_urls(),
    *_app_urls(),
    path("", include("pingan.web.urls", namespace="web")),
]
