"""No bulletin for a provisional quarter (CLI, services, pages); withheld units listed apart."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from pingan.bulletins import selectors, services
from pingan.bulletins.models import Bulletin, Status
from pingan.cli import main
from pingan.core.problems import InputRefused
from pingan.scores import selectors as score_selectors
from pingan.scores.cells import store_rows
from pingan.scores.models import QuarterResult
from tests.bulletins.conftest import PERIOD
from tests.bulletins.factory import store_run

pytestmark = pytest.mark.django_db
RUNNING = "2026Q4"


@pytest.fixture
def in_2026q4(monkeypatch):
    """The present is 27 November 2026: 2026Q3 is final, 2026Q4 is still running."""
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(score_selectors, "clock", lambda: now)


def test_cli_refuses_a_provisional_quarter_naming_the_day_it_becomes_final(
    scored, in_2026q4, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    store_run(RUNNING)
    target = tmp_path / "b.docx"
    assert main(["bulletin", "--period", RUNNING, "--format", "docx", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "2026Q4 is provisional: its results become final on 2027-01-06" in err
    assert not target.exists()
    assert main(["bulletin", "--period", PERIOD, "--format", "html", "-o", str(target)]) == 0


def test_drafting_and_issuing_a_provisional_quarter_are_refused(
    scored, in_2026q4, staff, make_user, client
):
    run = store_run(RUNNING)
    with pytest.raises(InputRefused, match="2027-01-06"):
        services.create_draft(actor=staff["analyst"], period=RUNNING)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_user("analyst"), backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get(reverse("bulletins:list")).content.decode()
    assert '<option value="2026Q4">2026Q4 (provisional)</option>' in listing
    assert '<option value="2026Q3" selected>2026Q3</option>' in listing
    response = client.post(reverse("bulletins:create"), {"period": RUNNING}, follow=True)
    assert "2027-01-06" in response.content.decode()
    assert not Bulletin.objects.filter(period=RUNNING).exists()
    draft = Bulletin.objects.create(period=RUNNING, edition=1, run=run)
    with pytest.raises(InputRefused, match="2027-01-06"):
        services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    from django.test import Client

    head = Client(HTTP_ACCEPT_LANGUAGE="en")
    head.force_login(make_user("office_head"), backend="django.contrib.auth.backends.ModelBackend")
    response = head.post(
        reverse("bulletins:issue", args=[draft.pk]), {"confirm": "yes"}, follow=True
    )
    assert "2027-01-06" in response.content.decode()
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT


def withhold(run, code):
    """Turn a stored result into a withheld one missing September's criminal cases."""
    result = run.results.get(unit__code=code)
    QuarterResult.objects.filter(pk=result.pk).update(
        absolute_score=None,
        relative_score=None,
        rank=None,
        rank_low=None,
        rank_high=None,
        stars=None,
        tier="",
        complete=False,
    )
    store_rows(result, [("criminal", "2026-09", None, 0.0, None, "missing", None)])


def test_withheld_units_are_listed_apart_in_the_bulletin(scored, staff):
    withhold(scored, "BZ02")
    content = selectors.bulletin_content(run=scored, date=dt.date(2026, 11, 27), language="en")
    class_a = next(s for s in content.classes if s.code == "A")
    assert "BZ02" not in [r.unit_code for r in class_a.rows]
    assert len(content.withheld) == 1
    assert "Criminal cases 2026-09" in content.withheld[0]
    assert "Municipal Public Security Bureau" in content.withheld[0]
    draft = services.create_draft(actor=staff["analyst"], period=PERIOD)
    services.edit_text(
        actor=staff["analyst"],
        bulletin_id=draft.pk,
        analysis="总体平稳。",
        requirements="抓好整改。",
    )
    issued = services.issue(actor=staff["office_head"], bulletin_id=draft.pk)
    lines = [p.text for p in Document(io.BytesIO(bytes(issued.docx))).paragraphs]
    heading = next(i for i, line in enumerate(lines) if line.endswith("未完整上报单位"))
    assert (
        lines[heading + 1]
        == "沾化区（县区和市属开发区）：本季度无得分；缺报：刑事案件 2026-09（市公安局）。"
    )
    assert "1个单位未完整上报，本季度无得分（见未完整上报单位）。" in lines
    html = services.render_content(content, "html").decode()
    assert "Units not fully reported" in html
