"""Pages of a monthly and a yearly scheme speak of months and years, never of quarters.

The mixed scheme of tests/schemes/mixed.py, loaded with ``period = "month"`` or ``"year"``, is
computed for 2025-12 or 2025; every page shows that period as people read it ("2025年12月",
"2025年"; "December 2025", "2025"), its picker is labelled by the kind, and links carry the
period as the URL accepts it.
"""

from __future__ import annotations

import pytest

from pingan.bulletins.services import create_draft
from pingan.scores.services import compute_period
from pingan.scores.stars import publish_stars
from tests.conftest import actor_with
from tests.scores.test_kinds_results import load_city

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def monthly(db, system_actor):
    load_city(system_actor, "month")
    compute_period(actor=system_actor, period="2025-12", reason="test", scheme_code="mixed")


@pytest.fixture
def yearly(db, system_actor):
    load_city(system_actor, "year")
    compute_period(actor=system_actor, period="2025", reason="test", scheme_code="mixed")


def page(client, url: str, headers: dict[str, str]) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_a_monthly_scheme_s_pages_show_the_month(monthly, make_user, client):
    client.force_login(make_user("office_head"))
    overview = page(client, "/scores/?quarter=2025-12&class=T", ZH)
    assert '<option value="2025-12" selected>2025年12月</option>' in overview
    assert 'for="f-quarter">月份</label>' in overview
    assert '<small class="text-muted">2025年12月 · ' in overview
    assert "较上月" in overview and "较上年同月" in overview
    assert 'href="/scores/unit/T1/?quarter=2025-12"' in overview
    unit = page(client, "/scores/unit/T1/?quarter=2025-12", ZH)
    assert 'for="u-quarter">月份</label>' in unit
    assert '<option value="2025-12" selected>2025年12月</option>' in unit
    assert "T1 · 2025年12月 · " in unit
    english = page(client, "/scores/unit/T1/?quarter=2025-12", EN)
    assert '<option value="2025-12" selected>December 2025</option>' in english
    assert 'for="u-quarter">Month</label>' in english
    assert "vs last month" in english and "vs same month last year" in english
    domains = page(client, "/scores/domains/?quarter=2025-12&class=T", ZH)
    assert "四情分析 · 2025年12月" in domains


@pytest.mark.django_db
def test_a_monthly_scheme_s_bulletin_stars_and_what_if_show_the_month(monthly, make_user, client):
    head = make_user("office_head")
    client.force_login(head)
    draft = create_draft(actor=actor_with("office_head"), period="2025-12")
    assert draft.period == "2025-12"
    bulletins = page(client, "/bulletins/", ZH)
    assert "<td>2025年12月</td>" in bulletins
    assert '<option value="2025-12" selected>2025年12月</option>' in bulletins
    assert 'for="period">月份</label>' in bulletins
    publish_stars(actor=actor_with("office_head"), period="2025-12")
    stars = page(client, "/scores/stars/mixed/2025-12/", EN)
    assert '<h1 class="h3">Star ratings of December 2025</h1>' in stars
    whatif = page(client, "/scores/whatif/", ZH)
    assert 'for="w-q-2025-12">2025年12月</label>' in whatif


@pytest.mark.django_db
def test_a_yearly_scheme_s_pages_show_the_year(yearly, make_user, client):
    client.force_login(make_user("office_head"))
    overview = page(client, "/scores/?quarter=2025&class=T", ZH)
    assert '<option value="2025" selected>2025年</option>' in overview
    assert 'for="f-quarter">年度</label>' in overview
    assert '<small class="text-muted">2025年 · ' in overview
    assert "较上年" in overview
    english = page(client, "/scores/?quarter=2025&class=T", EN)
    assert '<option value="2025" selected>2025</option>' in english
    assert 'for="f-quarter">Year</label>' in english
    unit = page(client, "/scores/unit/P2/?quarter=2025", ZH)
    assert "P2 · 2025年 · " in unit
    domains = page(client, "/scores/domains/?quarter=2025&class=P", ZH)
    assert "四情分析 · 2025年" in domains
    draft = create_draft(actor=actor_with("office_head"), period="2025")
    assert draft.period == "2025"
    assert "<td>2025年</td>" in page(client, "/bulletins/", ZH)
    publish_stars(actor=actor_with("office_head"), period="2025")
    assert '<h1 class="h3">2025年 星级评定</h1>' in page(client, "/scores/stars/mixed/2025/", ZH)
    assert 'for="w-q-2025">2025年</label>' in page(client, "/scores/whatif/", ZH)
