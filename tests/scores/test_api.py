"""The scores API: results of a quarter, one unit with its explanation, funnel data, runs, export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from pingan.scores.models import ScoreRun
from tests.scores.test_views import results  # noqa: F401 - the hand-made results, shared with the page tests


@pytest.fixture
def api(make_user):
    def as_role(role, **scope):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(
            make_user(role, **scope), backend="django.contrib.auth.backends.ModelBackend"
        )
        return client

    return as_role


@pytest.mark.django_db
def test_results_of_a_quarter_by_class(results, api):  # noqa: F811
    response = api("leader").get("/api/scores/periods/2026Q2/results?class_code=A")
    assert response.status_code == 200
    body = response.json()
    assert [r["unit_code"] for r in body] == ["BZ03", "BZ01", "BZ02"]
    assert body[1] == {
        "unit_code": "BZ01", "unit_name": "Bincheng District", "class_code": "A", "period": "2026Q2",
        "absolute_score": 88.0, "relative_score": 93.125, "absolute_text": "88.00", "relative_text": "93.12",
        "rank": 2, "rank_low": 1, "rank_high": 3, "tier": "yellow", "stars": 3, "veto": False, "complete": True,
        "provisional": False, "imputed_cells": 0, "funnel_flag": "", "observed": 9.0, "expected": 10.0, "change_prev": -2.25, "change_year": 4.0,
        "key_management": False,
    }  # fmt: skip


@pytest.mark.django_db
def test_unit_viewer_sees_only_their_unit(results, api):  # noqa: F811
    client = api("unit_viewer", unit="BZ01")
    assert [r["unit_code"] for r in client.get("/api/scores/periods/2026Q2/results").json()] == [
        "BZ01"
    ]
    assert client.get("/api/scores/periods/2026Q2/units/BZ01").status_code == 200
    denied = client.get("/api/scores/periods/2026Q2/units/BZ02")
    assert denied.status_code == 403 and denied["Content-Type"] == "application/problem+json"
    assert client.get("/api/scores/periods/2026Q2/export").status_code == 403


@pytest.mark.django_db
def test_unit_result_with_explanation(results, api):  # noqa: F811
    body = api("analyst").get("/api/scores/periods/2026Q2/units/BZ01").json()
    assert body["absolute_text"] == "88.00"
    assert body["explanation"] == [
        {
            "indicator_code": "criminal",
            "month": "2026-04",
            "count": 3,
            "deduction": 0.06,
            "figure_id": None,
            "status": "",
            "imputed": None,
        },
        {
            "indicator_code": "criminal",
            "month": "2026-05",
            "count": None,
            "deduction": 0.0,
            "figure_id": None,
            "status": "missing",
            "imputed": None,
        },
        {
            "indicator_code": "mass_incident",
            "month": "2026-06",
            "count": 6,
            "deduction": 12.0,
            "figure_id": None,
            "status": "",
            "imputed": None,
        },
    ]
    assert body["missing_cells"] == [
        {
            "indicator_code": "criminal",
            "indicator": "Criminal cases",
            "month": "2026-05",
            "body": "Municipal Public Security Bureau",
        }
    ]
    assert api("analyst").get("/api/scores/periods/2030Q1/units/BZ01").status_code == 404


@pytest.mark.django_db
def test_funnel_and_runs(results, api):  # noqa: F811
    client = api("office_head")
    funnel = client.get("/api/scores/periods/2026Q2/funnel?class_code=A").json()
    assert funnel["class_code"] == "A" and funnel["overdispersed"] is False
    assert [(p["code"], p["ratio"]) for p in funnel["points"]] == [
        ("BZ01", 0.9),
        ("BZ02", 0.96),
        ("BZ03", 1.25),
    ]
    runs = client.get("/api/scores/runs").json()
    assert [(r["period"], r["is_current"], r["scheme"]) for r in runs] == [
        ("2026Q2", True, "binzhou"),
        ("2026Q1", True, "binzhou"),
    ]
    assert [r["id"] for r in client.get("/api/scores/runs?period=2026Q1").json()] == [
        ScoreRun.objects.get(period="2026Q1").pk
    ]


@pytest.mark.django_db
def test_export_in_the_scores_format(results, api):  # noqa: F811
    response = api("system_admin").get("/api/scores/periods/2026Q2/export?format=csv")
    lines = response.content.decode().splitlines()
    assert (
        lines[0]
        == "unit_code,unit_name,class,period,absolute_score,relative_score,rank,rank_low,rank_high,tier,stars,funnel_flag,veto,complete,provisional,tier_name,funnel_flag_name"
    )
    assert lines[1] == "BZ03,Huimin County,A,2026Q2,96.50,91.25,1,1,2,,5,,false,true,false,,"
    assert api("handler", unit="BZ01").get("/api/scores/periods/2026Q2/results").status_code == 403


@pytest.mark.django_db
def test_xlsx_export_is_headed_in_the_readers_language_with_scores_as_numbers(results, api):  # noqa: F811
    client = api("system_admin")
    data = client.get(
        "/api/scores/periods/2026Q2/export?format=xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "2026Q2"
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["单位代码", "单位", "类别", "季度", "绝对得分", "相对得分"]
    first = [c.value for c in sheet[2]]
    assert first[:6] == ["BZ03", "惠民县", "A", "2026Q2", 96.5, 91.25]
    assert first[-3:] == ["否", "是", "否"]
