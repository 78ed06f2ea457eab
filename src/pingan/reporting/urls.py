"""URLs of monthly reporting."""

from django.urls import path

from pingan.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_submissions, name="my_submissions"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("history/", views.history, name="history"),
    path("export/", views.export, name="export"),
    path("s/<int:submission_id>/", views.submission, name="submission"),
    path("s/<int:submission_id>/cells/", views.save_cells, name="save_cells"),
    path("s/<int:submission_id>/cells.json", views.save_cells_json, name="save_cells_json"),
    path("s/<int:submission_id>/withdraw/", views.withdraw, name="withdraw"),
    path("s/<int:submission_id>/zeros/", views.zeros, name="zeros"),
    path("s/<int:submission_id>/upload/", views.upload, name="upload"),
    path("s/<int:submission_id>/template.xlsx", views.template, name="template"),
    path("s/<int:submission_id>/submit/", views.submit, name="submit"),
    path("s/<int:submission_id>/review/", views.review, name="review"),
    path("s/<int:submission_id>/approve/", views.approve, name="approve"),
    path("s/<int:submission_id>/receive/", views.receive, name="receive"),
    path("s/<int:submission_id>/return/", views.return_view, name="return"),
    path("s/<int:submission_id>/comment/", views.comment, name="comment"),
]
