"""What-if: a draft scheme against the version in force, exact values, nothing stored, CLI = page."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingan.cli import main
from pingan.core.access.actor import command_line_actor
from pingan.core.problems import InputRefused
from pingan.schemes.models import Indicator, ReportingBody, SchemeVersion
from pingan.scores.models import QuarterResult, ScoreRun
from pingan.scores.whatif import Sensitivity, compare_draft

MASS_C = '  { code = "mass_incident", deduction = 3.0, cap = 20 },\n  { code = "media_incident"'


def builtin_source() -> str:
    return (
        resources.files("pingan.schemes.builtin")
        .joinpath("binzhou.toml")
        .read_text(encoding="utf-8")
    )


def doubled_source() -> str:
    """The built-in scheme with class C's deduction per mass incident doubled (3 -> 6)."""
    source = builtin_source()
    assert source.count(MASS_C) == 1
    return source.replace(MASS_C, MASS_C.replace("3.0", "6.0"))


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "draft.toml"
    path.write_text(doubled_source(), encoding="utf-8")
    return path


def class_c(data, period="2026Q2"):
    found = next(p for p in data["periods"] if p["period"] == period)
    return {u["unit_code"]: u for u in found["units"] if u["class"] == "C"}, found


@pytest.mark.django_db
def test_doubling_one_deduction_gives_exact_scores_ranks_and_tiers(figures):
    data = compare_draft(actor=command_line_actor(), source=doubled_source(), periods=["2026Q2"])
    units, period = class_c(data)
    summary = {
        code: (u["in_force"], u["draft"], u["rank_shift"], u["tier_changed"])
        for code, u in units.items()
        if u["in_force"] is not None
    }
    assert summary == {
        "I01": ({"score": 95.0, "rank": 1, "tier": ""}, {"score": 92.0, "rank": 2, "tier": ""}, 1, False),
        "I02": ({"score": 94.0, "rank": 2, "tier": ""}, {"score": 94.0, "rank": 1, "tier": ""}, -1, False),
        "I03": ({"score": 92.0, "rank": 3, "tier": ""}, {"score": 86.0, "rank": 4, "tier": "yellow"}, 1, True),
        "I04": ({"score": 90.0, "rank": 4, "tier": ""}, {"score": 90.0, "rank": 3, "tier": ""}, -1, False),
    }  # fmt: skip
    assert [code for code in units if units[code]["in_force"] is None] == [
        "I05", "I06", "I07", "I08",
    ]  # fmt: skip
    assert period["tier_changes"] == ["I03"]
    assert period["mean_abs_rank_shift"] == 1.0
    assert data["mean_abs_rank_shift"] == 1.0
    assert (data["scheme"], data["in_force_version"], data["sensitivity"]) == ("binzhou", 1, None)
    assert list(units) == ["I01", "I02", "I03", "I04", "I05", "I06", "I07", "I08"]


@pytest.mark.django_db
def test_an_unchanged_file_compares_equal_and_matches_the_stored_results(figures):
    data = compare_draft(actor=command_line_actor(), source=builtin_source(), periods=["2026Q2"])
    units, period = class_c(data)
    assert all(u["in_force"] == u["draft"] for u in period["units"])
    assert period["tier_changes"] == [] and period["mean_abs_rank_shift"] == 0.0
    stored = {
        r.unit.code: (r.absolute_score, r.rank, r.tier)
        for r in QuarterResult.objects.filter(run__period="2026Q2", run__is_current=True)
        .select_related("unit")
        .filter(class_code="C", absolute_score__isnull=False)
    }
    assert stored == {c: (u["in_force"]["score"], u["in_force"]["rank"], u["in_force"]["tier"]) for c, u in units.items() if u["in_force"]}  # fmt: skip


@pytest.mark.django_db
def test_nothing_is_stored_and_results_in_force_stay(figures):
    before = (
        SchemeVersion.objects.count(),
        Indicator.objects.count(),
        ScoreRun.objects.count(),
        QuarterResult.objects.count(),
        list(ReportingBody.objects.values_list("code", "name_zh")),
    )
    renamed = doubled_source().replace('name_zh = "市公安局"', 'name_zh = "某公安局"')
    compare_draft(actor=command_line_actor(), source=renamed, periods=["2026Q2"])
    after = (
        SchemeVersion.objects.count(),
        Indicator.objects.count(),
        ScoreRun.objects.count(),
        QuarterResult.objects.count(),
        list(ReportingBody.objects.values_list("code", "name_zh")),
    )
    assert after == before


