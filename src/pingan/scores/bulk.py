"""Writing many rows at once: COPY on PostgreSQL, one prepared INSERT run over all rows on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

SQLITE_BATCH = 50_000
"""Rows per `executemany` call on SQLite (bounds the memory of one call)."""


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    types: Sequence[str] | None = None,
) -> None:
    """Insert `rows` (tuples in the order of `columns`) into `table` in the current transaction.

    Rows get their ids in the order given, as with `bulk_create`; nothing is returned. With
    `types` (the columns' PostgreSQL types) the COPY is binary: bytes go as they are, not as
    hexadecimal text the server parses back.
    """
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = connection.ops.quote_name(table)
            binary = " (FORMAT BINARY)" if types else ""
            with cursor.copy("COPY %s (%s) FROM STDIN%s" % (quoted, names, binary)) as copy:
                if types:
                    copy.set_types(list(types))
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
