"""A missing month is never read as zero: withheld units, imputed cells, provisional quarters."""

from __future__ import annotations

import csv
import io
import json

import pytest

from pingan.cli import main
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data.generate import monthly_counts
from pingan.scores.cells import explanation_cells
from pingan.scores.models import QuarterResult
from tests.scores.test_compute import MONTHS, indicators_by_class, run_cli, write_figures

GAP = ("BZ02", "criminal", "2026-05")


def import_rows(tmp_path, rows):
    assert (
        main(
            [
                "figures",
                "import",
                str(write_figures(tmp_path / "f.csv", rows)),
                "--approve",
                "--reason",
                "history",
            ]
        )
        == 0
    )
    assert run_owed_jobs() == 4  # recomputation, figures watch, index watch of 2026Q1 and Q2


@pytest.fixture
def with_gap(demo_units, binzhou, tmp_path):
    """Six months of figures; BZ02 has no approved criminal-cases figure for May 2026."""
    rows = [r for r in monthly_counts(MONTHS, indicators_by_class(binzhou)) if r[:3] != GAP]
    import_rows(tmp_path, rows)
    return rows


def q2(code):
    return QuarterResult.objects.get(run__period="2026Q2", run__is_current=True, unit__code=code)


# Absolute scores of the class-A units in 2026Q2 on the complete fixture, as computed before
# completeness was checked (they equal the independent recomputation of test_compute).
PINNED_A = {
    "BZ01": 83.35, "BZ02": 80.29, "BZ03": 83.58, "BZ04": 74.3, "BZ05": 81.22,
    "BZ06": 74.51, "BZ07": 85.79, "BZ08": 97.2, "BZ09": 96.18, "BZ10": 89.41,
}  # fmt: skip
PINNED_SUM = 9897.33  # all 108 units of 2026Q2


@pytest.mark.django_db
def test_complete_units_keep_their_absolute_scores(demo_units, binzhou, tmp_path):
    import_rows(tmp_path, monthly_counts(MONTHS, indicators_by_class(binzhou)))
    stored = dict(
        QuarterResult.objects.filter(
            run__period="2026Q2", run__is_current=True, class_code="A"
        ).values_list("unit__code", "absolute_score")
    )
    assert stored == PINNED_A
    every = QuarterResult.objects.filter(run__period="2026Q2", run__is_current=True)
    assert round(sum(every.values_list("absolute_score", flat=True)), 6) == PINNED_SUM
    assert every.count() == 108
    assert not QuarterResult.objects.filter(absolute_score__isnull=True).exists()


@pytest.mark.django_db
def test_withhold_scores_the_others_as_before_and_lists_the_gap(with_gap, binzhou, capsys):
    gap = q2("BZ02")
    assert (gap.absolute_score, gap.relative_score, gap.rank, gap.stars, gap.tier) == (
        None, None, None, None, ""
    )  # fmt: skip
    assert gap.complete is False
    others = dict(
        QuarterResult.objects.filter(
            run__period="2026Q2", run__is_current=True, class_code="A"
        ).values_list("unit__code", "absolute_score")
    )
    assert {k: v for k, v in others.items() if k != "BZ02"} == {
        k: v for k, v in PINNED_A.items() if k != "BZ02"
    }
    ranks = sorted(
        QuarterResult.objects.filter(
            run__period="2026Q2", run__is_current=True, class_code="A", rank__isnull=False
        ).values_list("rank", flat=True)
    )
    assert len(ranks) == 9 and max(ranks) <= 9
    rows = list(
        csv.DictReader(io.StringIO(run_cli(capsys, "scores", "export", "--period", "2026Q2")))
    )
    row = next(r for r in rows if r["unit_code"] == "BZ02")
    assert [row[k] for k in ("absolute_score", "relative_score", "rank", "rank_low")] == [""] * 4
    assert [row[k] for k in ("rank_high", "tier", "stars", "complete", "provisional")] == [
        "", "", "", "false", "false"
    ]  # fmt: skip
    assert rows[-1]["unit_code"] != "BZ03"
    explained = json.loads(
        run_cli(
            capsys, "scores", "explain", "--period", "2026Q2", "--unit", "BZ02", "--format", "json"
        )
    )
    assert explained["absolute_score"] is None
    assert explained["missing"] == [
        {
            "indicator_code": "criminal",
            "indicator": "刑事案件",
            "month": "2026-05",
            "body": "市公安局",
        }
    ]
    text = run_cli(capsys, "scores", "explain", "--period", "2026Q2", "--unit", "BZ02")
    assert "未完整上报" in text or "not fully reported" in text


