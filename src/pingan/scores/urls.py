"""URLs of the stability-index pages."""

from django.urls import path

from pingan.scores import stars_views, unit_views, views, whatif_views

app_name = "scores"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="export"),
    path("funnel/", views.funnel, name="funnel"),
    path("map/", views.tier_map, name="map"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("domains/", views.domain_analysis, name="domains"),
    path("whatif/", whatif_views.whatif, name="whatif"),
    path("stars/", stars_views.star_lists, name="stars"),
    path("stars/publish/", stars_views.publish, name="stars_publish"),
    path("stars/<str:scheme>/<str:period>/", stars_views.star_list, name="stars_list"),
    path(
        "stars/<str:scheme>/<str:period>.<str:fmt>",
        stars_views.star_list_download,
        name="stars_download",
    ),
    path("unit/<str:unit_code>/", unit_views.unit_page, name="unit"),
    path("unit/<str:unit_code>/mark/", unit_views.mark_unit, name="mark"),
    path("unit/<str:unit_code>/unmark/", unit_views.unmark_unit, name="unmark"),
]
