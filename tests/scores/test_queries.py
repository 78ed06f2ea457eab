"""The overview page costs the same number of SQL queries whatever the size of the class."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pingan.scores.models import KeyManagementMark, QuarterResult, ScoreRun
from pingan.units.models import OrgUnit

OVERVIEW_QUERIES = 12  # with the recomputation owed for the period (job table) and the run's notes
# Served again from the page data of the same runs: selection, marks, session and user only.
OVERVIEW_QUERIES_REMEMBERED = 7


def make_class(version, count):
    """`count` class-A units with results for two quarters, written with bulk_create."""
    OrgUnit.objects.bulk_create(
        OrgUnit(
            code="Q%05d" % i,
            name_zh="单位%05d" % i,
            name_en="Unit %05d" % i,
            level=2,
            eval_class="A",
        )
        for i in range(count)
    )
    units = list(OrgUnit.objects.filter(code__startswith="Q").order_by("code"))
    for period, shift in (("2026Q1", 1.0), ("2026Q2", 0.0)):
        run = ScoreRun.objects.create(
            version=version, period=period, input_hash=period, reason="test"
        )
        QuarterResult.objects.bulk_create(
            QuarterResult(
                run=run, unit=u, class_code="A", absolute_score=100 - i * 0.01 - shift, relative_score=90.0, rank=i + 1,
                rank_low=max(1, i - 2), rank_high=i + 3, tier="yellow" if i % 3 else "", stars=4, change_prev=shift,
            )
            for i, u in enumerate(units)
        )  # fmt: skip
    KeyManagementMark.objects.create(unit=units[0], reason="test")


def overview_queries(make_user, count, client=None):
    if client is None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(
            make_user("analyst"), backend="django.contrib.auth.backends.ModelBackend"
        )
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/scores/?quarter=2026Q2&class=A&sort=-absolute")
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_overview_served_again_reads_only_the_selection(binzhou, make_user, count):
    make_class(binzhou, count)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user("analyst"), backend="django.contrib.auth.backends.ModelBackend")
    first_queries, first = overview_queries(make_user, count, client)
    again_queries, again = overview_queries(make_user, count, client)
    assert (first_queries, again_queries) == (OVERVIEW_QUERIES, OVERVIEW_QUERIES_REMEMBERED)
    assert without_tokens(again.content) == without_tokens(first.content)


def without_tokens(content: bytes) -> bytes:
    """The page without its CSRF tokens (masked afresh on every response)."""
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+"', rb"\1", content)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_overview_queries_are_bounded(binzhou, make_user, count):
    make_class(binzhou, count)
    queries, response = overview_queries(make_user, count)
    assert queries == OVERVIEW_QUERIES
    assert len(response.context["rows"]) == min(count, 100)
    assert response.context["rows"][0]["name"] == "Unit 00000"
    assert response.context["rows"][0]["absolute"] == "100.00"
    assert response.context["rows"][0]["key_management"] is True
