"""URLs of the audit log, mounted at /audit/."""

from django.urls import path

from pingan.audit import views

app_name = "audit"
urlpatterns = [path("", views.log, name="log")]
