"""The overview's XLSX download lists withheld units as `pingan scores export` does."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from pingan.scores.export import export_rows
from pingan.scores.models import QuarterResult
from pingan.scores.views import EXPORT_HEADERS
from pingan.units.models import OrgUnit
from tests.conftest import actor_with
from tests.scores.test_views import ROWS, login, make_run  # noqa: F401 - login is a fixture

COMMON = [
    "unit_code", "unit_name", "class", "period", "absolute_score", "relative_score", "rank",
    "rank_low", "rank_high", "stars", "funnel_flag",
]  # fmt: skip


SCORES = ("absolute_score", "relative_score")
# Queries of the download that read results (ranked, then withheld); served again from the
# workbook kept for the same runs it reads none (selection, scope, marks and audit each time).
RESULT_READS = 2


@pytest.fixture
def withheld_run(demo_units, binzhou):
    """2026Q2 of class A: three ranked units and BZ04 withheld for a missing month."""
    run = make_run(binzhou)
    QuarterResult.objects.create(
        run=run, unit=OrgUnit.objects.get(code="BZ04"), class_code="A", complete=False
    )
    return run


def _sheet(response) -> list[dict]:
    """The rows of the download keyed by column code (the headings are in the reader's language)."""
    rows = [
        list(r)
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    ]
    codes = {str(heading): code for code, heading in EXPORT_HEADERS.items()}
    return [dict(zip([codes[h] for h in rows[0]], r, strict=True)) for r in rows[1:]]


def _cell(value) -> str:
    return "" if value is None else str(value)


def _score(value) -> str:
    """A score cell (a number in the download, two-decimal text in the export) as text."""
    return "" if value in (None, "") else "%.2f" % float(value)


@pytest.mark.django_db
def test_download_has_headings_numbers_and_a_named_sheet(withheld_run, login):  # noqa: F811
    response = login("leader").get(
        "/scores/export.xlsx?quarter=2026Q2&class=A", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "2026Q2 A"
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["排名", "排名 95% 区间下限", "排名 95% 区间上限", "单位代码", "单位"]
    first = list(sheet[2])
    score = first[header.index("绝对得分")]
    assert isinstance(score.value, float)
    assert score.number_format == "0.00"
    assert first[header.index("完整上报")].value in ("是", "否")


@pytest.mark.django_db
def test_download_lists_withheld_units_with_empty_cells(withheld_run, login):  # noqa: F811
    response = login("leader").get("/scores/export.xlsx?quarter=2026Q2&class=A")
    assert response.status_code == 200
    rows = _sheet(response)
    assert [r["unit_code"] for r in rows] == [r[0] for r in ROWS] + ["BZ04"]
    gap = rows[-1]
    assert [
        gap[k] for k in ("rank", "rank_low", "rank_high", "absolute_score", "relative_score")
    ] == [None] * 5
    assert [gap[k] for k in ("tier", "stars", "complete", "provisional", "veto")] == [
        None, None, "no", "no", "no"
    ]  # fmt: skip


@pytest.mark.django_db
def test_download_agrees_with_the_scores_export(withheld_run, login):  # noqa: F811
    downloaded = {
        r["unit_code"]: r
        for r in _sheet(login("leader").get("/scores/export.xlsx?quarter=2026Q2&class=A"))
    }
    exported = {
        r["unit_code"]: r
        for r in export_rows(actor=actor_with("leader"), run=withheld_run, language="en")
    }
    assert downloaded.keys() == exported.keys()
    for code, row in exported.items():
        # The download writes the funnel flag in words, as the export's `funnel_flag_name`.
        named = {**row, "funnel_flag": row["funnel_flag_name"]}
        assert [_cell(downloaded[code][k]) for k in COMMON if k not in SCORES] == [
            _cell(named[k]) for k in COMMON if k not in SCORES
        ], code
        assert [_score(downloaded[code][k]) for k in SCORES] == [_score(row[k]) for k in SCORES]


@pytest.mark.django_db
def test_a_tier_filter_leaves_withheld_units_out(withheld_run, login):  # noqa: F811
    rows = _sheet(login("leader").get("/scores/export.xlsx?quarter=2026Q2&class=A&tier=none"))
    assert [r["unit_code"] for r in rows] == ["BZ03"]


def _result_reads(captured) -> int:
    """How many of the captured queries read the results table."""
    return sum("scores_quarterresult" in q["sql"] for q in captured.captured_queries)


def _exports() -> list[int]:
    """Rows of each audited scores download, oldest first."""
    from pingan.audit.models import AuditRecord

    records = AuditRecord.objects.filter(event="scores.result.export").order_by("pk")
    return [r.detail["rows"] for r in records]


@pytest.mark.django_db
def test_the_workbook_is_kept_per_run_and_every_download_is_audited(withheld_run, binzhou, login):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pingan.scores.models import KeyManagementMark, ScoreRun

    client = login("leader")
    url = "/scores/export.xlsx?quarter=2026Q2&class=A"
    with CaptureQueriesContext(connection) as built:
        first = client.get(url)
    with CaptureQueriesContext(connection) as served_again:
        again = client.get(url)
    assert (_result_reads(built), _result_reads(served_again)) == (RESULT_READS, 0)
    assert again.content == first.content
    assert _exports() == [4, 4]
    # a new mark and a new run of the quarter each give a new workbook
    KeyManagementMark.objects.create(unit=OrgUnit.objects.get(code="BZ01"), reason="test")
    marked = {r["unit_code"]: r["key_management"] for r in _sheet(client.get(url))}
    assert (marked["BZ01"], marked["BZ02"]) == ("yes", "no")
    ScoreRun.objects.filter(pk=withheld_run.pk).update(is_current=False)
    make_run(binzhou, rows=ROWS[:1])
    assert [r["unit_code"] for r in _sheet(client.get(url))] == [ROWS[0][0]]
    assert _exports() == [4, 4, 4, 1]