@pytest.mark.django_db
def test_impute_fills_the_gap_with_the_units_own_mean(with_gap, binzhou, system_actor, capsys):
    from pingan.scores.services import compute_period

    version = binzhou
    version.content = {**version.content, "completeness": {"policy": "impute"}}
    version.content_hash = "impute"
    version.save(update_fields=["content", "content_hash"])
    run = compute_period(actor=system_actor, period="2026Q2", reason="impute")
    gap = run.results.get(unit__code="BZ02")
    assert gap.complete is False and gap.imputed_cells == 1 and gap.absolute_score is not None
    (cell,) = [
        c for c in explanation_cells(gap) if (c.indicator_code, c.month) == ("criminal", "2026-05")
    ]
    figures = [r[3] for r in with_gap if r[0] == "BZ02" and r[1] == "criminal"]
    assert cell.status == "imputed" and cell.count is None
    assert cell.imputed == pytest.approx(round(sum(figures) / len(figures), 6))
    reported = sum(r[3] for r in with_gap if r[:2] == ("BZ02", "criminal") and r[2] in MONTHS[3:])
    assert gap.absolute_score != pytest.approx(PINNED_A["BZ02"]) or reported == 0
    for code, score in PINNED_A.items():
        if code != "BZ02":
            assert run.results.get(unit__code=code).absolute_score == score
    text = run_cli(capsys, "scores", "explain", "--period", "2026Q2", "--unit", "BZ02")
    assert "imputed" in text or "插补" in text


def signed_in(make_user, role):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user(role), backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.django_db
def test_pages_and_api_list_the_withheld_unit_apart(with_gap, make_user):
    client = signed_in(make_user, "analyst")
    response = client.get("/scores/?quarter=2026Q2&class=A")
    html = response.content.decode()
    codes = [r["result"].unit.code for r in response.context["rows"]]
    assert len(codes) == 9 and "BZ02" not in codes
    assert response.context["withheld"] == [
        {
            "unit_code": "BZ02",
            "unit_name": "Zhanhua District",
            "class_code": "A",
            "veto": False,
            "cells": [
                {
                    "indicator_code": "criminal",
                    "indicator": "Criminal cases",
                    "month": "2026-05",
                    "body": "Municipal Public Security Bureau",
                }
            ],
        }
    ]
    assert "Criminal cases · 2026-05 · Municipal Public Security Bureau" in html
    assert 'data-testid="provisional"' not in html
    page = client.get("/scores/unit/BZ02/?quarter=2026Q2")
    assert page.context["missing_cells"] == response.context["withheld"][0]["cells"]
    assert page.context["warnings"] == [
        "Figures missing (not fully reported): the unit has no score, rank or tier this quarter"
    ]
    assert 'data-testid="missing-cells"' in page.content.decode()
    api = client.get("/api/scores/periods/2026Q2/withheld?class_code=A").json()
    assert api == response.context["withheld"]
    result = client.get("/api/scores/periods/2026Q2/units/BZ02").json()
    assert (result["absolute_score"], result["rank"], result["stars"], result["complete"]) == (
        None, None, None, False
    )  # fmt: skip
    funnel = client.get("/api/scores/periods/2026Q2/funnel?class_code=A").json()
    assert "BZ02" not in [p["code"] for p in funnel["points"]]


@pytest.mark.django_db
def test_a_provisional_quarter_is_marked_everywhere_and_never_the_default(
    with_gap, make_user, monkeypatch, capsys
):
    import datetime as dt

    from pingan.scores import selectors

    monkeypatch.setattr(selectors, "clock", lambda: dt.datetime(2026, 7, 3, tzinfo=dt.UTC))
    client = signed_in(make_user, "analyst")
    default = client.get("/scores/")
    assert default.context["selection"].period == "2026Q1"
    assert ("2026Q2", "2026Q2 (provisional)") in default.context["selection"].choices
    shown = client.get("/scores/?quarter=2026Q2&class=A")
    assert shown.context["selection"].provisional is True
    assert shown.context["selection"].final_on == dt.date(2026, 7, 6)
    assert 'data-testid="provisional"' in shown.content.decode()
    assert all(r["provisional"] for r in client.get("/api/scores/periods/2026Q2/results").json())
    assert client.get("/api/scores/periods/2026Q2/funnel?class_code=A").json()["provisional"]
    rows = list(
        csv.DictReader(io.StringIO(run_cli(capsys, "scores", "export", "--period", "2026Q2")))
    )
    assert {r["provisional"] for r in rows} == {"true"}
    tiered = QuarterResult.objects.filter(
        run__period="2026Q2", run__is_current=True, class_code="A"
    ).exclude(tier="")
    page = client.get("/scores/unit/%s/?quarter=2026Q2" % tiered.first().unit.code)
    assert not [w for w in page.context["warnings"] if w.startswith("Warning tier")]
    assert page.context["history"][-1]["label"] == "2026Q2 (provisional)"
