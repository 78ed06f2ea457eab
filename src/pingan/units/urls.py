"""URLs of the units pages."""

from django.urls import path

from pingan.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("import/", views.unit_import, name="import"),
]
