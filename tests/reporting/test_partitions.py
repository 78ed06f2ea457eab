"""Figures partitioned by year on PostgreSQL: the table is partitioned, rows land in their year, a new year gets its partition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from pingan.reporting import bulk_load
from pingan.reporting.models import Figure
from pingan.reporting.partitions import ensure_years

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

FILE = """unit_code,indicator_code,period,value
A1,criminal,2025-12,3
A1,criminal,2026-08,4
"""


def partitions_of_rows() -> list[tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.tableoid::regclass::text, s.month, f.year FROM reporting_figure f"
            " JOIN reporting_submission s ON s.id = f.submission_id ORDER BY s.month"
        )
        return [tuple(row) for row in cursor.fetchall()]


def partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'reporting_figure'::regclass ORDER BY 1"
        )
        return [name for (name,) in cursor.fetchall()]


def test_figures_are_partitioned_by_range_of_year(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a"
            " ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE p.partrelid = 'reporting_figure'::regclass"
        )
        assert cursor.fetchall() == [("r", "year")]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'reporting_figure'::regclass AND contype IN ('p', 'u') ORDER BY 1"
        )
        assert [d for (d,) in cursor.fetchall()] == [
            "PRIMARY KEY (id, year)",
            "UNIQUE (submission_id, unit_id, indicator_code, year)",
        ]


@pytest.mark.parametrize("fast", [True, False], ids=["set-based", "line check"])
def test_rows_land_in_the_partition_of_their_year(city, system_actor, fast):
    text = FILE if fast else FILE.replace("A1,criminal,2026-08,4", "A1,criminal,2026-08, 4")
    bulk_load.import_figures(
        actor=system_actor,
        data=text.encode(),
        approve=True,
        reason="history",
        now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    assert partitions_of_rows() == [
        ("reporting_figure_y2025", "2025-12", 2025),
        ("reporting_figure_y2026", "2026-08", 2026),
    ]


def test_a_new_year_gets_its_partition_when_first_loaded(city, system_actor):
    assert "reporting_figure_y2031" not in partitions()
    bulk_load.import_figures(
        actor=system_actor,
        data=b"unit_code,indicator_code,period,value\nA1,criminal,2031-01,7\n",
        approve=True,
        reason="history",
        now=dt.datetime(2031, 3, 1, tzinfo=dt.UTC),
    )
    assert "reporting_figure_y2031" in partitions()
    assert Figure.objects.get().year == 2031


def test_drafts_fill_the_year_and_make_the_partition(city, system_actor):
    bulk_load.import_figures(
        actor=system_actor,
        data=b"unit_code,indicator_code,period,value\nA1,criminal,2030-05,2\n",
        now=dt.datetime(2031, 3, 1, tzinfo=dt.UTC),
    )
    assert partitions_of_rows() == [("reporting_figure_y2030", "2030-05", 2030)]


def test_making_a_partition_twice_is_harmless(db):
    ensure_years([2040])
    ensure_years([2040, 2040])
    assert partitions().count("reporting_figure_y2040") == 1
