"""The reporting API end to end, object scope in the API, and the pages of each role."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from pingan.core.access.permissions import allowed_roles
from pingan.reporting.models import Status
from tests.reporting.access_expected import EXPECTED
from tests.reporting.conftest import MONTH, POLICE_CELLS

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_declared_roles_match_the_expectations():
    for action, roles in EXPECTED.items():
        assert set(allowed_roles(action)) == roles, action


def test_api_from_draft_to_received_with_history(staff):
    clerk, reviewer, approver, analyst = (
        _client(staff[k].user) for k in ("clerk", "reviewer", "approver", "analyst")
    )
    created = clerk.post(
        "/api/reporting/submissions",
        data={"body": "police", "month": MONTH},
        content_type="application/json",
    )
    assert created.status_code == 201
    sid = created.json()["id"]
    cells = {"cells": [{"unit_code": u, "indicator_code": c, "value": 2} for u, c in POLICE_CELLS]}
    put = clerk.put(
        "/api/reporting/submissions/%d/cells" % sid,
        data=json.dumps(cells),
        content_type="application/json",
    )
    assert (put.status_code, put.json()["created"], put.json()["missing"]) == (200, 7, 0)
    assert (
        clerk.post("/api/reporting/submissions/%d/submit" % sid).json()["status"]
        == Status.SUBMITTED
    )
    assert (
        reviewer.post("/api/reporting/submissions/%d/review" % sid).json()["status"]
        == Status.REVIEWED
    )
    conflict = reviewer.post("/api/reporting/submissions/%d/review" % sid)
    assert (conflict.status_code, conflict["Content-Type"]) == (409, "application/problem+json")
    assert (
        approver.post("/api/reporting/submissions/%d/approve" % sid).json()["status"]
        == Status.APPROVED
    )
    assert (
        analyst.post("/api/reporting/submissions/%d/receive" % sid).json()["status"]
        == Status.RECEIVED
    )
    history = analyst.get(
        "/api/reporting/history", {"unit": "A1", "indicator": "criminal", "month": MONTH}
    ).json()
    assert [(v["number"], v["value"], v["status"], v["is_current"]) for v in history] == [
        (1, 2, "received", True)
    ]
    got = clerk.get("/api/reporting/submissions/%d/cells" % sid).json()
    assert sorted((c["unit_code"], c["indicator_code"], c["value"]) for c in got) == sorted(
        (u, c, 2) for u, c in POLICE_CELLS
    )
    table = analyst.get("/api/reporting/completeness", {"first": MONTH, "last": MONTH}).json()
    assert [
        (r["body"], r["filled_cells"], r["expected_cells"]) for r in table if r["body"] == "police"
    ] == [("police", 7, 7)]


def test_api_return_needs_reason_and_other_body_is_forbidden(staff, draft):
    other = _client(staff["other_clerk"].user)
    assert other.get("/api/reporting/submissions/%d" % draft.pk).status_code == 403
    assert other.get("/api/reporting/submissions").json() == []
    cells = {"cells": [{"unit_code": "A1", "indicator_code": "criminal", "value": 1}]}
    assert (
        other.put(
            "/api/reporting/submissions/%d/cells" % draft.pk,
            data=json.dumps(cells),
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        _client(staff["clerk"].user).get("/api/reporting/submissions").json()[0]["id"] == draft.pk
    )


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("clerk", "reporting:my_submissions", 200),
        ("reviewer", "reporting:my_submissions", 200),
        ("analyst", "reporting:dashboard", 200),
        ("clerk", "reporting:dashboard", 403),
        ("analyst", "reporting:my_submissions", 403),
    ],
)
def test_pages_by_role(staff, draft, who, name, status):
    assert _client(staff[who].user).get(reverse(name)).status_code == status


def test_grid_page_saves_and_checks(staff, draft):
    clerk = _client(staff["clerk"].user)
    page = clerk.get(reverse("reporting:submission", args=[draft.pk]))
    assert page.status_code == 200 and b'name="v:A1:criminal"' in page.content
    checked = clerk.post(
        reverse("reporting:save_cells", args=[draft.pk]),
        {"v:A1:criminal": "3", "v:A2:criminal": "", "check": "1"},
        follow=True,
    )
    assert list(draft.figures.values_list("value", flat=True)) == [3]
    texts = [str(m) for m in checked.context["messages"]]
    assert texts[0] == "Draft saved: 1 filled, 6 missing, 0 refused."
    prefix = "The draft is saved but cannot be submitted yet: "
    assert texts[1].startswith(prefix + "甲区 · Public-security (administrative) cases: no value; ")
    assert len(texts[1].split("; ")) == 6
    refused = clerk.post(
        reverse("reporting:save_cells", args=[draft.pk]),
        {"v:A1:criminal": "３", "v:A2:criminal": "-1"},
        follow=True,
    )
    assert list(draft.figures.values_list("value", flat=True)) == [3]
    assert list(draft.draft_entries.values_list("text", flat=True)) == ["-1"]
    assert next(str(m) for m in refused.context["messages"]) == (
        "乙区 · Criminal cases: “-1” refused, the value must be a whole number ≥ 0"
    )
    assert b'value="-1"' in refused.content
    clerk.post(
        reverse("reporting:save_cells", args=[draft.pk]),
        {"v:A1:criminal": "3", "v:A2:criminal": ""},
    )
    assert list(draft.figures.values_list("value", flat=True)) == [3]
    assert draft.draft_entries.count() == 0
    assert (
        _client(staff["other_clerk"].user)
        .get(reverse("reporting:submission", args=[draft.pk]))
        .status_code
        == 403
    )
    assert clerk.get(reverse("reporting:template", args=[draft.pk]))["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_analyst_downloads_the_export_and_it_is_audited(staff, approved):
    from pingan.audit.models import AuditRecord

    response = _client(staff["analyst"].user).get(
        reverse("reporting:export"), {"from": MONTH, "to": MONTH, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.content.decode().splitlines()[:3] == [
        "unit_code,indicator_code,period,value,unit_name,indicator_name",
        "A1,criminal,2026-09,1,甲区,Criminal cases",
        "A1,public_security,2026-09,1,甲区,Public-security (administrative) cases",
    ]
    assert AuditRecord.objects.filter(event="reporting.figures.export").count() == 1
    assert _client(staff["clerk"].user).get(reverse("reporting:export")).status_code == 403
