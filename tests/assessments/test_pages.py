"""The pages, the report, the statistics and their export, the API and the follow-up job."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from pingan.assessments.actions import follow_up, workflow
from pingan.assessments.actions.exports import BREAKDOWNS
from pingan.assessments.models import Assessment, Measure, Notice
from pingan.cli import main
from pingan.core.access.actor import job_actor
from pingan.core.documents.pdf import docx_to_pdf
from pingan.core.periods import quarter_of
from tests.assessments.conftest import analysed, concluded, registered
from tests.bulletins.conftest import require_tool

pytestmark = pytest.mark.django_db


def client_of(actor) -> Client:
    client = Client()
    client.force_login(actor.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_detail_page_shows_each_side_its_steps(people):
    assessment = analysed(people)
    page = client_of(people["assessor"]).get("/assessments/%d/" % assessment.pk).content.decode()
    assert "/analysis/submit/" in page and "/review/approve/" not in page
    assert 'data-testid="context-BZ0101"' in page
    workflow.submit_report(actor=people["assessor"], assessment_id=assessment.pk)
    page = client_of(people["head"]).get("/assessments/%d/" % assessment.pk).content.decode()
    assert "/review/approve/" in page and "/analysis/submit/" not in page
    page = client_of(people["leader"]).get("/assessments/%d/" % assessment.pk).content.decode()
    assert "/review/approve/" not in page and "/analysis/" not in page


def test_a_proposer_of_another_body_sees_nothing(people, make_user, actor_of):
    assessment = registered(people)
    other = actor_of(make_user("proposer", unit="BZ02", username="clerk2"))
    assert client_of(other).get("/assessments/%d/" % assessment.pk).status_code == 404
    assert assessment.number not in client_of(other).get("/assessments/").content.decode()


def test_a_refused_step_says_why_and_writes_nothing(people):
    assessment = analysed(people)
    response = client_of(people["assessor"]).post(
        "/assessments/%d/analysis/risk/" % assessment.pk,
        {
            "description": "x",
            "likelihood": "0",
            "impact": "6",
            "residual_likelihood": "1",
            "residual_impact": "1",
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "第 likelihood 列：须为1至5的整数（填写的是0）",
        "第 impact 列：须为1至5的整数（填写的是6）",
    ]
    assert assessment.risks.count() == 1


def test_the_stored_report_downloads_and_libreoffice_opens_it(people, tmp_path):
    done = concluded(people)
    response = client_of(people["leader"]).get("/assessments/%d/report.docx" % done.pk)
    assert response.content == bytes(done.report_docx)
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "关于“旧城片区改造项目”的社会稳定风险评估专项报告" in paragraphs
    assert "评估结论：暂缓实施" in paragraphs
    table = Document(io.BytesIO(response.content)).tables[0]
    assert [c.text for c in table.rows[1].cells] == [
        "1",
        "补偿标准争议引发集体上访",
        "4",
        "4",
        "高",
        "高",
    ]
    require_tool("soffice")
    require_tool("pdftotext")
    (tmp_path / "r.pdf").write_bytes(docx_to_pdf(response.content))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "暂缓实施" in text and "风险清单" in text


def direct_counts(quarter: str) -> dict[tuple[str, str], int]:
    """Counted straight from the rows, independently of the statistics module."""
    rows = Assessment.objects.filter(status="concluded")
    rows = [
        a
        for a in rows
        if quarter_of(timezone.localdate(a.concluded_at).strftime("%Y-%m")) == quarter
    ]
    counts: dict[tuple[str, str], int] = {}
    for a in rows:
        for key in (
            ("category", a.category),
            ("conclusion", a.conclusion),
            ("risk_level", a.overall_level),
            ("department", a.assessing_unit.code),
        ):
            counts[key] = counts.get(key, 0) + 1
    counts[("total", "concluded")] = len(rows)
    return counts


def test_statistics_page_and_exports_agree_with_a_direct_count(people):
    concluded(people)
    concluded(people, residual=(1, 1))
    concluded(people, residual=(5, 5))
    analysed(people)
    quarter = quarter_of(timezone.localdate().strftime("%Y-%m"))
    expected = direct_counts(quarter)
    assert expected[("total", "concluded")] == 3
    leader = client_of(people["leader"])
    page = leader.get("/assessments/statistics/?quarter=" + quarter)
    assert page.context["f"].concluded == 3
    assert [n for _label, n in page.context["conclusions"]] == [1, 1, 1]
    exported = leader.get(
        "/assessments/statistics/export/?quarter=%s&format=csv" % quarter
    ).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    got = {(r["breakdown"], r["code"]): int(r["count"]) for r in rows if int(r["count"])}
    assert {k: v for k, v in got.items() if k[0] != "total" or k[1] == "concluded"} == expected
    book = load_workbook(
        io.BytesIO(
            leader.get(
                "/assessments/statistics/export/?quarter=%s&format=xlsx" % quarter,
                HTTP_ACCEPT_LANGUAGE="en",
            ).content
        )
    )
    assert book.active.title == quarter
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert sheet[0] == ["Quarter", "Breakdown", "Code", "Name", "Count"]
    words = {str(label): code for code, label in BREAKDOWNS.items()}
    assert {(words[r[1]], r[2]): r[4] for r in sheet[1:] if r[4]} == got
    assert rows[0]["breakdown_name"] == "按类别"


def test_the_export_command(people, capsys):
    concluded(people)
    quarter = quarter_of(timezone.localdate().strftime("%Y-%m"))
    assert main(["assessments", "export", "--quarter", quarter]) == 0
    assert "%s,conclusion,postpone," % quarter in capsys.readouterr().out
    assert main(["assessments", "export", "--quarter", "2026Q9"]) == 1


def test_the_api_lists_and_details(people):
    done = concluded(people)
    api = client_of(people["analyst"])
    listed = api.get("/api/assessments/assessments").json()
    assert [(a["number"], a["conclusion"]) for a in listed] == [(done.number, "postpone")]
    detail = api.get("/api/assessments/assessments/%d" % done.pk).json()
    assert detail["affected_units"] == ["BZ0101", "BZ0102"]
    assert [r["residual_level"] for r in detail["risks"]] == ["high"]
    assert detail["consultations"][0]["support"] == 150
    assert detail["risks"][0]["measures"][0]["done_on"] is None


def test_the_follow_up_job_reminds_then_escalates_once(people):
    done = concluded(people)
    measure = Measure.objects.get(assessment=done)
    before = timezone.make_aware(
        dt.datetime.combine(measure.due_on - dt.timedelta(days=2), dt.time(9))
    )
    after = timezone.make_aware(
        dt.datetime.combine(measure.due_on + dt.timedelta(days=1), dt.time(9))
    )
    job = job_actor("test")
    assert follow_up.tick(actor=job, now=before) == follow_up.TickResult(1, 0)
    assert follow_up.tick(actor=job, now=before) == follow_up.TickResult(0, 0)
    assert follow_up.tick(actor=job, now=after) == follow_up.TickResult(0, 1)
    assert follow_up.tick(actor=job, now=after) == follow_up.TickResult(0, 0)
    assert sorted(Notice.objects.values_list("kind", flat=True)) == ["escalation", "reminder"]


def test_the_home_panel_counts_what_a_direct_query_gives(people):
    concluded(people)
    analysed(people)
    registered(people)
    page = client_of(people["leader"]).get("/").content.decode()
    stages = {
        s: Assessment.objects.filter(status=s, next_version__isnull=True).count()
        for s in ("draft", "analysis", "review", "concluded")
    }
    assert stages == {"draft": 1, "analysis": 1, "review": 0, "concluded": 1}
    assert page.count('data-testid="assessments-stage"') == 4
    for n in stages.values():
        assert '<td class="text-end" data-testid="assessments-stage">%d</td>' % n in page
    overdue = Measure.objects.filter(
        completion__isnull=True, due_on__lt=timezone.localdate(), assessment__status="concluded"
    ).count()
    assert "%d项措施逾期未完成" % overdue in page
