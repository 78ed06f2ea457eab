"""API fuzzing: schemathesis against the OpenAPI document and the Open311 endpoints; no answer is a 5xx.

Requests go in-process through the WSGI application, signed in with the API token of a user holding the administrator's, a police clerk's, reviewer's and approver's and an
analyst's roles (Open311: a valid api_key), on the demo city with an open draft. Generation is derandomized
so CI runs are repeatable; `PINGAN_LONG_TESTS=1` raises the number of examples per operation.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

LONG = os.environ.get("PINGAN_LONG_TESTS") == "1"
EXAMPLES = 300 if LONG else 12
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
TALLY: Counter[str] = Counter()

FORMAT = {"name": "format", "in": "path", "required": True, "schema": {"enum": ["json", "xml"]}}
TEXT: dict[str, Any] = {"type": "string"}
OPEN311: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "pingan Open311 GeoReport v2", "version": "2"},
    "paths": {
        "/open311/v2/services.{format}": {
            "get": {"parameters": [FORMAT], "responses": {"200": {"description": "services"}}}
        },
        "/open311/v2/services/{service_code}.{format}": {
            "get": {
                "parameters": [
                    FORMAT,
                    {"name": "service_code", "in": "path", "required": True, "schema": TEXT},
                ],
                "responses": {"200": {"description": "definition"}},
            }
        },
        "/open311/v2/requests.{format}": {
            "get": {
                "parameters": [
                    FORMAT,
                    *(
                        {"name": name, "in": "query", "required": False, "schema": schema}
                        for name, schema in [
                            ("service_request_id", TEXT),
                            ("service_code", TEXT),
                            ("start_date", {"type": "string", "format": "date-time"}),
                            ("end_date", {"type": "string", "format": "date-time"}),
                            ("status", {"enum": ["open", "closed", "other"]}),
                        ]
                    ),
                ],
                "responses": {"200": {"description": "requests"}},
            },
            "post": {
                "parameters": [FORMAT],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["service_code", "description"],
                                "properties": {
                                    "service_code": {
                                        "enum": ["property_fee", "neighbour_noise", "x"]
                                    },
                                    "description": TEXT,
                                    "lat": {"type": "number"},
                                    "long": {"type": "number"},
                                    "address_string": TEXT,
                                    "address_id": {"enum": ["BZ0101", "BZ01", "nope", ""]},
                                    "first_name": TEXT,
                                    "last_name": TEXT,
                                    "phone": TEXT,
                                    "email": TEXT,
                                    "device_id": TEXT,
                                    "account_id": TEXT,
                                    "media_url": TEXT,
                                },
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "created"}},
            },
        },
        "/open311/v2/requests/{service_request_id}.{format}": {
            "get": {
                "parameters": [
                    FORMAT,
                    {"name": "service_request_id", "in": "path", "required": True, "schema": TEXT},
                ],
                "responses": {"200": {"description": "one request"}},
            }
        },
        "/open311/v2/tokens/{token}.{format}": {
            "get": {
                "parameters": [
                    FORMAT,
                    {"name": "token", "in": "path", "required": True, "schema": TEXT},
                ],
                "responses": {"200": {"description": "token"}},
            }
        },
    },
}


@pytest.fixture
def fuzzer(demo_units, make_user):
    """One user holding the roles that reach every operation: administrator, police clerk,
    reviewer and approver, analyst; with the demo city, the Open311 catalogue and an open draft."""
    from pingan.accounts.models import RoleAssignment
    from pingan.core.access.actor import actor_for_user
    from pingan.matters.actions import catalogue
    from pingan.reporting import submissions as reporting
    from pingan.schemes.models import ReportingBody

    catalogue.ensure_defaults()
    user = make_user("system_admin", username="fuzzer")
    police = ReportingBody.objects.get(code="police")
    for role in ("clerk", "reviewer", "approver"):
        RoleAssignment.objects.create(user=user, role=role, body=police)
    RoleAssignment.objects.create(user=user, role="analyst")
    actor = actor_for_user(user, channel="api", source="127.0.0.1")
    reporting.create_submission(actor=actor, body_id=police.pk, month="2026-09")
    return user


def _schema(document: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    return schema


def _api_document() -> dict[str, Any]:
    from pingan.api.main import api

    return dict(api.get_openapi_schema())


API = _schema(_api_document())
OPEN311_SCHEMA = _schema(OPEN311)
_CREDENTIALS: dict[str, str] = {}


@pytest.fixture
def in_process():
    """Keep the test's database connection open across requests, as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(in_process, fuzzer, make_user, actor_of):
    from pingan.accounts.credentials import create_api_token

    security = actor_of(make_user("security_admin", username="security"))
    _CREDENTIALS["Authorization"] = (
        "Bearer " + create_api_token(actor=security, user=fuzzer, name="fuzz")[1]
    )


@pytest.fixture
def open311_key(in_process, fuzzer, system_actor):
    from pingan.matters.actions import api_keys

    _CREDENTIALS["api_key"] = api_keys.create_api_key(actor=system_actor, name="fuzz")[1]


def _call(case: Any, family: str, **kwargs: Any) -> None:
    response = case.call(**kwargs)
    TALLY[family + " requests"] += 1
    if response.status_code >= 500:
        TALLY[family + " 5xx"] += 1
    assert response.status_code < 500, case.as_curl_command()


@API.parametrize()
@SETTINGS
def test_api_never_answers_5xx(case, api_token):
    _call(case, "api", headers={"Authorization": _CREDENTIALS["Authorization"]})


@OPEN311_SCHEMA.parametrize()
@SETTINGS
def test_open311_never_answers_5xx(case, open311_key):
    if case.method == "POST" and isinstance(case.body, dict):
        case.body = {**case.body, "api_key": _CREDENTIALS["api_key"]}
    else:
        case.query = {**(case.query or {}), "api_key": _CREDENTIALS["api_key"]}
    _call(case, "open311")


@pytest.fixture(autouse=True, scope="module")
def _report_tally():
    yield
    if TALLY:
        print("\nfuzzing tally: %s" % dict(sorted(TALLY.items())))
