"""An empty partition of figures made ahead is swapped for the filled one only when readers let it, committed (PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection

from pingan.reporting import bulk_load, partitions
from pingan.reporting.models import Figure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.concurrency,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

FILE = """unit_code,indicator_code,period,value
A1,criminal,2026-08,3
A2,criminal,2026-08,2
A1,criminal,2026-09,4
"""


def partition_2026() -> tuple[int, int]:
    """The table id of the 2026 partition of figures and its rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.inhrelid::integer FROM pg_inherits i WHERE i.inhparent ="
            " 'reporting_figure'::regclass AND i.inhrelid = 'reporting_figure_y2026'::regclass"
        )
        oid = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reporting_figure_y2026")
        return oid, cursor.fetchone()[0]


@pytest.fixture
def made_ahead(city):
    """The 2026 partition of figures made ahead (committed, empty); dropped after the test."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS reporting_figure_y2026")
    partitions.ensure_years([2026])
    yield partition_2026()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS reporting_figure_y2026")


@pytest.fixture
def reader():
    """A second connection to the test database (autocommit off: its reads hold their locks)."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    ) as other:
        yield other
        other.rollback()


def load(actor):
    return bulk_load.import_figures(
        actor=actor,
        data=FILE.encode(),
        approve=True,
        reason="history",
        now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )


def test_the_empty_partition_is_swapped_when_no_reader_holds_the_table(
    system_actor, made_ahead, reader
):
    oid, rows = made_ahead
    assert rows == 0
    summary = load(system_actor)
    assert (summary.rows, summary.approved) == (3, 2)
    swapped, rows = partition_2026()
    assert (swapped != oid, rows) == (True, 3)
    with reader.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text, unit_id, indicator_code, value FROM reporting_figure"
            " ORDER BY value"
        )
        seen = cursor.fetchall()
    units = dict(Figure.objects.values_list("unit_id", "unit__code"))
    assert [(table, units[unit], code, value) for table, unit, code, value in seen] == [
        ("reporting_figure_y2026", "A2", "criminal", 2),
        ("reporting_figure_y2026", "A1", "criminal", 3),
        ("reporting_figure_y2026", "A1", "criminal", 4),
    ]


def test_a_reader_holding_the_table_keeps_the_partition_and_gets_the_rows(
    system_actor, made_ahead, reader, monkeypatch
):
    oid, _rows = made_ahead
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "200ms")
    with reader.cursor() as cursor:
        # A reader in the middle of its transaction: the swap would have to wait for its end.
        cursor.execute("SELECT count(*) FROM reporting_figure")
        assert cursor.fetchone()[0] == 0
        summary = load(system_actor)
        assert (summary.rows, summary.approved) == (3, 2)
        cursor.execute("SELECT count(*) FROM reporting_figure")
        assert cursor.fetchone()[0] == 3
    assert partition_2026() == (oid, 3)
