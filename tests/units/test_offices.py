"""An office at every level: schemes bound to a township office compute over its villages only,
the county office sees them and rolls them up, and a neighbour township is refused them.

Seven levels: province P1, city C1, county D1, townships S1 and S2, villages V11, V12 (below
S1) and V21 (below S2), a grid G111 and a micro-grid M1111 below V11.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from pingan.cli import main
from pingan.core.access.actor import actor_for_user
from pingan.core.problems import InputRefused
from pingan.reporting.bulk_load import import_figures
from pingan.schemes.selectors import current_version, office_unit_id, versions_in_force
from pingan.schemes.services import load_scheme
from pingan.scores.models import QuarterResult
from pingan.scores.selectors import visible_unit_ids
from pingan.scores.services import compute_period
from pingan.units.models import OrgUnit
from pingan.units.selectors import office_in_view, require_unit_in_scope
from pingan.units.services import import_covariates, import_units
from pingan.web.rollup import office_results, office_rollup

UNITS = (
    "code,name,name_en,class,parent_code,level\n"
    "P1,山东省,Shandong,,,province\n"
    "C1,滨州市,Binzhou,,P1,city\n"
    "D1,惠民县,Huimin,,C1,county\n"
    "S1,何坊街道,Hefang,,D1,township\n"
    "S2,石庙镇,Shimiao,,D1,township\n"
    "V11,小吕村,Xiaolü,V,S1,village\n"
    "V12,大吕村,Dalü,V,S1,village\n"
    "V21,石庙村,Shimiao village,V,S2,village\n"
    "G111,第一网格,Grid 1,,V11,grid\n"
    "M1111,第一微网格,Micro-grid 1,,G111,micro_grid\n"
)
VILLAGES = ("V11", "V12", "V21")
TOWNSHIP = """
[scheme]
code = "{code}"
name_zh = "乡镇方案"
name_en = "Township scheme"
period = "quarter"

[tiers]
yellow = 99.5
orange = 98.5
red = 97.5

[stars]
bands = [0, 70, 80, 90, 95]

[[bodies]]
code = "mediation"
name_zh = "调解委员会"
name_en = "Mediation committee"

[[indicators]]
code = "dispute"
name_zh = "矛盾纠纷"
name_en = "Disputes"
body = "mediation"
domain = "social"

[[classes]]
code = "{cls}"
name_zh = "村"
name_en = "Villages"
exposure = "population"
indicators = [{{ code = "dispute", deduction = 1 }}]
"""
DISPUTES = {"V11": 3, "V12": 1, "V21": 2}


def township_scheme(code: str, cls: str = "V") -> str:
    return TOWNSHIP.format(code=code, cls=cls)


@pytest.fixture
def offices(db, system_actor):
    """The seven levels, populations, the two township schemes and 2026Q2's approved figures."""
    unclassed = UNITS.replace(",V,", ",,")
    import_units(actor=system_actor, data=unclassed.encode())
    covariates = "unit_code,year,population\n" + "".join(
        "%s,%d,1000\n" % (code, year) for code in VILLAGES for year in (2024, 2025, 2026)
    )
    import_covariates(actor=system_actor, data=covariates.encode())
    for code, office in (("town_s1", "S1"), ("town_s2", "S2")):
        load_scheme(
            actor=system_actor, source=township_scheme(code), office_unit_id=office_unit_id(office)
        )
    import_units(actor=system_actor, data=UNITS.encode())
    lines = ["unit_code,indicator_code,period,value"]
    for unit, count in DISPUTES.items():
        for month in ("2026-04", "2026-05", "2026-06"):
            lines.append("%s,dispute,%s,%d" % (unit, month, count if month == "2026-04" else 0))
    import_figures(
        actor=system_actor, data=("\n".join(lines) + "\n").encode(), approve=True, reason="t"
    )
    for code in ("town_s1", "town_s2"):
        compute_period(actor=system_actor, period="2026Q2", reason="test", scheme_code=code)


def _results(scheme: str) -> list[tuple[str, float, str]]:
    rows = QuarterResult.objects.filter(
        run__version__scheme__code=scheme, run__is_current=True
    ).order_by("unit__code")
    return [(r.unit.code, r.absolute_score, r.tier) for r in rows]


def test_a_seven_level_file_imports_with_its_levels(offices):
    assert dict(OrgUnit.objects.values_list("code", "level")) == {
        "P1": 0,
        "C1": 1,
        "D1": 2,
        "S1": 3,
        "S2": 3,
        "V11": 4,
        "V12": 4,
        "V21": 4,
        "G111": 5,
        "M1111": 6,
    }


