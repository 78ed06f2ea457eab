"""The entry grid of a large body a page of units at a time: the window, the filter, whole-submission
counts and totals, a fixed number of queries per page, and saving from a page keeps the other pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pingan.reporting import filling, grid
from pingan.reporting.grid import GridWindow, rows_per_page
from pingan.reporting.models import Figure
from pingan.units.models import OrgUnit
from tests.reporting.conftest import records

pytestmark = pytest.mark.django_db

# One page of a paged grid, whatever the number of units (no earlier month approved here); the
# grid's share: the catalogue's units (its indicators and class rules, and the body's indicators,
# are remembered by the process for the same version and units), the page's figures, refused
# texts and units, approved months, and the whole submission's totals and refused count.
PAGE_QUERIES = 11
# The same with a unit filter: one more, the units whose code or name matches.
FILTERED_PAGE_QUERIES = 12
# The first view after the units change builds the catalogue again: its indicators and class rules.
CATALOGUE_BUILT = 2
ROWS = 20  # rows per page once CELLS_PER_PAGE is 40 and the police own two indicators


def add_units(count: int, start: int = 1) -> None:
    """`count` more class-A units P001… under the city (each with both police indicators)."""
    parent = OrgUnit.objects.get(code="X")
    OrgUnit.objects.bulk_create(
        OrgUnit(code="P%03d" % i, name_zh="片区%03d" % i, name_en="Area %03d" % i, level=2,
                eval_class="A", parent=parent)
        for i in range(start, start + count)
    )  # fmt: skip


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of ROWS units (the police own two indicators)."""
    monkeypatch.setattr(grid, "CELLS_PER_PAGE", 2 * ROWS)


@pytest.fixture
def large(staff, small_pages):
    """45 more units: the police form has 49 units (A1, A2, A4, C1, P001–P045), so three pages."""
    add_units(45)


@pytest.fixture
def clerk(staff):
    """The police clerk's browser."""
    client = Client()
    client.force_login(staff["clerk"].user)
    return client


