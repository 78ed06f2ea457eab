"""URLs of the warnings pages and the problem register."""

from django.urls import path

from pingan.warnings.views import problems, warnings

app_name = "warnings"
urlpatterns = [
    path("", warnings.warning_list, name="list"),
    path("export.csv", warnings.warning_export, name="export"),
    path("rate/", warnings.effective_rate, name="rate"),
    path("<int:warning_id>/", warnings.warning_detail, name="detail"),
    path("<int:warning_id>/acknowledge/", warnings.warning_acknowledge, name="acknowledge"),
    path("<int:warning_id>/respond/", warnings.warning_respond, name="respond"),
    path("<int:warning_id>/close/", warnings.warning_close, name="close"),
    path("problems/", problems.problem_list, name="problems"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/export.csv", problems.problem_export, name="problem_export"),
    path("problems/<int:problem_id>/", problems.problem_detail, name="problem"),
    path("problems/<int:problem_id>/note/", problems.problem_note, name="problem_note"),
    path("problems/<int:problem_id>/resolve/", problems.problem_resolve, name="problem_resolve"),
]
