"""URLs of the risk assessments of major decisions."""

from django.urls import path

from pingan.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("statistics/", views.statistics_page, name="stats"),
    path("statistics/export/", views.statistics_export, name="stats_export"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/report.<str:fmt>", views.report_download, name="report"),
    path("<int:assessment_id>/files/<int:attachment_id>/", views.attachment_download, name="file"),
    path("<int:assessment_id>/attach/", views.attach, name="attach"),
    path("<int:assessment_id>/analysis/<slug:step>/", views.analysis_step, name="analysis"),
    path("<int:assessment_id>/review/<slug:step>/", views.review_step, name="review"),
    path("measures/<int:measure_id>/done/", views.measure_done, name="measure_done"),
]
