"""Root URLs: the shell, each app's pages under its own prefix, the API and Open311."""

from django.urls import include, path
from django.views.i18n import set_language

from pingan.accounts.access import public

urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/", include("pingan.api.urls")),
    path("open311/v2/", include("pingan.cases.open311.urls", namespace="open311")),
    path("units/", include("pingan.units.urls", namespace="units")),
    path("schemes/", include("pingan.schemes.urls", namespace="schemes")),
    path("reporting/", include("pingan.reporting.urls", namespace="reporting")),
    path("scores/", include("pingan.scores.urls", namespace="scores")),
    path("bulletins/", include("pingan.bulletins.urls", namespace="bulletins")),
    path("cases/", include("pingan.cases.urls", namespace="cases")),
    path("", include("pingan.web.urls", namespace="web")),
]
