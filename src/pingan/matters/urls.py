"""URLs of the matters pages."""

from django.urls import include, path

from pingan.matters.views import configuration, figures, intake, matters, public

app_name = "matters"
urlpatterns = [
    path("", matters.matter_list, name="list"),
    path("todo/", matters.todo, name="todo"),
    path("new/", intake.intake_routes, name="new_routes"),
    path("new/<slug:route>/", intake.matter_new, name="new"),
    path("similar/", intake.similar, name="similar"),
    path("report/", public.public_report, name="report"),
    path("<int:matter_id>/", matters.matter_detail, name="detail"),
    path(
        "<int:matter_id>/centre/<slug:action>/", matters.matter_centre_action, name="centre_action"
    ),
    path("<int:matter_id>/unit/<slug:action>/", matters.matter_unit_action, name="unit_action"),
    path(
        "<int:matter_id>/review/<slug:action>/", matters.matter_review_action, name="review_action"
    ),
    path("<int:matter_id>/note/", matters.matter_note, name="note"),
    path("<int:matter_id>/personal/", matters.matter_reveal, name="reveal"),
    path(
        "<int:matter_id>/files/<int:attachment_id>/", matters.attachment_download, name="attachment"
    ),
    path("statistics/", figures.stats, name="stats"),
    path("statistics/export.<slug:fmt>", figures.stats_export, name="stats_export"),
    path("summaries/", figures.summaries, name="summaries"),
    path("summaries/generate/", figures.summary_generate, name="summary_generate"),
    path("summaries/<str:day>.docx", figures.summary_download, name="summary_download"),
    path("settings/", configuration.settings_page, name="settings"),
    path("settings/keys/", configuration.apikey_create, name="apikey_create"),
    path("settings/rules/<int:rule_id>/delete/", configuration.rule_delete, name="rule_delete"),
    path("index/", configuration.index_submission, name="index_submission"),
    path("settings/keys/<int:key_id>/revoke/", configuration.apikey_revoke, name="apikey_revoke"),
]

# At the root of the site, outside /matters/: the path Open311 GeoReport v2 clients expect.
SITE_URLS = [path("open311/v2/", include("pingan.matters.open311.urls", namespace="open311"))]
