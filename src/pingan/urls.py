"""Root URLs: the language switch and every app's `urls.py`, found by name (ADR 0001).

An app's URL module is mounted at its `URL_PREFIX` (by default `<app label>/`) under the
namespace of its `app_name`, in the order of INSTALLED_APPS, followed by its `SITE_URLS`.
"""

from typing import Any

from django.urls import include, path
from django.views.i18n import set_language

from pingan.core.access.decorators import public
from pingan.core.discovery import app_modules


def app_urls() -> list[Any]:
    """One include per installed app that has a `urls.py`, at the prefix the module names.

    An app's `SITE_URLS` are mounted as they are, at the root of the site, for paths an outside
    standard fixes (Open311 clients expect `/open311/v2/`).
    """
    patterns: list[Any] = []
    for label, module in app_modules("urls"):
        patterns.append(path(getattr(module, "URL_PREFIX", label + "/"), include(module)))
        patterns.extend(getattr(module, "SITE_URLS", ()))
    return patterns


urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    *app_urls(),
]

# Error pages inside the site's layout, in the reader's language (JSON under /api/ and /open311/).
handler403 = "pingan.web.views.forbidden"
handler404 = "pingan.web.views.not_found"
handler500 = "pingan.web.views.server_error"
