"""Home pages per role: each role's panels, counts equal to a direct query, no action the role lacks."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pingan.matters.actions import catalogue, intake
from pingan.matters.models import OPEN_STATUSES, Matter
from pingan.reporting.cells import load_catalogue
from pingan.schemes.selectors import current_version
from pingan.scores.models import QuarterResult
from tests.bulletins.factory import store_run
from tests.matters.conftest import at

BACKEND = "django.contrib.auth.backends.ModelBackend"
# Adjustments of 2026Q3 against the ladder of 2026Q2: BZ01 falls into red, BZ02 into orange.
ADJUST_Q3 = {"BZ01": -40.0, "BZ02": -20.0}


@pytest.fixture
def city(demo_units, make_user, actor_of):
    """Two computed quarters, two open matters (one overdue) and nothing reported yet."""
    store_run("2026Q2")
    store_run("2026Q3", adjust=ADJUST_Q3)
    catalogue.ensure_defaults()
    dispatcher = actor_of(make_user("dispatcher", username="disp"))
    matters = [
        intake.intake_matter(
            actor=dispatcher,
            now=at("2026-11-02", 9),
            category_code="neighbour_noise",
            grade_level=2,
            description="楼上装修噪音持续到深夜",
            place_unit_code=place,
            channel="phone",
            parties="王某与李某",
            party_contact="13800001111",
            reporter_name="张三",
            reporter_phone="13912345678",
        )
        for place in ("BZ0101", "BZ0201")
    ]
    Matter.objects.filter(pk=matters[0].pk).update(overdue=True)
    return matters


def page(role: str, make_user, **scope: str) -> str:
    user = make_user(role, **scope)
    client = Client()
    client.force_login(user, backend=BACKEND)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, testid: str) -> str:
    """The text inside the element with data-testid (tags stripped, spaces collapsed)."""
    match = re.search(r'data-testid="%s"[^>]*>(.*?)</(?:dd|td|p)>' % testid, html, re.S)
    assert match, testid
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def tier_count(period: str, tier: str) -> int:
    return QuarterResult.objects.filter(
        run__period=period, run__is_current=True, tier=tier, absolute_score__isnull=False
    ).count()


@pytest.mark.django_db
def test_leader_home_shows_the_counts_a_direct_query_gives(city, make_user):
    html = page("leader", make_user)
    for tier in ("red", "orange", "yellow"):
        now, before = tier_count("2026Q3", tier), tier_count("2026Q2", tier)
        assert shown(html, "tier-" + tier) == ("%d unit" if now == 1 else "%d units") % now
        change = now - before
        assert shown(html, "change-" + tier) == (
            "+%d" % change if change > 0 else "%d" % change if change else "±0"
        )
    assert tier_count("2026Q3", "red") - tier_count("2026Q2", "red") == 1
    bodies = len(load_catalogue(current_version()).reporting_body_ids())
    # Nothing is reported: every body is overdue for each of the last 12 closed months.
    assert shown(html, "overdue-reports") == str(bodies * 12)
    assert shown(html, "overdue-matters") == str(
        Matter.objects.filter(status__in=sorted(OPEN_STATUSES), overdue=True).count()
    )
    assert shown(html, "overdue-matters") == "1"
    assert shown(html, "open-matters") == "2"
    assert shown(html, "latest-bulletin") == "No bulletin has been issued yet."
    # The leader reads; the page offers nothing to draft, issue, sign or fill.
    for forbidden in ("/bulletins/new/", "/edit/", "/issue/", "Draft, issue", "/reporting/new/"):
        assert forbidden not in html
    assert 'data-panel="matters.queue"' not in html
    assert 'data-panel="reporting.waiting"' not in html


@pytest.mark.django_db
def test_unit_viewer_sees_its_unit_only(city, make_user):
    html = page("unit_viewer", make_user, unit="BZ01")
    assert shown(html, "tier-red") == "1 unit"
    assert 'data-testid="own-units"' in html
    assert "/scores/unit/BZ01/" in html
    assert "/scores/unit/BZ02/" not in html
    assert 'data-panel="reporting.completion"' not in html


@pytest.mark.django_db
def test_clerk_sees_this_months_tasks(city, make_user):
    html = page("clerk", make_user, body="police")
    assert 'data-panel="reporting.month"' in html
    assert "Open the figures" in html
    assert 'data-panel="scores.tiers"' not in html


@pytest.mark.django_db
def test_dispatcher_and_handler_see_their_queue(city, make_user):
    dispatcher = page("dispatcher", make_user)
    assert dispatcher.count('href="/matters/%d/"' % city[0].pk) == 1
    assert dispatcher.count('href="/matters/%d/"' % city[1].pk) == 1
    handler = page("handler", make_user, unit="BZ01")
    assert shown(handler, "queue") == "No matter is waiting for you."


@pytest.mark.django_db
def test_signers_see_what_waits_for_them(city, make_user):
    html = page("reviewer", make_user, body="police")
    assert shown(html, "waiting") == "Nothing is waiting for your signature."


# Queries of the whole home page per role, once the session is warm: user, then roles with the
# ended-session check (one query), then each panel's reads (the scheme version is read by each panel that needs it; the
# reporting catalogue's indicators and class rules are remembered by the process).
QUERIES = {
    "leader": 26,
    "analyst": 27,
    "clerk": 6,
    "reviewer": 3,
    "unit_viewer": 15,
    # The matters queue: how many wait, how many have a deadline, the first ids, their rows
    # (matters.waiting); an empty queue stops after the first count.
    "dispatcher": 8,
    "handler": 3,
    "security_admin": 2,
}
SCOPES = {
    "clerk": {"body": "police"},
    "reviewer": {"body": "police"},
    "unit_viewer": {"unit": "BZ01"},
    "handler": {"unit": "BZ01"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(QUERIES))
def test_home_query_count_is_pinned(city, make_user, role, django_assert_num_queries):
    user = make_user(role, **SCOPES.get(role, {}))
    client = Client()
    client.force_login(user, backend=BACKEND)
    client.get("/")
    with django_assert_num_queries(QUERIES[role]):
        assert client.get("/").status_code == 200
