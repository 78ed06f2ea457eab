"""URLs of the scheme pages."""

from django.urls import path

from pingan.schemes import views

app_name = "schemes"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("<str:code>/v<int:number>/", views.scheme_detail, name="detail"),
]