def test_each_township_scheme_computes_over_its_own_villages_only(offices):
    assert [(v.scheme.code, v.office_unit.code) for v in versions_in_force()] == [
        ("town_s1", "S1"),
        ("town_s2", "S2"),
    ]
    assert _results("town_s1") == [("V11", 97.0, "red"), ("V12", 99.0, "yellow")]
    assert _results("town_s2") == [("V21", 98.0, "orange")]


def test_unbound_loading_keeps_the_top_office_scheme_in_force(offices, system_actor):
    top = load_scheme(actor=system_actor, source=township_scheme("county_all")).version
    assert top.office_unit_id is None
    assert current_version() == top
    assert current_version("town_s1").office_unit.code == "S1"


def test_reloading_the_same_file_for_another_office_makes_a_new_version(offices, system_actor):
    again = load_scheme(
        actor=system_actor, source=township_scheme("town_s1"), office_unit_id=office_unit_id("S1")
    )
    assert (again.created, again.version.number) == (False, 1)
    moved = load_scheme(
        actor=system_actor, source=township_scheme("town_s1"), office_unit_id=office_unit_id("D1")
    )
    assert (moved.created, moved.version.number, moved.version.office_unit.code) == (True, 2, "D1")


def test_the_latest_versions_query_gives_what_the_orm_gives(offices, system_actor):
    from django.db.models import OuterRef, Subquery

    from pingan.schemes.models import Scheme, SchemeVersion
    from pingan.schemes.selectors import _latest_versions

    load_scheme(
        actor=system_actor, source=township_scheme("town_s1"), office_unit_id=office_unit_id("D1")
    )
    load_scheme(actor=system_actor, source=township_scheme("county_all"))
    newest = SchemeVersion.objects.filter(scheme=OuterRef("scheme")).order_by("-number")
    orm = SchemeVersion.objects.filter(number=Subquery(newest.values("number")[:1]))
    assert (SchemeVersion._meta.db_table, Scheme._meta.db_table) == (
        "schemes_schemeversion",
        "schemes_scheme",
    )
    assert [(v.scheme.code, v.number) for v in _latest_versions()] == [
        ("town_s1", 2),
        ("town_s2", 1),
        ("county_all", 1),
    ]
    assert _latest_versions() == list(orm.order_by("scheme_id"))
    assert _latest_versions("town_s1") == list(orm.filter(scheme__code="town_s1"))
    assert _latest_versions("nothing") == []
    assert _latest_versions()[0].content == orm.get(scheme__code="town_s1").content


def test_a_class_whose_units_are_outside_the_office_is_refused_naming_it(offices, system_actor):
    with pytest.raises(InputRefused) as refused:
        load_scheme(
            actor=system_actor,
            source=township_scheme("town_bad"),
            office_unit_id=office_unit_id("G111"),
        )
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("classes[0]", "the units of class V are all outside the office G111")
    ]
    assert current_version("town_bad") is None


def test_an_unknown_office_code_is_refused(db):
    with pytest.raises(InputRefused) as refused:
        office_unit_id("NOPE")
    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("--office", "unknown unit NOPE")
    ]


def test_the_county_office_sees_the_township_offices_results(offices, make_user):
    county = actor_for_user(make_user("analyst", unit="D1"), channel="web")
    assert office_in_view(actor=county, action="scores.view", office_unit_id=office_unit_id("S1"))
    assert office_results(actor=county, scheme_code="town_s1", period="2026Q2") == [
        ("V11", "red", 97.0),
        ("V12", "yellow", 99.0),
    ]
    assert office_results(actor=county, scheme_code="town_s2", period="2026Q2") == [
        ("V21", "orange", 98.0)
    ]


def test_one_approval_recomputes_every_office_scheme_over_its_own_villages(offices, make_user):
    from pingan.core.access.actor import command_line_actor
    from pingan.core.jobs import run_owed_jobs

    run_owed_jobs()  # what the fixture's load owed: both schemes are already computed
    corrected = (
        "unit_code,indicator_code,period,value\nV11,dispute,2026-04,5\nV21,dispute,2026-04,4\n"
    )
    import_figures(
        actor=command_line_actor(), data=corrected.encode(), approve=True, reason="correction"
    )
    assert run_owed_jobs() == 4  # the recompute, the figures watch, each new run's index watch
    assert _results("town_s1") == [("V11", 95.0, "red"), ("V12", 99.0, "yellow")]
    assert _results("town_s2") == [("V21", 96.0, "red")]
    for scheme in ("town_s1", "town_s2"):
        runs = QuarterResult.objects.filter(run__version__scheme__code=scheme, run__period="2026Q2")
        assert runs.values("run").distinct().count() == 2  # the first run and the recomputed one
    township = actor_for_user(make_user("analyst", unit="S2"), channel="web")
    assert office_results(actor=township, scheme_code="town_s2", period="2026Q2") == [
        ("V21", "red", 96.0)
    ]


