"""URLs of the shell: the home page, at the root of the site."""

from django.urls import path

from pingan.web import views

app_name = "web"
URL_PREFIX = ""
urlpatterns = [path("", views.home, name="home")]
