"""Partitions made ahead of a new year (PostgreSQL): this year's and next year's, for every table
partitioned by year, each in a transaction of its own; a table held by a reader is left for the
next day's run instead of making everyone wait."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from pingan.core import partitions
from pingan.core.partitions import TABLES, make_coming_years

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

DECEMBER_2040 = dt.datetime(2040, 12, 15, 12, 0, tzinfo=dt.UTC)


def _names() -> set[str]:
    with connection.cursor() as cursor:
        return set().union(*(table.present(cursor) for table in TABLES.values()))


@pytest.fixture
def far_years():
    """Drops the partitions of 2040 and 2041 that a test made."""
    yield
    with connection.cursor() as cursor:
        for table in TABLES.values():
            for year in (2040, 2041):
                cursor.execute("DROP TABLE IF EXISTS %s" % table.partition_name(year))


def test_every_partitioned_table_gets_this_and_next_years_partition(far_years):
    made = make_coming_years(DECEMBER_2040)
    expected = sorted(t.partition_name(y) for t in TABLES.values() for y in (2040, 2041))
    assert sorted(made) == expected
    assert "reporting_figure_y2041" in expected
    assert set(expected) <= _names()
    assert make_coming_years(DECEMBER_2040) == []  # made once


def test_a_table_held_by_a_reader_is_left_for_the_next_run(far_years, monkeypatch):
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "100ms")
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        reader = connections.create_connection("default")
        with reader.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE reporting_figure IN ACCESS SHARE MODE")
            holding.set()
            done.wait(30)
            cursor.execute("ROLLBACK")
        reader.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(30)
        made = make_coming_years(DECEMBER_2040)
    finally:
        done.set()
        thread.join()
    assert not any(name.startswith("reporting_figure_") for name in made)
    assert "reporting_figure_y2041" in make_coming_years(DECEMBER_2040)  # the next run makes it
    assert {"reporting_figure_y2040", "reporting_figure_y2041"} <= _names()
