"""The control-character guard in front of every view: pages, forms, the API, Open311."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

REASON = "contains a control character (U+%s) at character %d"


@pytest.fixture
def client_en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_api_json_body_with_a_control_character_is_a_problem_naming_the_field(client_en):
    response = client_en.post(
        "/api/reporting/submissions",
        json.dumps({"body": "police", "month": "2026-09", "correction_reason": "a\x07b"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "The input was refused",
        "status": 422,
        "detail": "Nothing was written.",
        "instance": "/api/reporting/submissions",
        "problems": [{"row": None, "column": "correction_reason", "reason": REASON % ("0007", 2)}],
    }


@pytest.mark.django_db
def test_api_nested_json_and_query_are_checked(client_en):
    response = client_en.put(
        "/api/reporting/submissions/1/cells?dry_run=1",
        json.dumps({"cells": [{"unit_code": "A1", "indicator_code": "x\x1b"}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"row": None, "column": "cells.0.indicator_code", "reason": REASON % ("001B", 2)}
    ]
    query = client_en.get("/api/units/units", {"q": "\x7f"})
    assert query.status_code == 422
    assert query.json()["problems"] == [
        {"row": None, "column": "q", "reason": REASON % ("007F", 1)}
    ]


@pytest.mark.django_db
def test_form_post_and_path_with_a_control_character_are_refused(client_en):
    response = client_en.post(
        "/login/",
        urlencode({"username": "ad\x00min", "password": "x"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.content.decode() == (
        "The input was refused; nothing was written: field username: " + REASON % ("0000", 3)
    )
    path = client_en.get("/matters/%01/")
    assert path.status_code == 400
    assert path.content.decode() == (
        "The input was refused; nothing was written: field path: " + REASON % ("0001", 10)
    )


@pytest.mark.django_db
def test_line_breaks_and_tabs_pass_the_guard(client_en):
    response = client_en.get("/login/", {"next": "/a\tb\r\nc"})
    assert response.status_code == 200
