"""Root URLs: the language switch, Open311, and every app's `urls.py`, found by name (ADR 0001).

An app's URL module is mounted at its `URL_PREFIX` (by default `<app label>/`) under the
namespace of its `app_name`, in the order of INSTALLED_APPS.
"""

from typing import Any

from django.urls import include, path
from django.views.i18n import set_language

from pingan.core.access.decorators import public
from pingan.core.discovery import app_modules


def app_urls() -> list[Any]:
    """One include per installed app that has a `urls.py`, at the prefix the module names."""
    return [
        path(getattr(module, "URL_PREFIX", label + "/"), include(module))
        for label, module in app_modules("urls")
    ]


urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("open311/v2/", include("pingan.matters.open311.urls", namespace="open311")),
    *app_urls(),
]
