"""Deny by default: every URL, anonymous and as each role, against the allow matrix.

The matrix is stated independently in each `tests/<app>/access_expected.py`. A URL whose view
declares no action (and is not explicitly public) fails the test, as does an action missing
from the matrix or allowed to other roles in the code than the matrix says.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pingan.core.access.permissions import allowed_roles
from pingan.core.access.roles import UNIT_ROLES, Role

ROLES = [r.value for r in Role]
TESTS = Path(__file__).resolve().parent.parent
SKIPPED_PREFIXES = ("api/", "open311/", "static/")


def expected_matrix() -> dict[str, set[str]]:
    """Merge every tests/<app>/access_expected.py."""
    merged: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules([str(TESTS)]):
        if not (TESTS / info.name / "access_expected.py").exists():
            continue
        module = importlib.import_module("tests.%s.access_expected" % info.name)
        for action, roles in module.EXPECTED.items():
            assert action not in merged, action
            merged[action] = set(roles)
    return merged


def walk(patterns, prefix=""):
    """Yield (route, callback, name) for every URL pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            for route, callback, name in walk(entry.url_patterns, prefix + str(entry.pattern)):
                yield route, callback, ("%s:%s" % (namespace, name) if namespace and name else name)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, entry.name


def sample_path(route: str) -> str:
    """A concrete path for a route: integers become 999999, other parameters 'x'."""
    import re

    route = re.sub(r"<int:[^>]+>", "999999", route)
    route = re.sub(r"<(str|slug|path):[^>]+>|<[^:>]+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + route


def guarded_urls():
    """Every URL of the site except the API and Open311 (tested by their own matrices)."""
    urls = []
    for route, callback, name in walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        urls.append((route, callback, name))
    return urls


def test_every_view_declares_an_action_or_is_public():
    undeclared = [
        name or route
        for route, cb, name in guarded_urls()
        if not getattr(cb, "pingan_action", None) and not getattr(cb, "pingan_public", False)
    ]
    assert undeclared == []


def test_code_registry_matches_the_matrix():
    matrix = expected_matrix()
    used = {cb.pingan_action for _r, cb, _n in guarded_urls() if getattr(cb, "pingan_action", None)}
    assert sorted(used - set(matrix)) == []
    mismatched = {
        a: (sorted(allowed_roles(a)), sorted(matrix[a]))
        for a in used
        if set(allowed_roles(a)) != matrix[a]
    }
    assert mismatched == {}


@pytest.fixture
def role_clients(demo_units, make_user, client):
    """A logged-in client per role (body roles at police, unit roles at BZ01)."""
    from django.test import Client

    clients = {}
    for role in ROLES:
        scope = (
            {"body": "police"}
            if role in ("clerk", "reviewer", "approver")
            else {"unit": "BZ01"}
            if role in UNIT_ROLES
            else {}
        )
        clients[role] = (Client(), make_user(role, **scope))
    return clients


def fetch(client, path):
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response


@pytest.mark.django_db
def test_every_url_against_the_matrix(role_clients, client):
    matrix = expected_matrix()
    wrong = []
    for route, callback, name in guarded_urls():
        path = sample_path(route)
        if getattr(callback, "pingan_public", False):
            continue
        action = callback.pingan_action
        anonymous = fetch(client, path)
        if anonymous.status_code != 302 or "/login/" not in anonymous["Location"]:
            wrong.append((name, "anonymous", anonymous.status_code))
        for role, (role_client, user) in role_clients.items():
            role_client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            status = fetch(role_client, path).status_code
            allowed = role in matrix[action]
            if (allowed and status == 403) or (not allowed and status != 403):
                wrong.append((name, role, status))
    assert wrong == []


@pytest.mark.django_db
def test_every_api_route_refuses_anonymous_callers(client):
    """The JSON API is deny-by-default too: without a session or token every route answers 401."""
    from pingan.api.main import api

    schema = api.get_openapi_schema()
    assert len(schema["paths"]) == 25
    wrong = []
    for route, operations in schema["paths"].items():
        path = sample_path(route.lstrip("/").replace("{", "<").replace("}", ">"))
        for method in operations:
            response = getattr(client, method)(path, content_type="application/json")
            if (
                response.status_code != 401
                or response["Content-Type"] != "application/problem+json"
            ):
                wrong.append((method, route, response.status_code))
    assert wrong == []
