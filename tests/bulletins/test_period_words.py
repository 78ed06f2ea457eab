"""A monthly or yearly scheme's bulletin speaks of its month or year, never of a quarter.

The mixed scheme of tests/schemes/mixed.py computed for 2025-12 (monthly) or 2025 (yearly); the
.docx text and the HTML preview say 本月/较上月 or 本年度/较上年度 in Chinese and this month /
previous month or this year / previous year in English.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from pingan.bulletins.services import create_draft, render_current
from tests.conftest import actor_with
from tests.scores.test_period_kind_pages import EN, ZH, monthly, page, yearly

__all__ = ["monthly", "yearly"]


def docx_lines(actor, period: str, language: str = "zh-hans") -> list[str]:
    data = render_current(actor=actor, period=period, fmt="docx", language=language).data
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def preview(client, make_user, period: str, headers: dict[str, str]) -> str:
    client.force_login(make_user("office_head"))
    draft = create_draft(actor=actor_with("office_head"), period=period)
    return page(client, "/bulletins/%d/" % draft.pk, headers)


@pytest.mark.django_db
def test_a_monthly_bulletin_speaks_of_the_month(monthly, system_actor):
    lines = docx_lines(system_actor, "2025-12")
    assert "关于2025年12月社会稳定指数的通报" in lines
    assert lines[lines.index("四、预警提示") + 1] == "本月无其他预警提示。"
    assert "五、较上月明显变化" in lines
    assert lines[lines.index("六、重点管理单位") + 1] == "本月无重点管理单位。"
    assert not [line for line in lines if "季度" in line]
    english = docx_lines(system_actor, "2025-12", "en")
    assert "No further warnings this month." in english
    assert "五、Notable changes on the previous month" in english
    assert "No unit is under key management this month." in english
    assert not [line for line in english if "quarter" in line.lower()]


@pytest.mark.django_db
def test_a_yearly_bulletin_speaks_of_the_year(yearly, system_actor):
    lines = docx_lines(system_actor, "2025")
    assert "关于2025年社会稳定指数的通报" in lines
    assert lines[lines.index("四、预警提示") + 1] == "P1：本期列为重点管理。"
    assert "五、较上年度明显变化" in lines
    assert not [line for line in lines if "季度" in line]
    english = docx_lines(system_actor, "2025", "en")
    assert "五、Notable changes on the previous year" in english
    assert not [line for line in english if "quarter" in line.lower()]


@pytest.mark.django_db
def test_the_previews_of_a_monthly_and_a_yearly_bulletin(monthly, make_user, client):
    chinese = preview(client, make_user, "2025-12", ZH)
    assert "本月无其他预警提示。" in chinese and "较上月明显变化" in chinese
    assert "季度" not in chinese
    english = page(
        client,
        "/bulletins/%d/" % create_draft(actor=actor_with("office_head"), period="2025-12").pk,
        EN,
    )
    assert "No further warnings this month." in english
    assert "Notable changes on the previous month" in english
    assert "quarter" not in english.lower()


@pytest.mark.django_db
def test_the_preview_of_a_yearly_bulletin(yearly, make_user, client):
    chinese = preview(client, make_user, "2025", ZH)
    assert "P1：本期列为重点管理。" in chinese and "较上年度明显变化" in chinese
    assert "季度" not in chinese


@pytest.mark.django_db
def test_the_bulletin_list_of_a_monthly_scheme(monthly, make_user, client):
    client.force_login(make_user("office_head"))
    chinese = page(client, "/bulletins/", ZH)
    assert '<h1 class="h3">月度通报</h1>' in chinese
    assert "<thead><tr><th>月份</th>" in chinese
    english = page(client, "/bulletins/", EN)
    assert '<h1 class="h3">Monthly bulletins</h1>' in english
    assert "<thead><tr><th>Month</th>" in english


@pytest.mark.django_db
def test_the_bulletin_list_of_a_yearly_scheme(yearly, make_user, client):
    client.force_login(make_user("office_head"))
    chinese = page(client, "/bulletins/", ZH)
    assert '<h1 class="h3">年度通报</h1>' in chinese
    assert "<thead><tr><th>年度</th>" in chinese
