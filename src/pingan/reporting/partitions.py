"""Figures partitioned by year on PostgreSQL: the partitioned table, and a year's partition made when first needed.

`reporting_figure` is a declarative `RANGE` partitioned table on PostgreSQL, keyed by `year`
(the year of the figure's submission month), with one partition per year named
`reporting_figure_y<year>`. Its primary key is `(id, year)` and its unique cell key
`(submission_id, unit_id, indicator_code, year)` — PostgreSQL requires the partition key in
both; `id` stays unique through its identity sequence, and `year` follows from the submission,
so both keys mean what Django's model declares. SQLite keeps one plain table. The generic part
(partition names and bounds, partitions made when needed and ahead of a new year) is
`pingan.core.partitions`. (docs/adr/0019-figures-partitioned-by-year.md)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from pingan.core import partitions
from pingan.core.triggers import protect_sql
from pingan.reporting import figure_refs

TABLE = "reporting_figure"
OLD = "reporting_figure_unpartitioned"

LOCK_TIMEOUT = partitions.LOCK_TIMEOUT
"""How long replacing an empty partition of figures waits for the table's readers."""

FIGURES = partitions.register(partitions.YearPartitioned(TABLE, start_of=lambda year: "%d" % year))


def partition_name(year: int) -> str:
    """The name of the partition of figures holding `year`."""
    return FIGURES.partition_name(year)


def ensure_years(years: Iterable[int]) -> None:
    """Create the partitions of figures the given years need (PostgreSQL; nothing on SQLite)."""
    partitions.ensure_years(FIGURES, years, using=connection)


def hold_partitions(cursor: Any) -> None:
    """Take the lock under which the partitions of figures are made or replaced, until the transaction ends."""
    partitions.hold_partitions(FIGURES, cursor)


def partition(apps: Any, schema_editor: Any) -> None:
    """Migration step: turn the figure table into a table partitioned by year, rows and triggers kept (PostgreSQL).

    On SQLite the new `year` column of existing rows is filled (the immutability triggers are
    lifted for that one statement).
    """
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor != "postgresql":
            _fill_sqlite(cursor)
            return
        partitions.set_aside(cursor, TABLE, OLD)
        partitions.create_like(cursor, TABLE, OLD, partition_key="year")
        cursor.execute(
            "ALTER TABLE %s ALTER COLUMN year SET NOT NULL, ADD PRIMARY KEY (id, year),"
            " ADD CONSTRAINT reporting_figure_cell_unique"
            " UNIQUE (submission_id, unit_id, indicator_code, year)" % TABLE
        )
        cursor.execute(
            "SELECT DISTINCT substr(month, 1, 4)::integer FROM reporting_submission"
            " WHERE month ~ '^[0-9]{4}-'"
        )
        for (year,) in cursor.fetchall():
            cursor.execute(FIGURES.create_sql(year))
        cursor.execute(
            "INSERT INTO %s (id, submission_id, unit_id, indicator_code, value, changed,"  # noqa: S608 - constant names
            " is_locked, year) SELECT f.id, f.submission_id, f.unit_id, f.indicator_code,"
            " f.value, f.changed, f.is_locked, substr(s.month, 1, 4)::integer FROM %s f"
            " JOIN reporting_submission s ON s.id = f.submission_id" % (TABLE, OLD)
        )
        partitions.carry_identity(cursor, TABLE, OLD)
        cursor.execute("DROP TABLE %s" % OLD)
        for statement in figure_refs.figure_triggers_sql() + protect_sql(
            "postgresql", TABLE, locked_column="is_locked"
        ):
            cursor.execute(statement)


def _fill_sqlite(cursor: Any) -> None:
    cursor.execute("DROP TRIGGER IF EXISTS pingan_reporting_figure_no_update")
    cursor.execute(
        "UPDATE reporting_figure SET year = (SELECT CAST(substr(s.month, 1, 4) AS integer)"
        " FROM reporting_submission s WHERE s.id = reporting_figure.submission_id)"
    )
    for statement in protect_sql("sqlite", TABLE, locked_column="is_locked"):
        cursor.execute(statement)


def unpartition(apps: Any, schema_editor: Any) -> None:
    """Reverse migration step: one plain table again (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        partitions.set_aside(cursor, TABLE, OLD)
        partitions.create_like(cursor, TABLE, OLD, partition_key=None)
        cursor.execute(
            "ALTER TABLE %s ADD PRIMARY KEY (id), ADD CONSTRAINT reporting_figure_cell_unique"
            " UNIQUE (submission_id, unit_id, indicator_code)" % TABLE
        )
        cursor.execute("INSERT INTO %s SELECT * FROM %s" % (TABLE, OLD))  # noqa: S608 - constant names
        partitions.carry_identity(cursor, TABLE, OLD)
        cursor.execute("DROP TABLE %s CASCADE" % OLD)
        for statement in figure_refs.figure_triggers_sql() + protect_sql(
            "postgresql", TABLE, locked_column="is_locked"
        ):
            cursor.execute(statement)
