"""One filter set for the matters page and Open311: every condition runs in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pingan.core.access.actor import command_line_actor
from pingan.matters.actions import api_keys
from pingan.matters.filters import MatterFilter
from pingan.matters.models import Category, Grade, Matter, Status
from pingan.units.models import OrgUnit

BASE = "/open311/v2/"
pytestmark = pytest.mark.django_db


def _bulk(count: int, status_of, *, start: dt.datetime) -> list[Matter]:
    """`count` matters received a second apart from `start`, the i-th with status `status_of(i)`."""
    category = Category.objects.get(code="neighbour_noise")
    grade = Grade.objects.get(level=2)
    place = OrgUnit.objects.get(code="BZ0101")
    return Matter.objects.bulk_create(
        [
            Matter(
                number="T%05d" % i,
                category=category,
                grade=grade,
                description="噪音",
                place_unit=place,
                channel="phone",
                status=status_of(i),
                public_token="t%05d" % i,
                received_at=start + dt.timedelta(seconds=i),
            )
            for i in range(count)
        ],
        batch_size=500,
    )


@pytest.fixture
def api_key(units):
    return api_keys.create_api_key(actor=command_line_actor(), name="filter client")[1]


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


def test_status_open_returns_all_500_open_matters_behind_2500_newer_closed_ones(
    client, api_key, units
):
    _bulk(3000, lambda i: Status.RECEIVED if i < 500 else Status.CLOSED,
          start=timezone.now() - dt.timedelta(days=10))  # fmt: skip
    opened = _numbers(client.get(BASE + "requests.json", {"api_key": api_key, "status": "open"}))
    assert opened == ["T%05d" % i for i in reversed(range(500))]
    closed = _numbers(client.get(BASE + "requests.json", {"api_key": api_key, "status": "closed"}))
    assert closed == ["T%05d" % i for i in reversed(range(2000, 3000))]


def _duplicate(number: str, original: Matter) -> Matter:
    return Matter.objects.create(
        number=number, category=original.category, grade=original.grade, description="重复",
        place_unit=original.place_unit, channel="phone", status=Status.MERGED,
        merged_into=original, public_token="dup-" + number, received_at=timezone.now(),
    )  # fmt: skip


def test_a_merged_duplicate_shows_the_state_of_the_matter_it_was_merged_into(units):
    open_one, archived = _bulk(2, lambda i: [Status.RECEIVED, Status.ARCHIVED][i],
                               start=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    _duplicate("D1", open_one)
    _duplicate("D3", _duplicate("D2", archived))
    everything = Matter.objects.order_by("number")

    def numbers(spec: MatterFilter) -> list[str]:
        return list(spec.apply(everything).values_list("number", flat=True))

    assert numbers(MatterFilter(public_state="open")) == ["D1", "T00000"]
    assert numbers(MatterFilter(public_state="closed")) == ["D2", "D3", "T00001"]


def test_the_list_page_filter_reads_its_query_string():
    spec = MatterFilter.from_list_page(
        {"status": "signed", "category": "labour_wages", "grade": "2", "overdue": "1"}
    )
    assert spec == MatterFilter(
        status="signed", category_codes=("labour_wages",), grade_level=2, overdue=True
    )
    assert MatterFilter.from_list_page({"status": "nonsense", "grade": "two"}) == MatterFilter()
