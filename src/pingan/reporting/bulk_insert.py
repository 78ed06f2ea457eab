"""Database-specific fast paths of the bulk loader: multi-row INSERTs and a large page cache on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import chain

from django.db import connection

from pingan.reporting import partitions
from pingan.reporting.cells import Cell
from pingan.reporting.models import Figure


@contextlib.contextmanager
def large_cache() -> Iterator[None]:
    """On SQLite, let the page cache hold a large load (256 MB) so index pages are not spilled mid-transaction."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = %d" % int(previous))


ROWS_PER_INSERT = 500


def insert_locked_figures(
    submission_id: int, year: int, cells: list[Cell], changed: set[tuple[int, str]]
) -> None:
    """Insert the approved (locked) figure rows of a submission of `year`: multi-row INSERTs on SQLite, COPY on PostgreSQL.

    `changed` names the cells a correction changes. Cells come from `check_lines`, so unit ids
    are integers and indicator codes are scheme codes (letters, digits and underscores).
    """
    table = Figure._meta.db_table
    columns = "submission_id, unit_id, indicator_code, value, changed, is_locked, year"
    year = int(year)
    if connection.vendor == "postgresql":
        partitions.ensure_years([year])
        _copy_rows(
            table,
            columns,
            (int(submission_id), year),
            [(u, c, v, (u, c) in changed) for u, c, v in cells],
        )
        return
    raw = connection.connection.cursor()
    if changed:
        one = "(%d, ?, ?, ?, ?, 1, %d)" % (int(submission_id), year)
        flat: list[object] = list(
            chain.from_iterable((u, c, v, (u, c) in changed) for u, c, v in cells)
        )
        width = 4
    else:
        one = "(%d, ?, ?, ?, 0, 1, %d)" % (int(submission_id), year)
        flat = list(chain.from_iterable(cells))
        width = 3
    step = ROWS_PER_INSERT * width
    full = "INSERT INTO %s (%s) VALUES %s" % (table, columns, ", ".join([one] * ROWS_PER_INSERT))  # noqa: S608 - constant names, an integer id
    for start in range(0, len(flat), step):
        chunk = flat[start : start + step]
        if len(chunk) == step:
            raw.execute(full, chunk)
        else:
            rest = ", ".join([one] * (len(chunk) // width))
            raw.execute("INSERT INTO %s (%s) VALUES %s" % (table, columns, rest), chunk)  # noqa: S608 - constant names, an integer id


def _copy_rows(
    table: str,
    columns: str,
    key: tuple[int, int],
    rows: list[tuple[int, str, int | None, bool]],
) -> None:
    submission_id, year = key
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY %s (%s) FROM STDIN" % (table, columns)) as copy,
    ):
        for start in range(0, len(rows), 10000):
            copy.write(
                "".join(
                    "%d\t%d\t%s\t%s\t%s\tt\t%d\n"
                    % (submission_id, u, c, v, "t" if ch else "f", year)
                    for u, c, v, ch in rows[start : start + 10000]
                )
            )
