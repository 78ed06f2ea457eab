"""Quarterly results: computed on approval, exact against an independent recomputation, idempotent."""

from __future__ import annotations

import csv
import io
import json

import pytest

from pingan.cli import main
from pingan.core.jobs import run_owed_jobs
from pingan.demo_data.generate import monthly_counts
from pingan.scores.cells import explanation_cells
from pingan.scores.models import QuarterResult, ScoreChange, ScoreRun
from pingan.scores.services import compute_period

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


def indicators_by_class(version):
    return {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in version.classes.all()
    }


def write_figures(path, rows):
    lines = ["unit_code,indicator_code,period,value"] + ["%s,%s,%s,%d" % row for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def approved(demo_units, binzhou, tmp_path):
    rows = monthly_counts(MONTHS, indicators_by_class(binzhou))
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
    return rows


def run_cli(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.mark.django_db
def test_approval_computes_both_quarters(approved):
    assert sorted(ScoreRun.objects.filter(is_current=True).values_list("period", flat=True)) == [
        "2026Q1",
        "2026Q2",
    ]
    assert QuarterResult.objects.filter(run__period="2026Q2").count() == 108


@pytest.mark.django_db
def test_absolute_scores_equal_an_independent_recomputation(approved, capsys, monkeypatch):
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    scheme = json.loads(run_cli(capsys, "scheme", "show", "binzhou", "--format", "json"))
    figures = list(
        csv.DictReader(
            io.StringIO(
                run_cli(capsys, "figures", "export", "--from", "2026-04", "--to", "2026-06")
            )
        )
    )
    scores = list(
        csv.DictReader(io.StringIO(run_cli(capsys, "scores", "export", "--period", "2026Q2")))
    )
    assert list(scores[0]) == [
        "unit_code",
        "unit_name",
        "class",
        "period",
        "absolute_score",
        "relative_score",
        "rank",
        "rank_low",
        "rank_high",
        "tier",
        "stars",
        "funnel_flag",
        "veto",
        "complete",
        "provisional",
        "tier_name",
        "funnel_flag_name",
    ]
    rules = {c["code"]: {i["code"]: i for i in c["indicators"]} for c in scheme["classes"]}
    totals: dict[tuple[str, str], int] = {}
    for row in figures:
        key = (row["unit_code"], row["indicator_code"])
        totals[key] = totals.get(key, 0) + int(row["value"])
    for row in scores:
        deductions = 0.0
        for code, rule in rules[row["class"]].items():
            raw = rule["deduction"] * totals[(row["unit_code"], code)]
            deductions += raw if rule["cap"] is None else min(rule["cap"], raw)
        assert row["absolute_score"] == "%.2f" % max(0.0, 100 - deductions), row["unit_code"]


@pytest.mark.django_db
def test_ranks_intervals_tiers_and_stars_agree_with_the_scheme(approved, binzhou):
    lines = binzhou.tiers
    for r in QuarterResult.objects.filter(run__is_current=True):
        assert r.rank_low <= r.rank <= r.rank_high
        expected_tier = (
            "red"
            if r.veto or r.absolute_score < lines["red"]
            else "orange"
            if r.absolute_score < lines["orange"]
            else "yellow"
            if r.absolute_score < lines["yellow"]
            else ""
        )
        assert r.tier == expected_tier
        bands = binzhou.star_bands
        expected_stars = (
            1 if r.veto else max(i + 1 for i, b in enumerate(bands) if r.absolute_score >= b)
        )
        assert r.stars == expected_stars


@pytest.mark.django_db
def test_ranks_within_class_share_ties(approved):
    for cls in ("A", "B", "C"):
        results = list(
            QuarterResult.objects.filter(
                run__period="2026Q2", run__is_current=True, class_code=cls
            ).order_by("-absolute_score")
        )
        for r in results:
            assert r.rank == 1 + sum(1 for o in results if o.absolute_score > r.absolute_score)


@pytest.mark.django_db
def test_recomputing_unchanged_inputs_reuses_the_run(approved, system_actor):
    run = ScoreRun.objects.get(period="2026Q2", is_current=True)
    again = compute_period(actor=system_actor, period="2026Q2", reason="again")
    assert again.pk == run.pk
    assert ScoreRun.objects.filter(period="2026Q2").count() == 1


@pytest.mark.django_db
def test_a_new_engine_method_makes_every_computed_quarter_stale(
    approved, system_actor, monkeypatch
):
    from pingan.scores import services

    assert services.stale_quarters() == []
    monkeypatch.setattr(services, "METHOD", "a later method")
    assert services.stale_quarters() == ["2026Q1", "2026Q2"]
    before = ScoreRun.objects.get(period="2026Q1", is_current=True)
    after = compute_period(actor=system_actor, period="2026Q1", reason="new method")
    assert after is not None and after.pk != before.pk
    assert services.stale_quarters() == ["2026Q2"]


@pytest.mark.django_db
def test_explanation_sums_to_the_deduction(approved, capsys):
    result = (
        QuarterResult.objects.select_related("unit")
        .filter(run__period="2026Q2", run__is_current=True, class_code="A")
        .order_by("rank")
        .first()
    )
    explained = json.loads(
        run_cli(
            capsys,
            "scores",
            "explain",
            "--period",
            "2026Q2",
            "--unit",
            result.unit.code,
            "--format",
            "json",
        )
    )
    assert round(100 - sum(r["deduction"] for r in explained["rows"]), 6) == pytest.approx(
        max(0.0, result.absolute_score), abs=1e-6
    )
    months = {r["month"] for r in explained["rows"]}
    assert months - {"cap"} == {"2026-04", "2026-05", "2026-06"}
    assert all(r["figure_id"] for r in explained["rows"] if r["month"] != "cap")


@pytest.mark.django_db
def test_a_correction_recomputes_and_records_the_change(approved, tmp_path):
    before = ScoreRun.objects.get(period="2026Q2", is_current=True)
    unit_row = next(
        r for r in approved if r[0] == "BZ01" and r[1] == "mass_incident" and r[2] == "2026-05"
    )
    corrected = [
        r if r is not unit_row else (r[0], r[1], r[2], r[3] + 2)
        for r in approved
        if r[2] == "2026-05"
    ]
    assert (
        main(
            [
                "figures",
                "import",
                str(write_figures(tmp_path / "c.csv", corrected)),
                "--approve",
                "--reason",
                "correction",
            ]
        )
        == 0
    )
    assert ScoreRun.objects.get(period="2026Q2", is_current=True).pk == before.pk
    assert run_owed_jobs() == 3  # recomputation, figures watch, index watch of the new run
    after = ScoreRun.objects.get(period="2026Q2", is_current=True)
    assert after.pk != before.pk and after.supersedes_id == before.pk
    change = ScoreChange.objects.get(run=after, unit__code="BZ01")
    quarter_total = sum(
        r[3] for r in approved if r[0] == "BZ01" and r[1] == "mass_incident" and r[2] in MONTHS[3:]
    )
    extra = min(20.0, 2.0 * (quarter_total + 2)) - min(20.0, 2.0 * quarter_total)
    assert change.new_absolute == pytest.approx(max(0.0, change.old_absolute - extra), abs=1e-9)
    assert ScoreRun.objects.get(pk=before.pk).results.count() == 108


@pytest.mark.django_db
def test_missing_month_marks_the_score_incomplete(demo_units, binzhou, tmp_path, system_actor):
    rows = monthly_counts(["2026-01", "2026-02"], indicators_by_class(binzhou))
    assert (
        main(
            [
                "figures",
                "import",
                str(write_figures(tmp_path / "p.csv", rows)),
                "--approve",
                "--reason",
                "partial",
            ]
        )
        == 0
    )
    run = compute_period(actor=system_actor, period="2026Q1", reason="test")
    assert set(run.results.values_list("complete", flat=True)) == {False}
    assert set(run.results.values_list("absolute_score", "rank", "stars", "tier")) == {
        (None, None, None, "")
    }
    result = run.results.filter(class_code="A").order_by("unit__code").first()
    assert result.quarter_to_date == []
    missing = [c for c in explanation_cells(result) if c.status == "missing"]
    assert sorted({c.month for c in missing}) == ["2026-03"]
    assert len(missing) == 10


@pytest.mark.django_db
def test_key_management_mark_is_audited_and_single(demo_units, make_user, actor_of):
    from pingan.audit.models import AuditRecord
    from pingan.core.problems import InputRefused
    from pingan.scores.services import end_key_management, mark_key_management
    from pingan.units.models import OrgUnit

    analyst = actor_of(make_user("analyst"))
    unit = OrgUnit.objects.get(code="BZ03")
    mark_key_management(actor=analyst, unit=unit, reason="连续两季度红色预警")
    with pytest.raises(InputRefused):
        mark_key_management(actor=analyst, unit=unit, reason="again")
    end_key_management(actor=analyst, unit=unit)
    assert list(
        AuditRecord.objects.filter(event__startswith="scores.key_management").values_list(
            "event", flat=True
        )
    ) == [
        "scores.key_management.mark",
        "scores.key_management.end",
    ]
