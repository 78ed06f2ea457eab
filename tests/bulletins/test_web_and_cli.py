"""Pages (list, draft, preview, download, issue), the `pingan bulletin` command and the demo hook."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from pingan.bulletins import services
from pingan.bulletins.models import Bulletin, Status
from pingan.cli import main
from tests.bulletins.conftest import PERIOD

pytestmark = pytest.mark.django_db


def signed_in(client, make_user, role):
    client.force_login(make_user(role), backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_analyst_drafts_and_office_head_issues_through_the_pages(scored, make_user, client):
    from django.test import Client

    analyst = signed_in(client, make_user, "analyst")
    page = analyst.get(reverse("bulletins:list"))
    assert page.status_code == 200
    assert '<option value="2026Q3" selected>2026Q3</option>' in page.content.decode()
    assert analyst.post(reverse("bulletins:create"), {"period": PERIOD}).status_code == 302
    draft = Bulletin.objects.get(period=PERIOD)
    assert analyst.post(reverse("bulletins:issue", args=[draft.pk])).status_code == 403
    edit = reverse("bulletins:edit", args=[draft.pk])
    form = analyst.get(edit).content.decode()
    assert 'name="analysis"' in form
    assert '<label class="form-label fw-bold" for="f-analysis">八、情况分析</label>' in form
    assert '<label class="form-label fw-bold" for="f-requirements">九、工作要求</label>' in form
    texts = {"analysis": "形势平稳。", "requirements": "落实整改。", "attachments": ""}
    assert analyst.post(edit, texts).status_code == 302

    head = signed_in(Client(), make_user, "office_head")
    confirm = head.get(reverse("bulletins:issue", args=[draft.pk]))
    assert "确认印发" in confirm.content.decode()
    assert head.post(reverse("bulletins:issue", args=[draft.pk])).status_code == 200
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT
    issuing = head.post(reverse("bulletins:issue", args=[draft.pk]), {"confirm": "yes"})
    assert issuing.status_code == 302
    issued = Bulletin.objects.get(pk=draft.pk)
    assert issued.status == Status.ISSUED
    listing = head.get(reverse("bulletins:list")).content.decode()
    assert issued.doc_number in listing and issued.sha256[:8] in listing


def test_preview_and_download(scored, make_user, client, staff):
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    leader = signed_in(client, make_user, "leader")
    preview = leader.get(reverse("bulletins:preview", args=[draft.pk]))
    assert preview.status_code == 200
    assert "滨城区</td><td>98.75</td>" in preview.content.decode()
    download = leader.get(reverse("bulletins:download", args=[draft.pk, "docx"]))
    assert download["Content-Disposition"] == 'attachment; filename="bulletin-2026Q3.docx"'
    assert Document(io.BytesIO(download.content)).tables[0].rows[1].cells[2].text == "98.75"
    assert leader.get(reverse("bulletins:download", args=[draft.pk, "exe"])).status_code == 404
    assert leader.get(reverse("bulletins:preview", args=[999999])).status_code == 404


def test_pdf_download_without_libreoffice_explains(scored, make_user, client, staff, monkeypatch):
    monkeypatch.setattr("pingan.core.documents.pdf.soffice", lambda: None)
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    analyst = signed_in(client, make_user, "analyst")
    analyst.cookies["django_language"] = "zh-hans"
    response = analyst.get(reverse("bulletins:download", args=[draft.pk, "pdf"]))
    assert (response.status_code, response["Location"]) == (302, reverse("bulletins:list"))
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == ["未安装 LibreOffice（soffice）；请安装，或使用 --format docx/html"]


def test_cli_writes_docx_and_html(scored, tmp_path):
    target = tmp_path / "b.docx"
    assert main(["bulletin", "--period", PERIOD, "--format", "docx", "-o", str(target)]) == 0
    assert Document(str(target)).tables[0].rows[1].cells[1].text == "滨城区"
    page = tmp_path / "b.html"
    assert main(["bulletin", "--period", PERIOD, "--format", "html", "-o", str(page)]) == 0
    assert "98.75" in page.read_text(encoding="utf-8")
    assert not Bulletin.objects.exists()


def test_cli_pdf_without_libreoffice_exits_1(scored, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("pingan.core.documents.pdf.soffice", lambda: None)
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    assert (
        main(["bulletin", "--period", PERIOD, "--format", "pdf", "-o", str(tmp_path / "b.pdf")])
        == 1
    )
    assert (
        "LibreOffice (soffice) is not installed; install it or use --format docx/html"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "b.pdf").exists()


def test_cli_refuses_a_quarter_without_results(demo_units, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    assert (
        main(["bulletin", "--period", "2025Q1", "--format", "docx", "-o", str(tmp_path / "b.docx")])
        == 1
    )
    assert "no results for 2025Q1" in capsys.readouterr().err


def test_demo_issues_once_and_skips_without_results(demo_units, make_user):
    from pingan.demo_data import bulletins as demo

    make_user("analyst", username="analyst")
    make_user("office_head", username="officehead")
    history = (
        ["2024-%02d" % m for m in range(10, 13)]
        + ["2025-%02d" % m for m in range(1, 13)]
        + ["2026-%02d" % m for m in range(1, 10)]
    )
    out = io.StringIO()
    demo.build(history=history, live="2026-10", version=None, out=out)
    assert out.getvalue() == "" and not Bulletin.objects.exists()
    from tests.bulletins.factory import store_run

    store_run(PERIOD)
    demo.build(history=history, live="2026-10", version=None, out=out)
    demo.build(history=history, live="2026-10", version=None, out=out)
    issued = Bulletin.objects.get()
    assert (issued.period, issued.status) == (PERIOD, Status.ISSUED)
    assert out.getvalue().splitlines() == [
        "bulletins: 2026Q3 issued as %s" % issued.doc_number,
        "bulletins: 2026Q3 already issued",
    ]


def test_last_complete_quarter():
    from pingan.demo_data.bulletins import last_complete_quarter

    assert last_complete_quarter(["2026-08", "2026-09"], "2026-10") == "2026Q3"
    assert last_complete_quarter(["2026-09", "2026-10"], "2026-11") == "2026Q3"
