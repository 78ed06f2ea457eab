"""Writing many rows at once: COPY on PostgreSQL, one prepared INSERT run over all rows on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

SQLITE_BATCH = 50_000
"""Rows per `executemany` call on SQLite (bounds the memory of one call)."""


def insert_rows(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (tuples in the order of `columns`) into `table` in the current transaction.

    Rows get their ids in the order given, as with `bulk_create`; nothing is returned.
    """
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = connection.ops.quote_name(table)
            with cursor.copy("COPY %s (%s) FROM STDIN" % (quoted, names)) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = "INSERT INTO %s (%s) VALUES (%s)" % (  # noqa: S608 - model table and column names
            connection.ops.quote_name(table),
            names,
            ", ".join(["%s"] * len(columns)),
        )
        for start in range(0, len(rows), SQLITE_BATCH):
            cursor.executemany(sql, rows[start : start + SQLITE_BATCH])
