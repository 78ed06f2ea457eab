"""URLs of the bulletins."""

from django.urls import path

from pingan.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:bulletin_id>/", views.preview, name="preview"),
    path("<int:bulletin_id>/edit/", views.edit, name="edit"),
    path("<int:bulletin_id>/issue/", views.issue, name="issue"),
    path("<int:bulletin_id>/<str:fmt>/", views.download, name="download"),
]
