"""URLs of the stability-index pages."""

from django.urls import path

from pingan.scores import views, whatif_views

app_name = "scores"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="export"),
    path("funnel/", views.funnel, name="funnel"),
    path("map/", views.tier_map, name="map"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("whatif/", whatif_views.whatif, name="whatif"),
    path("unit/<str:unit_code>/", views.unit_page, name="unit"),
    path("unit/<str:unit_code>/mark/", views.mark_unit, name="mark"),
    path("unit/<str:unit_code>/unmark/", views.unmark_unit, name="unmark"),
]
