"""Open311 GeoReport v2 endpoints, mounted at /open311/v2/."""

from django.urls import re_path

from pingan.matters.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[A-Za-z0-9_]+)" + FMT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FMT, views.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<request_id>[A-Za-z0-9-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[a-f0-9]+)" + FMT, views.token_detail, name="token"),
]
