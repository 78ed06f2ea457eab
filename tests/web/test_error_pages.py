"""403, 404 and 500 answer inside the site's layout, with its navigation, in the reader's language."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from pingan.web.views import server_error

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(make_user, role: str, **scope: str) -> Client:
    client = Client()
    client.force_login(make_user(role, **scope), backend=BACKEND)
    return client


@pytest.mark.django_db
def test_forbidden_page_has_the_layout_and_speaks_chinese(demo_units, make_user):
    client = signed_in(make_user, "clerk", body="police")
    response = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    body = response.content.decode()
    assert response.status_code == 403
    assert '<nav class="navbar' in body
    assert 'href="/reporting/"' in body  # the clerk's own navigation
    assert '<h1 class="h3" data-testid="error-title">无权访问' in body
    assert "accounts.view" not in body  # the action code is not shown
    assert "403 Forbidden" not in body


@pytest.mark.django_db
def test_another_units_page_is_refused_in_english_with_navigation(demo_units, make_user):
    client = signed_in(make_user, "unit_viewer", unit="BZ01")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/scores/unit/BZ02/")
    body = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="h3" data-testid="error-title">Not allowed' in body
    assert "Back to your home page" in body
    assert '<nav class="navbar' in body


@pytest.mark.django_db
def test_not_found_page_has_the_layout(demo_units, make_user):
    client = signed_in(make_user, "analyst")
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h3" data-testid="error-title">页面不存在' in body
    assert 'href="/scores/"' in body
    anonymous = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.status_code == 404
    assert "Page not found" in anonymous.content.decode()


@pytest.mark.django_db
def test_api_paths_get_json_not_a_page(demo_units):
    response = Client().get("/open311/v2/no-such-thing.json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)


@pytest.mark.django_db
def test_server_error_page_in_the_layout(demo_units, make_user):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert '<h1 class="h3" data-testid="error-title">Server error' in body
    assert "Nothing was partly saved" in body