def shown_units(page: str) -> list[str]:
    """Unit codes of the grid's rows, in order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        row.split('<small class="text-muted">')[1].split("<")[0] for row in body.split("<tr>")[1:]
    ]


def test_rows_per_page_follow_the_indicators():
    assert (rows_per_page(1), rows_per_page(5), rows_per_page(60)) == (400, 80, 20)
    window = GridWindow.of(units=49, size=20, page=9)
    assert (window.number, window.count, window.first, window.last) == (3, 3, 41, 49)
    assert (window.previous, window.next, window.paged) == (2, None, True)
    assert GridWindow.of(units=0, size=20, page=1).first == 0


def test_a_page_shows_its_units_with_counts_and_totals_of_the_whole_submission(
    staff, draft, large, clerk
):
    filling.put_cells(
        actor=staff["clerk"],
        submission_id=draft.pk,
        records=records(
            {("A1", "criminal"): 5, ("P020", "criminal"): 7, ("P040", "public_security"): 11}
        ),
    )
    page = clerk.get(reverse("reporting:submission", args=[draft.pk]), {"page": "2"})
    assert shown_units(page.content.decode()) == ["P%03d" % i for i in range(17, 37)]
    data = page.context["grid"]
    assert (data["expected"], data["filled"], data["refused"], data["missing"]) == (97, 3, 0, 94)
    assert data["totals"] == [12, 11]
    assert [f["elsewhere"] for f in data["footer"]] == [5, 11]
    assert data["grand_total"] == 23
    text = page.content.decode()
    assert "Units 21–40 of 49 (page 2 of 3)" in text
    assert 'data-elsewhere="5">12</td>' in text
    assert '<input type="hidden" name="page" value="2">' in text
    assert 'rel="prev" href="?page=1"' in text and 'rel="next" href="?page=3"' in text
    whole = grid.grid(draft)
    assert (whole["filled"], whole["missing"], whole["totals"]) == (3, 94, [12, 11])


def test_pages_beyond_the_last_or_not_numbers(draft, large, clerk):
    url = reverse("reporting:submission", args=[draft.pk])
    last = clerk.get(url, {"page": "99"}).content.decode()
    assert shown_units(last) == ["P%03d" % i for i in range(37, 46)]
    assert shown_units(clerk.get(url, {"page": "x"}).content.decode())[:5] == [
        "A1", "A2", "A4", "C1", "P001",
    ]  # fmt: skip


def test_the_filter_finds_units_by_code_or_name(draft, large, clerk):
    url = reverse("reporting:submission", args=[draft.pk])
    by_code = clerk.get(url, {"q": "p00"}).content.decode()
    assert shown_units(by_code) == ["P%03d" % i for i in range(1, 10)]
    assert "Units 1–9 of 9 (page 1 of 1)" in by_code
    assert '<input type="hidden" name="q" value="p00">' in by_code
    assert shown_units(clerk.get(url, {"q": "Area 044"}).content.decode()) == ["P044"]
    assert shown_units(clerk.get(url, {"q": "乙区"}).content.decode()) == ["A2"]


def test_a_page_costs_the_same_queries_however_large_the_form(
    draft, large, clerk, django_assert_num_queries
):
    url = reverse("reporting:submission", args=[draft.pk])
    clerk.get(url)
    for params in ({"page": "1"}, {"page": "3"}):
        with django_assert_num_queries(PAGE_QUERIES):
            assert clerk.get(url, params).status_code == 200
    add_units(300, start=100)
    with django_assert_num_queries(PAGE_QUERIES + CATALOGUE_BUILT):
        assert clerk.get(url, {"page": "8"}).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES):
        page = clerk.get(url, {"page": "8"})
    assert page.context["grid"]["window"].count == 18
    assert len(shown_units(page.content.decode())) == ROWS
    with django_assert_num_queries(FILTERED_PAGE_QUERIES):
        assert clerk.get(url, {"q": "P3"}).status_code == 200


def test_saving_a_page_keeps_the_other_pages_and_comes_back_to_it(staff, draft, large, clerk):
    filling.put_cells(
        actor=staff["clerk"], submission_id=draft.pk, records=records({("A1", "criminal"): 4})
    )
    answer = clerk.post(
        reverse("reporting:save_cells", args=[draft.pk]),
        {"v:P017:criminal": "6", "v:P018:public_security": "", "page": "2", "q": "P"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("reporting:submission", args=[draft.pk]) + "?page=2&q=P"
    saved = {
        (u, c): v
        for u, c, v in Figure.objects.filter(submission=draft).values_list(
            "unit__code", "indicator_code", "value"
        )
    }
    assert saved == {("A1", "criminal"): 4, ("P017", "criminal"): 6}


def test_a_small_form_is_one_page_without_pager(draft, clerk, small_pages):
    page = clerk.get(reverse("reporting:submission", args=[draft.pk]))
    text = page.content.decode()
    assert shown_units(text) == ["A1", "A2", "A4", "C1"]
    assert 'data-testid="grid-pages"' not in text
    assert 'name="page"' not in text and "data-elsewhere" not in text
    assert page.context["grid"]["window"].paged is False


def test_a_signed_versions_counts_are_read_once_per_process(approved, large, clerk):
    url = reverse("reporting:submission", args=[approved.pk])
    clerk.get(url, {"page": "1"})
    cache.clear()  # what the process remembers of pages: the signed version's counts among it
    with CaptureQueriesContext(connection) as built:
        first = clerk.get(url, {"page": "2"}).context["grid"]
    with CaptureQueriesContext(connection) as remembered:
        again = clerk.get(url, {"page": "3"}).context["grid"]
    assert len(remembered) == len(built) - 2  # the totals and the refused count

    def counts(data):
        return (data["expected"], data["filled"], data["refused"], data["missing"], data["totals"])

    assert counts(again) == counts(first) == (97, 7, 0, 90, [4, 3])
