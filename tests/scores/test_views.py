"""The stability-index pages: league table, unit page, funnel plot, tier map, boundaries, export."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from scipy import stats

from pingan.audit.models import AuditRecord
from pingan.scores.cells import store_rows
from pingan.scores.models import KeyManagementMark, QuarterResult, ScoreRun, UnitBoundary
from pingan.units.models import OrgUnit

PERIOD = "2026Q2"

# code, absolute, relative, rank, low, high, tier, stars, veto, observed, expected, change_prev, change_year, flag
ROWS = [
    ("BZ03", 96.5, 91.25, 1, 1, 2, "", 5, False, 5.0, 4.0, 1.5, None, ""),
    ("BZ01", 88.0, 93.125, 2, 1, 3, "yellow", 3, False, 9.0, 10.0, -2.25, 4.0, ""),
    ("BZ02", 65.0, 70.0, 3, 2, 3, "red", 1, True, 24.0, 25.0, None, None, "alert_high"),
]


def make_run(version, period=PERIOD, rows=ROWS, class_code="A"):
    """A current run of `period` with hand-made results (no computation)."""
    run = ScoreRun.objects.create(
        version=version, period=period, input_hash=period, reason="test", notes={}
    )
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[r[0] for r in rows])}
    QuarterResult.objects.bulk_create(
        QuarterResult(
            run=run, unit=units[code], class_code=class_code, absolute_score=a, relative_score=r, rank=rank,
            rank_low=low, rank_high=high, tier=tier, stars=stars, veto=veto, observed=o, expected=e,
            change_prev=cp, change_year=cy, funnel_flag=flag,
        )
        for code, a, r, rank, low, high, tier, stars, veto, o, e, cp, cy, flag in rows
    )  # fmt: skip
    return run


@pytest.fixture
def results(demo_units, binzhou):
    """Two quarters of hand-made class-A results (2026Q1 for the trend, 2026Q2 shown)."""
    earlier = [(c, a - 1.0, r, *rest) for c, a, r, *rest in ROWS]
    make_run(binzhou, "2026Q1", earlier)
    run = make_run(binzhou)
    result = run.results.get(unit__code="BZ01")
    store_rows(
        result,
        [
            ("criminal", "2026-04", 3, 0.06, None, "", None),
            ("criminal", "2026-05", None, 0.0, None, "missing", None),
            ("mass_incident", "2026-06", 6, 12.0, None, "", None),
        ],
    )
    return run


@pytest.fixture
def login(make_user):
    """A client signed in with a new user of the role, asking for English pages."""
    from django.test import Client

    def as_role(role, **scope):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(
            make_user(role, **scope), backend="django.contrib.auth.backends.ModelBackend"
        )
        return client

    return as_role


def table_rows(html, testid):
    """The body rows of the table marked with data-testid, as lists of cell texts."""
    import re

    table = html.split('data-testid="%s"' % testid, 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in row] for row in cells]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "office_head", "leader"])
def test_overview_league_table_for_the_office(results, login, role):
    response = login(role).get("/scores/?quarter=2026Q2&class=A")
    assert response.status_code == 200
    rows = table_rows(response.content.decode(), "league")
    assert rows[0][:8] == [
        "1 (1–2)",
        "Huimin County BZ03",
        "96.50",
        "91.25",
        "No warning",
        "★★★★★",
        "+1.50",
        "—",
    ]
    assert rows[1][:8] == [
        "2 (1–3)",
        "Bincheng District BZ01",
        "88.00",
        "93.12",
        "Yellow",
        "★★★☆☆",
        "−2.25",
        "+4.00",
    ]
    assert rows[2][4] == "Red" and rows[2][8] == "veto above the upper limit at 95%"
    assert [r[1] for r in rows] == [
        "Huimin County BZ03",
        "Bincheng District BZ01",
        "Zhanhua District BZ02",
    ]


@pytest.mark.django_db
def test_overview_filters_sorts_and_draws_sparklines(results, login):
    client = login("analyst")
    html = client.get("/scores/?quarter=2026Q2&class=A&tier=red").content.decode()
    assert [r[1] for r in table_rows(html, "league")] == ["Zhanhua District BZ02"]
    html = client.get("/scores/?quarter=2026Q2&class=A&sort=-relative").content.decode()
    assert [r[3] for r in table_rows(html, "league")] == ["93.12", "91.25", "70.00"]
    for sort, codes in (
        ("-change_prev", ["BZ03", "BZ01", "BZ02"]),
        ("change_prev", ["BZ01", "BZ03", "BZ02"]),
    ):
        html = client.get("/scores/?quarter=2026Q2&class=A&sort=" + sort).content.decode()
        assert [r[1][-4:] for r in table_rows(html, "league")] == codes
    html = client.get("/scores/?quarter=2026Q2&class=A").content.decode()
    assert "<title>Absolute score, 2026Q1 to 2026Q2: 95.50, 96.50</title>" in html


@pytest.mark.django_db
def test_overview_marks_key_management(results, login):
    KeyManagementMark.objects.create(
        unit=OrgUnit.objects.get(code="BZ03"), reason="repeated disputes"
    )
    rows = table_rows(
        login("analyst").get("/scores/?quarter=2026Q2&class=A").content.decode(), "league"
    )
    assert rows[0][8] == "key management"


@pytest.mark.django_db
def test_overview_in_chinese(results, login):
    from django.utils import translation

    client = login("analyst")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with translation.override("zh-hans"):
        html = client.get("/scores/?quarter=2026Q2&class=A").content.decode()
    rows = table_rows(html, "league")
    assert rows[0][1] == "惠民县 BZ03" and rows[0][2] == "96.50"
    assert "稳定指数" in html


@pytest.mark.django_db
def test_unit_viewer_sees_only_their_unit(results, login):
    client = login("unit_viewer", unit="BZ01")
    rows = table_rows(client.get("/scores/?quarter=2026Q2&class=A").content.decode(), "league")
    assert [r[1] for r in rows] == ["Bincheng District BZ01"]
    assert client.get("/scores/unit/BZ01/?quarter=2026Q2").status_code == 200
    assert client.get("/scores/unit/BZ02/?quarter=2026Q2").status_code == 403
    funnel = client.get("/scores/funnel/?quarter=2026Q2&class=A").context["funnel"]
    assert [p["code"] for p in funnel["points"]] == ["BZ01"]


@pytest.mark.django_db
def test_unit_page_shows_scores_decomposition_and_warnings(results, login):
    response = login("leader").get("/scores/unit/BZ01/?quarter=2026Q2")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="num" data-testid="absolute">88.00</td>' in html
    assert table_rows(html, "decomposition") == [
        ["Criminal cases", "2026-04", "3", "0.06", ""],
        ["Criminal cases", "2026-05", "missing", "0.00", ""],
        ["Mass incidents", "2026-06", "6", "12.00", ""],
    ]
    assert table_rows(html, "completeness") == [
        ["Criminal cases", "1 / 2"],
        ["Mass incidents", "1 / 1"],
    ]
    assert response.context["warnings"] == ["Warning tier: yellow"]
    assert response.context["history"] == [
        {"period": "2026Q1", "label": "2026Q1", "absolute": 87.0, "relative": 93.12, "rank": 2},
        {"period": "2026Q2", "label": "2026Q2", "absolute": 88.0, "relative": 93.12, "rank": 2},
    ]


@pytest.mark.django_db
def test_office_marks_and_unmarks_key_management(results, login):
    client = login("office_head")
    response = client.post(
        "/scores/unit/BZ02/mark/", {"reason": "three mass incidents", "quarter": PERIOD}
    )
    assert (
        response.status_code == 302 and response["Location"] == "/scores/unit/BZ02/?quarter=2026Q2"
    )
    mark = KeyManagementMark.objects.get(unit__code="BZ02", ended_at__isnull=True)
    assert mark.reason == "three mass incidents"
    assert AuditRecord.objects.filter(event="scores.key_management.mark").count() == 1
    page = client.get("/scores/unit/BZ02/?quarter=2026Q2")
    assert "Marked for key management since" in page.context["warnings"][-1]
    client.post("/scores/unit/BZ02/unmark/", {})
    assert not KeyManagementMark.objects.filter(unit__code="BZ02", ended_at__isnull=True).exists()


@pytest.mark.django_db
def test_marking_without_reason_is_refused(results, login):
    client = login("analyst")
    client.post("/scores/unit/BZ02/mark/", {"reason": "  "})
    assert not KeyManagementMark.objects.exists()
    assert login("leader").post("/scores/unit/BZ02/mark/", {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_xlsx_export_holds_the_filtered_table(results, login):
    response = login("leader").get("/scores/export.xlsx?quarter=2026Q2&class=A&tier=yellow")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:10] == [
        "Rank",
        "Rank, low end of 95% interval",
        "Rank, high end of 95% interval",
        "Unit code",
        "Unit",
        "Class",
        "Quarter",
        "Absolute score",
        "Relative score",
        "Tier",
    ]
    assert rows[1] == [
        2, 1, 3, "BZ01", "Bincheng District", "A", "2026Q2", 88, 93.125, "yellow", 3, -2.25, 4,
        "no", "yes", "no", "no", None,
    ]  # fmt: skip
    assert len(rows) == 2
    assert login("unit_viewer", unit="BZ01").get("/scores/export.xlsx").status_code == 403


def limits(e, level):
    """Garwood's exact Poisson limits for the ratio, stated independently of the engine."""
    p = 1 - level
    return stats.chi2.ppf(p / 2, 2 * e) / (2 * e), stats.chi2.ppf(1 - p / 2, 2 * e + 2) / (2 * e)


