"""Rows fetched from PostgreSQL in binary, for reads of `bytea` that numpy takes as it comes.

Django's PostgreSQL cursors bind parameters on the client, and such a cursor receives every
value as text: a `bytea` arrives as hex, twice its size, and is decoded in the client. A cursor
of the driver's own, on the same connection and transaction, receives the bytes as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connection


def binary_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (`%s` placeholders) on the default PostgreSQL connection, in binary."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()
