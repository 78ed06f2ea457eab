"""URLs of the matters pages."""

from django.urls import path

from pingan.matters import views

app_name = "matters"
urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.matter_new, name="new"),
    path("report/", views.public_report, name="report"),
    path("<int:matter_id>/", views.matter_detail, name="detail"),
    path("<int:matter_id>/centre/<slug:action>/", views.matter_centre_action, name="centre_action"),
    path("<int:matter_id>/unit/<slug:action>/", views.matter_unit_action, name="unit_action"),
    path("<int:matter_id>/review/<slug:action>/", views.matter_review_action, name="review_action"),
    path("<int:matter_id>/note/", views.matter_note, name="note"),
    path("<int:matter_id>/personal/", views.matter_reveal, name="reveal"),
    path(
        "<int:matter_id>/files/<int:attachment_id>/", views.attachment_download, name="attachment"
    ),
    path("statistics/", views.stats, name="stats"),
    path("summaries/", views.summaries, name="summaries"),
    path("summaries/generate/", views.summary_generate, name="summary_generate"),
    path("summaries/<str:day>.docx", views.summary_download, name="summary_download"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/keys/", views.apikey_create, name="apikey_create"),
    path("settings/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("index/", views.index_submission, name="index_submission"),
    path("settings/keys/<int:key_id>/revoke/", views.apikey_revoke, name="apikey_revoke"),
]
