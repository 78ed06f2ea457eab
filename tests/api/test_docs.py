"""The API reference: signed-in users only, served from vendored files, nothing from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.web.test_offline import LOADS

VENDOR = Path(finders.find("vendor/swagger-ui/swagger-ui-bundle.js") or "").parent


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, "/login/?next=" + path)


@pytest.mark.django_db
def test_signed_in_users_get_the_reference_from_this_site(client, make_user):
    client.force_login(make_user("leader"), backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/api/docs")
    assert page.status_code == 200
    body = page.content.decode()
    assert LOADS.findall(body) == []
    assert re.findall(r'(?:src|href)="([^"]+)"', body) == [
        "/static/pingan/favicon.svg",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/pingan/api-docs.js",
    ]
    assert "<script>" not in body  # no inline script: the CSP (script-src 'self') holds
    assert 'data-openapi-url="/api/openapi.json"' in body
    schema = client.get("/api/openapi.json")
    assert (schema.status_code, schema.json()["info"]["title"]) == (200, "pingan API")


def test_swagger_ui_is_vendored_with_its_licence():
    assert sorted(p.name for p in VENDOR.iterdir()) == [
        "LICENSE",
        "NOTICE",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.LICENSE.txt",
        "swagger-ui.css",
    ]
    assert "Apache License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    versions = (VENDOR.parent / "VERSIONS").read_text(encoding="utf-8").splitlines()
    assert "swagger-ui-dist 5.35.0" in versions
