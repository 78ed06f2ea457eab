"""Two writers at once on matters partitioned by year (PostgreSQL): a hotline ticket recorded twice
is refused to the second writer when the first commits, although the two matters' own partition
keys differ; and two writers making the same new year's partition both store their matter."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from pingan.matters.models import Matter
from pingan.matters.partitions import ensure_received
from tests.matters.conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

COPIED = ("category_id", "grade_id", "place_unit_id", "channel", "ticket_number", "ladder",
          "description", "address")  # fmt: skip


def _waiting(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid]
        )
        return bool(cursor.fetchone()[0])


def _second_writer_while_first_is_open(
    first: Matter, **fields
) -> tuple[bool, threading.Thread, dict[str, object]]:
    """Write a copy of `first` with `fields` from another connection while the caller's transaction
    is open; whether it had to wait for that transaction, and how it ended once the caller's
    transaction committed (the caller commits when this returns)."""
    outcome: dict[str, object] = {}
    started = threading.Event()

    def write() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            started.set()
            with transaction.atomic():
                Matter.objects.create(**{name: getattr(first, name) for name in COPIED}, **fields)
            outcome["result"] = "stored"
        except DatabaseError as error:
            outcome["result"] = "%s: %s" % (type(error).__name__, str(error).splitlines()[0])
        finally:
            started.set()
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    started.wait()
    while writer.is_alive() and not _waiting(outcome["pid"]):
        writer.join(0.01)
    return writer.is_alive(), writer, outcome


def test_a_ticket_written_twice_at_once_is_refused_to_the_second_writer(new_matter):
    ensure_received([at("2025-03-01", 9)])  # the year's partition is there before either writes
    with transaction.atomic():
        first = new_matter(now=at("2025-03-01", 9), channel="phone", ticket_number="12345-0001")
        waited, writer, outcome = _second_writer_while_first_is_open(
            first, number="M-second", public_token="second-token", received_at=at("2025-03-01", 10)
        )
    writer.join()
    assert waited, outcome
    assert outcome["result"] == (
        "IntegrityError: pingan: a hotline ticket number is already recorded for the channel"
    )
    assert list(Matter.objects.filter(ticket_number="12345-0001").values_list("pk", flat=True)) == [
        first.pk
    ]


def test_two_writers_making_a_new_years_partition_both_store(new_matter):
    with transaction.atomic():
        first = new_matter(now=at("2019-06-01", 9))
        waited, writer, outcome = _second_writer_while_first_is_open(
            first, number="M-second", public_token="second-token", received_at=at("2019-06-02", 9)
        )
    writer.join()
    assert (waited, outcome["result"]) == (True, "stored")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text, count(*) FROM matters_matter"
            " WHERE received_at < '2020-01-01' GROUP BY 1"
        )
        assert cursor.fetchall() == [("matters_matter_y2019", 2)]