def test_a_township_analyst_is_refused_the_neighbour_townships_results(offices, make_user):
    analyst = actor_for_user(make_user("analyst", unit="S2"), channel="web")
    assert office_results(actor=analyst, scheme_code="town_s2", period="2026Q2") == [
        ("V21", "orange", 98.0)
    ]
    with pytest.raises(PermissionDenied):
        office_results(actor=analyst, scheme_code="town_s1", period="2026Q2")
    with pytest.raises(PermissionDenied):
        office_rollup(actor=analyst, office_code="S1")


def test_a_village_viewer_is_refused_a_sibling_village(offices, make_user):
    viewer = actor_for_user(make_user("unit_viewer", unit="V11"), channel="web")
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    assert visible_unit_ids(viewer) == {ids["V11"], ids["G111"], ids["M1111"]}
    with pytest.raises(PermissionDenied):
        require_unit_in_scope(actor=viewer, action="scores.view", unit_id=ids["V12"])
    assert office_results(actor=viewer, scheme_code="town_s1", period="2026Q2") == [
        ("V11", "red", 97.0)
    ]
    assert not office_in_view(actor=viewer, action="scores.view", office_unit_id=ids["S2"])


def test_the_county_roll_up_sums_each_township(offices, make_user):
    county = actor_for_user(make_user("analyst", unit="D1"), channel="web")
    rollup = office_rollup(actor=county, office_code="D1", period="2026Q2")
    assert rollup is not None
    rows = [
        (
            r.unit.code,
            r.expected_cells,
            r.filled_cells,
            r.completion_rate,
            dict(r.tiers),
            r.matters.received,
        )
        for r in rollup.rows
    ]
    assert rows == [
        ("S1", 6, 6, 1.0, {"red": 1, "yellow": 1}, 0),
        ("S2", 3, 3, 1.0, {"orange": 1}, 0),
    ]


def test_the_township_roll_up_counts_its_villages_tiers(offices, make_user):
    township = actor_for_user(make_user("analyst", unit="S1"), channel="web")
    rollup = office_rollup(
        actor=township, office_code="S1", period="2026Q2", today=dt.date(2026, 8, 1)
    )
    assert rollup is not None and rollup.version.scheme.code == "town_s1"
    assert [(r.unit.code, dict(r.tiers), r.on_time_rate) for r in rollup.rows] == [
        ("V11", {"red": 1}, 0.0),
        ("V12", {"yellow": 1}, 0.0),
    ]


def test_the_roll_up_page_and_its_csv(offices, make_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(
        make_user("analyst", unit="D1"), backend="django.contrib.auth.backends.ModelBackend"
    )
    page = client.get("/offices/D1/?period=2026Q2")
    assert page.status_code == 200
    assert "Roll-up of the office" in page.content.decode()
    with translation.override("zh-hans"):
        chinese = client.get("/offices/D1/?period=2026Q2", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "本级汇总" in chinese.content.decode()
    csv = client.get("/offices/D1/export.csv?period=2026Q2")
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[1:] == [
        "S1,何坊街道,2026Q2,6,6,1.0000,0.0000,0,0,,0,1,0,1,0",
        "S2,石庙镇,2026Q2,3,3,1.0000,0.0000,0,0,,0,0,1,0,0",
    ]
    assert client.get("/offices/S9/").status_code == 404
    assert client.get("/offices/S1/").status_code == 200
    client.force_login(
        make_user("analyst", unit="S2"), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/offices/S1/").status_code == 403
    assert client.get("/offices/S1/export.csv").status_code == 403


def test_the_command_line_binds_a_scheme_to_an_office_and_shows_it(offices, tmp_path, capsys):
    path = tmp_path / "county.toml"
    path.write_text(township_scheme("county_d1"), encoding="utf-8")
    assert main(["scheme", "load", str(path), "--office", "D1"]) == 0
    assert main(["scheme", "show", "county_d1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "county_d1: loaded as new version 1",
        "county_d1 v1  乡镇方案",
        "office: D1",
    ]
    assert main(["scheme", "load", str(path), "--office", "NOPE"]) == 1
    assert "参数 --office：未知单位 NOPE" in capsys.readouterr().err


def test_check_finds_a_township_office_scheme_whose_results_went_stale(offices, capsys):
    from pingan.core.jobs import run_owed_jobs
    from pingan.units.models import Covariate

    run_owed_jobs()
    assert main(["check", "--older-than", "0"]) == 0
    capsys.readouterr()
    # the second township's village grows without any owed recompute: only town_s2 is stale
    Covariate.objects.filter(unit__code="V21", year=2026, name="population").update(value=2000)
    assert main(["check", "--older-than", "0"]) == 1
    assert capsys.readouterr().out == "遗漏：2026Q2 的结果与其输入不一致，且没有待办任务\n"
