"""Open311 GET requests a page at a time: `page_size`, the `before` cursor and the `Link` header to
the next page (keyset paging, newest first), merged duplicates followed in one query per merge."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from pingan.matters.models import Matter, Status
from tests.matters.test_filters import _bulk, _duplicate, api_key

__all__ = ["api_key"]  # the Open311 key fixture
pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"
# the key and the page of matters; then one more per level of merges followed
LIST_QUERIES = 2


def _page(client, key, **params):
    response = client.get(BASE + "requests.json", {"api_key": key, **params})
    assert response.status_code == 200, response.content
    link = response.headers.get("Link")
    cursor = re.search(r"before=([^&>]+)", link).group(1) if link else None
    return [r["service_request_id"] for r in response.json()], cursor, link


def test_pages_walk_the_whole_list_newest_first_with_ties_in_id_order(client, api_key, units):
    start = timezone.now() - dt.timedelta(days=2)
    matters = _bulk(7, lambda i: Status.RECEIVED, start=start)
    # T00005 and T00006 were received at the same second as T00004
    Matter.objects.filter(number__in=["T00005", "T00006"]).update(
        received_at=matters[4].received_at
    )
    whole, cursor, link = _page(client, api_key)
    assert whole == ["T00006", "T00005", "T00004", "T00003", "T00002", "T00001", "T00000"]
    assert (cursor, link) == (None, None)
    walked, cursor = [], None
    for _ in range(4):
        numbers, cursor, link = _page(
            client, api_key, page_size=3, **({"before": cursor} if cursor else {})
        )
        walked.append(numbers)
        if cursor is None:
            break
    assert walked == [["T00006", "T00005", "T00004"], ["T00003", "T00002", "T00001"], ["T00000"]]


def test_the_next_link_keeps_the_filters_but_not_the_key(client, api_key, units):
    _bulk(3, lambda i: Status.RECEIVED, start=timezone.now() - dt.timedelta(days=1))
    numbers, cursor, link = _page(client, api_key, page_size=2, status="open")
    assert (numbers, cursor) == (["T00002", "T00001"], "T00001")
    assert link == '</open311/v2/requests.json?page_size=2&status=open&before=T00001>; rel="next"'
    assert _page(client, api_key, page_size=2, status="open", before="T00001")[:2] == (
        ["T00000"],
        None,
    )


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"page_size": "0"}, "page_size must be a whole number from 1 to 1000"),
        ({"page_size": "1001"}, "page_size must be a whole number from 1 to 1000"),
        ({"page_size": "ten"}, "page_size must be a whole number from 1 to 1000"),
        ({"before": "M00000000-000000"}, "before is not a known service_request_id"),
    ],
)
def test_bad_page_parameters_are_refused(client, api_key, units, params, description):
    response = client.get(BASE + "requests.json", {"api_key": api_key, **params})
    assert (response.status_code, response.json()) == (
        400,
        [{"code": 400, "description": description}],
    )


def test_merged_duplicates_show_their_original_in_a_fixed_number_of_queries(
    client,
    api_key,
    units,
    django_assert_num_queries,
):
    open_one, archived = _bulk(2, lambda i: [Status.RECEIVED, Status.ARCHIVED][i],
                               start=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    for i in range(5):
        _duplicate("D%d" % i, open_one)
    _duplicate("E2", _duplicate("E1", archived))
    with django_assert_num_queries(LIST_QUERIES + 2):  # two levels of merges, seven duplicates
        response = client.get(BASE + "requests.json", {"api_key": api_key})
    rows = {r["service_request_id"]: r for r in response.json()}
    assert {n: (r["status"], r["status_notes"]) for n, r in rows.items() if n[0] in "DE"} == {
        **{"D%d" % i: ("open", "merged into T00000") for i in range(5)},
        "E1": ("closed", "merged into T00001"),
        "E2": ("closed", "merged into T00001"),
    }
