"""URLs of the shell: the home page, at the root of the site, and the offices' roll-ups."""

from django.urls import path

from pingan.web import views

app_name = "web"
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("offices/<str:code>/", views.office_rollup, name="office-rollup"),
    path("offices/<str:code>/export.csv", views.office_rollup_csv, name="office-rollup-csv"),
]