@pytest.mark.django_db
def test_funnel_data_on_a_tiny_case(results, login):
    data = login("analyst").get("/scores/funnel/?quarter=2026Q2&class=A").context["funnel"]
    assert [
        (p["code"], p["observed"], p["expected"], p["ratio"], p["flag"]) for p in data["points"]
    ] == [
        ("BZ01", 9.0, 10.0, 0.9, ""),
        ("BZ02", 24.0, 25.0, 0.96, "alert_high"),
        ("BZ03", 5.0, 4.0, 1.25, ""),
    ]
    assert data["overdispersed"] is False and sorted(data["curve"]["lines"]) == [
        "exact_95",
        "exact_998",
    ]
    grid = data["curve"]["expected"]
    assert len(grid) == 100 and grid[0] == 4.0 and grid[-1] == 25.0
    for level, key in ((0.95, "exact_95"), (0.998, "exact_998")):
        low, high = limits(4.0, level)
        assert data["curve"]["lines"][key]["lower"][0] == round(low, 6)
        assert data["curve"]["lines"][key]["upper"][0] == round(high, 6)
        low, high = limits(25.0, level)
        assert data["curve"]["lines"][key]["upper"][-1] == round(high, 6)


GEO = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": "BZ01"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[117, 37], [118, 37], [118, 38], [117, 37]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"code": "BZ02"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[118, 37], [119, 37], [119, 38], [118, 37]]],
            },
        },
    ],
}