@pytest.mark.django_db
def test_sensitivity_rank_ranges_are_seeded(figures):
    # ±10% never changes the order of the draft's four scores (8±0.8, 6±0.6, 14±1.4, 10±1).
    data = compare_draft(
        actor=command_line_actor(),
        source=doubled_source(),
        periods=["2026Q2"],
        sensitivity=Sensitivity(0.1, 50, 7),
    )
    units, _period = class_c(data)
    assert {c: u["rank_range"] for c, u in units.items() if u["draft"]} == {
        "I01": [2, 2], "I02": [1, 1], "I03": [4, 4], "I04": [3, 3],
    }  # fmt: skip
    assert data["sensitivity"] == {"spread": 0.1, "draws": 50, "seed": 7}
    wide = compare_draft(
        actor=command_line_actor(),
        source=doubled_source(),
        periods=["2026Q2"],
        sensitivity=Sensitivity(0.5, 200, 7),
    )
    # ±50% (criminal f1, safety f3, mass f2): I01 2f1 + 6f2, I02 6f1, I03 2f3 + 12f2, I04 10f1
    # change places in some draws; I02 = 0.6 x I04 always ranks above I04 (the same f1).
    ranges = {c: u["rank_range"] for c, u in class_c(wide)[0].items() if u["draft"]}
    assert ranges == {"I01": [1, 3], "I02": [1, 2], "I03": [3, 4], "I04": [2, 4]}


@pytest.mark.django_db
def test_provisional_quarters_and_bad_files_are_refused(figures):
    with pytest.raises(InputRefused) as refused:
        compare_draft(
            actor=command_line_actor(), source=doubled_source(), periods=["2026Q4", "2026Q9"]
        )
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("period", "2026Q4 is provisional: only final quarters are compared"),
        ("period", "2026Q9: not a quarter of the form YYYYQn"),
    ]
    bad = doubled_source().replace(
        '{ code = "extreme_incident", deduction = 3.0 }',
        '{ code = "extreme_incident", deduction = -3.0 }',
    )
    with pytest.raises(InputRefused) as refused:
        compare_draft(actor=command_line_actor(), source=bad, periods=["2026Q2"])
    assert "deduction" in str(refused.value)
    other = doubled_source().replace('code = "binzhou"', 'code = "elsewhere"')
    with pytest.raises(InputRefused) as refused:
        compare_draft(actor=command_line_actor(), source=other, periods=["2026Q2"])
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("scheme.code", "no version of this scheme is in force")
    ]


@pytest.mark.django_db
def test_the_page_and_the_command_agree_exactly(figures, draft, capsys, make_user, client):
    argv = ["scheme", "compare", str(draft), "--period", "2026Q2", "--format", "json"]
    capsys.readouterr()
    assert main([*argv, "--vary", "30", "--draws", "100", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    client.force_login(make_user("analyst"))
    response = client.post(
        "/scores/whatif/",
        {
            "file": SimpleUploadedFile("draft.toml", draft.read_bytes()),
            "period": ["2026Q2"],
            "vary": "30",
            "draws": "100",
            "seed": "3",
            "format": "json",
        },
    )
    assert response.status_code == 200
    assert response.content.decode() == printed
    page = client.post(
        "/scores/whatif/",
        {
            "file": SimpleUploadedFile("draft.toml", draft.read_bytes()),
            "period": ["2026Q2"],
            "vary": "30",
            "draws": "100",
            "seed": "3",
        },
    )
    html = page.content.decode()
    data = json.loads(printed)
    for unit in class_c(data)[0].values():
        if unit["draft"] is None:
            continue
        low, high = unit["rank_range"]
        cells = '<tr data-unit="%s"' % unit["unit_code"]
        assert cells in html
        row = html.split(cells, 1)[1].split("</tr>", 1)[0]
        assert "%.2f" % unit["in_force"]["score"] in row
        assert "%.2f" % unit["draft"]["score"] in row
        assert "%d–%d" % (low, high) in row
    assert '<strong data-testid="mean-shift">1.00</strong>' in html


@pytest.mark.django_db
def test_the_page_refuses_a_provisional_quarter_and_lists_the_problem(
    figures, draft, make_user, client
):
    client.force_login(make_user("office_head"))
    response = client.post(
        "/scores/whatif/",
        {"file": SimpleUploadedFile("draft.toml", draft.read_bytes()), "period": ["2026Q4"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "2026Q4 is provisional: only final quarters are compared" in response.content.decode()


@pytest.mark.django_db
def test_the_command_prints_a_text_table(figures, draft, capsys):
    capsys.readouterr()
    assert main(["scheme", "compare", str(draft), "--period", "2026Q2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "binzhou: draft against version 1 in force; mean absolute rank shift 1.00"
    assert "2026Q2: mean absolute rank shift 1.00; tier changes: I03" in out
    assert main(["scheme", "compare", str(draft), "--period", "2026Q4"]) == 1
