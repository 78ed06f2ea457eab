"""Matters partitioned by the year received, on PostgreSQL: the table and its keys, a matter lands in
its (local) year's partition made when first needed, and the references to matters and the keys
across years are checked by the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from pingan.matters.models import Matter, MatterEvent
from tests.matters.conftest import at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _one(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return [tuple(row) for row in cursor.fetchall()]


def test_matters_are_partitioned_by_range_of_the_time_received():
    assert _one(
        "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a"
        " ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
        " WHERE p.partrelid = 'matters_matter'::regclass"
    ) == [("r", "received_at")]
    assert _one(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'matters_matter'::regclass AND contype IN ('p', 'u') ORDER BY 1"
    ) == [
        ("PRIMARY KEY (id, received_at)",),
        ("UNIQUE (number, received_at)",),
        ("UNIQUE (public_token, received_at)",),
    ]
    assert _one(
        "SELECT count(*) FROM pg_constraint WHERE confrelid = 'matters_matter'::regclass"
    ) == [(0,)]


def test_a_matter_lands_in_the_partition_of_its_local_year(new_matter):
    late = new_matter(
        now=dt.datetime(2019, 12, 31, 16, 30, tzinfo=dt.UTC)
    )  # 2020-01-01 00:30 local
    early = new_matter(now=at("2019-06-01", 9))
    rows = _one(
        "SELECT tableoid::regclass::text, id FROM matters_matter WHERE id IN (%s, %s) ORDER BY id",
        [late.pk, early.pk],
    )
    assert rows == [("matters_matter_y2020", late.pk), ("matters_matter_y2019", early.pk)]
    assert Matter.objects.get(pk=late.pk).number == "M20200101-%06d" % late.pk


def test_an_event_naming_no_matter_is_refused_and_a_named_matter_cannot_go(new_matter):
    matter = new_matter()
    with (
        pytest.raises(IntegrityError, match="names a matter that does not exist"),
        transaction.atomic(),
    ):
        MatterEvent.objects.create(matter_id=matter.pk + 1000, at=matter.received_at, kind="x")
    with (
        pytest.raises(IntegrityError, match="rows still name a deleted matter"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM matters_matter WHERE id = %s", [matter.pk])
    assert Matter.objects.filter(pk=matter.pk).exists()


def test_numbers_and_tickets_stay_unique_across_years(new_matter):
    first = new_matter(now=at("2024-03-01", 9), channel="phone", ticket_number="T-1")
    later = new_matter(now=at("2025-03-01", 9))
    with pytest.raises(IntegrityError, match="matter number is taken"), transaction.atomic():
        Matter.objects.filter(pk=later.pk).update(number=first.number)
    with (
        pytest.raises(IntegrityError, match="ticket number is already recorded"),
        transaction.atomic(),
    ):
        Matter.objects.filter(pk=later.pk).update(channel="phone", ticket_number="T-1")


def test_truncated_matters_leave_their_ticket_numbers_free(new_matter):
    new_matter(channel="phone", ticket_number="T-9")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE matters_matter_y2025 CASCADE")  # one year's partition only
    again = new_matter(channel="phone", ticket_number="T-9")  # its stale key is dropped
    assert list(Matter.objects.values_list("pk", flat=True)) == [again.pk]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE matters_matter CASCADE")  # the whole table: keys emptied with it
        cursor.execute("SELECT count(*) FROM matters_ticket_key")
        assert cursor.fetchone() == (0,)
