"""The domain page shows the stored sub-indices; unit pages and the bulletin show every linked pair.

The mixed city of tests/scores/test_kinds_results.py, 2025Q4: T2's survey rate 87.5% costs 3
points (social 97), its mass incident 2 (police 98); T3's survey 80% costs 6 (social 94) and its
burglary rise the capped 3 (cases 97); T1's burglary rise costs 2 and its crime rate 1 (cases 97).
The pairs T1–P1 (key management), T2–P2 (nothing) and T3–P3 (veto) are each shown.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from pingan.bulletins.docx_render import render_html
from pingan.bulletins.selectors import bulletin_content
from pingan.scores.services import compute_period
from tests.scores.test_kinds_results import load_city

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def quarterly(db, system_actor):
    load_city(system_actor, "quarter")
    return compute_period(actor=system_actor, period="2025Q4", reason="test", scheme_code="mixed")


def cell(score: str, tier: str, label: str, interval: str) -> str:
    return (
        '<span class="num">%s</span> <span class="badge tier-badge tier-%s">%s</span> '
        '<small class="text-muted">%s</small>' % (score, tier, label, interval)
    )


@pytest.mark.django_db
def test_the_domain_page_shows_each_unit_s_stored_sub_indices(quarterly, make_user, client):
    client.force_login(make_user("analyst"))
    html = client.get("/scores/domains/?quarter=2025Q4&class=T", **EN).content.decode()
    table = html.split('data-testid="subindices"', 1)[1].split("</table>", 1)[0]
    heads = table.split("</thead>", 1)[0]
    assert heads.count('<th scope="col">') == 5
    assert heads.index("Social conditions (社情)") < heads.index("Cases (案情)")
    assert heads.index("Cases (案情)") < heads.index("Police incidents (警情)")
    rows = {
        part.split('"', 1)[0]: part.split("</tr>", 1)[0]
        for part in table.split('<tr data-unit="')[1:]
    }
    assert list(rows) == ["T1", "T2", "T3"]
    none = ("none", "No warning")
    assert '<td class="small">complete</td>' in rows["T2"]
    expected = {
        "T1": [("100.00", "1 (1–1)"), ("97.00", "2 (2–3)"), ("100.00", "1 (1–3)")],
        "T2": [("97.00", "2 (2–2)"), ("100.00", "1 (1–1)"), ("98.00", "3 (1–3)")],
        "T3": [("94.00", "3 (3–3)"), ("97.00", "2 (2–3)"), ("100.00", "1 (1–3)")],
    }
    for code, cells in expected.items():
        for n, (score, interval) in enumerate(cells):
            assert '<td data-domain="%d">%s</td>' % (n, cell(score, *none, interval)) in rows[code]


@pytest.mark.django_db
def test_every_pair_is_shown_on_both_unit_pages_and_in_the_bulletin(quarterly, make_user, client):
    client.force_login(make_user("analyst"))
    for unit, partner in (("T2", "P2"), ("P2", "T2"), ("T3", "P3")):
        html = client.get("/scores/unit/%s/?quarter=2025Q4" % unit, **EN).content.decode()
        assert (
            '<p data-testid="linked">Linked with %s (%s): a veto or key management of either '
            "applies to both.</p>" % (partner, partner)
        ) in html
    with translation.override("en"):
        content = bulletin_content(run=quarterly, date=dt.date(2026, 1, 10), language="en")
        page = render_html(content)
    assert content.pairs == [
        "P1 and T1: rewarded and penalised together; this period: key management for both.",
        "P2 and T2: rewarded and penalised together; this period: no veto or key management.",
        "P3 and T3: rewarded and penalised together; this period: one-vote veto for both.",
    ]
    assert "Linked units (同奖同罚)" in page
    assert "P2 and T2: rewarded and penalised together" in page


@pytest.mark.django_db
def test_the_pair_is_shown_before_any_result(system_actor, make_user, client):
    load_city(system_actor, "quarter")
    client.force_login(make_user("analyst"))
    html = client.get("/scores/unit/P3/", **EN).content.decode()
    assert 'data-testid="no-result"' in html
    assert '<p data-testid="linked">Linked with T3 (T3): a veto' in html