def upload(client, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post("/scores/boundaries/", {"file": SimpleUploadedFile("units.geojson", data)})


@pytest.mark.django_db
def test_boundaries_upload_and_map_data(results, login):
    client = login("analyst")
    response = upload(client, GEO)
    assert response.status_code == 302
    assert AuditRecord.objects.filter(event="scores.boundaries.upload").count() == 1
    geo = client.get("/scores/map/?quarter=2026Q2&class=A").context["geo"]
    assert [f["properties"] for f in geo["features"]] == [
        {
            "code": "BZ01",
            "name": "Bincheng District",
            "tier": "yellow",
            "tier_label": "yellow",
            "score": "88.00",
            "rank": 2,
        },
        {
            "code": "BZ02",
            "name": "Zhanhua District",
            "tier": "red",
            "tier_label": "red",
            "score": "65.00",
            "rank": 3,
        },
    ]
    assert geo["features"][0]["geometry"] == GEO["features"][0]["geometry"]
    assert geo["missing"] == ["Huimin County"]


@pytest.mark.django_db
def test_bad_boundaries_list_every_problem_and_store_nothing(results, login):
    bad = json.loads(json.dumps(GEO))
    bad["features"][0]["properties"]["code"] = "NOPE"
    bad["features"][1]["geometry"]["coordinates"] = [[[118, 37], [119, 37], [119, 38]]]
    bad["features"].append(
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    )
    response = upload(login("system_admin"), bad)
    assert response.status_code == 200
    assert response.context["problems"] == [
        "feature 0, properties.code: no unit has the code NOPE",
        "feature 1, geometry: every ring needs at least four [longitude, latitude] positions and must be closed",
        "feature 2, properties.code: missing unit code",
        "feature 2, geometry: the geometry must be a Polygon or MultiPolygon",
    ]
    assert UnitBoundary.objects.count() == 0
    assert (
        upload(login("analyst"), b"{not json")
        .context["problems"][0]
        .startswith("the file is not valid JSON")
    )
    assert upload(login("analyst"), {"type": "Feature"}).context["problems"] == [
        "column type: the file is not a GeoJSON FeatureCollection"
    ]
    assert UnitBoundary.objects.count() == 0


@pytest.mark.django_db
def test_demo_boundaries_load_once(demo_units, system_actor):
    from pingan.demo_data.scores import load_demo_boundaries

    assert load_demo_boundaries(system_actor) == 10
    assert load_demo_boundaries(system_actor) == 0
    assert UnitBoundary.objects.count() == 10


@pytest.mark.django_db
def test_pages_without_results(demo_units, login):
    client = login("analyst")
    assert "No quarter has been computed yet." in client.get("/scores/").content.decode()
    assert client.get("/scores/funnel/").status_code == 200
    assert client.get("/scores/map/").status_code == 200
    assert client.get("/scores/unit/BZ01/").status_code == 200


@pytest.mark.django_db
def test_decomposition_links_to_the_approved_figure_and_its_history(
    demo_units, binzhou, tmp_path, login
):
    from pingan.cli import main
    from pingan.core.jobs import run_owed_jobs
    from pingan.demo_data.generate import monthly_counts
    from pingan.reporting.models import Figure

    classes = {
        c.code: [r.indicator.code for r in c.rules.order_by("position")]
        for c in binzhou.classes.all()
    }
    rows = monthly_counts(["2026-04", "2026-05", "2026-06"], classes)
    path = tmp_path / "figures.csv"
    path.write_text(
        "unit_code,indicator_code,period,value\n" + "".join("%s,%s,%s,%d\n" % r for r in rows),
        encoding="utf-8",
    )
    assert main(["figures", "import", str(path), "--approve", "--reason", "test"]) == 0
    assert run_owed_jobs() == 3  # recomputation, figures watch, index watch of 2026Q2
    response = login("analyst").get("/scores/unit/BZ01/?quarter=2026Q2")
    first = response.context["decomposition"][0]
    figure = Figure.objects.get(pk=first["figure_id"])
    value = next(r[3] for r in rows if r[:3] == ("BZ01", "criminal", "2026-04"))
    assert (first["code"], first["month"], first["count"], figure.value) == (
        "criminal",
        "2026-04",
        value,
        value,
    )
    assert first["figure_url"] == "/reporting/s/%d/" % figure.submission_id
    assert first["history_url"] == "/reporting/history/?unit=BZ01&indicator=criminal&month=2026-04"
    assert login("analyst").get(first["history_url"]).status_code == 200
    unit_viewer_rows = (
        login("unit_viewer", unit="BZ01")
        .get("/scores/unit/BZ01/?quarter=2026Q2")
        .context["decomposition"]
    )
    assert unit_viewer_rows[0]["figure_url"] == "" and unit_viewer_rows[0]["figure_id"] == figure.pk


@pytest.mark.django_db
def test_unit_viewer_lands_on_the_class_of_their_unit(results, login):
    unit = OrgUnit.objects.get(code="D001")
    QuarterResult.objects.create(
        run=results, unit=unit, class_code="B", absolute_score=90.0, relative_score=90.0,
        rank=1, rank_low=1, rank_high=1, tier="", stars=4,
    )  # fmt: skip
    response = login("unit_viewer", unit="D001").get("/scores/?quarter=2026Q2")
    assert response.context["selection"].class_code == "B"
    rows = table_rows(response.content.decode(), "league")
    assert [r[1] for r in rows] == ["Development and Reform Commission D001"]
    assert rows[0][2] == "90.00"


def test_the_overview_opens_on_the_newest_final_quarter():
    import datetime as dt

    from pingan.scores.views import default_quarter

    periods = ["2026Q4", "2026Q3", "2026Q2"]
    assert default_quarter(periods, dt.date(2026, 11, 21), 5) == "2026Q3"
    assert default_quarter(periods, dt.date(2027, 1, 1), 5) == "2026Q3"
    assert default_quarter(periods, dt.date(2027, 1, 5), 5) == "2026Q3"
    assert default_quarter(periods, dt.date(2027, 1, 6), 5) == "2026Q4"
    assert default_quarter(periods, dt.date(2027, 1, 6), 10) == "2026Q3"
    assert default_quarter(periods, dt.date(2026, 10, 5), 5) == "2026Q2"
    assert default_quarter(["2026Q4"], dt.date(2026, 11, 21), 5) == ""
    assert default_quarter([], dt.date(2026, 11, 21), 5) == ""


@pytest.mark.django_db
def test_the_remembered_map_is_drawn_again_after_an_upload(results, login):
    client = login("analyst")
    before = client.get("/scores/map/?quarter=2026Q2&class=A").context["geo"]
    assert before["features"] == []
    assert before["missing"] == ["Bincheng District", "Zhanhua District", "Huimin County"]
    assert upload(client, GEO).status_code == 302
    after = client.get("/scores/map/?quarter=2026Q2&class=A").context["geo"]
    assert [f["properties"]["code"] for f in after["features"]] == ["BZ01", "BZ02"]
    assert after["missing"] == ["Huimin County"]
