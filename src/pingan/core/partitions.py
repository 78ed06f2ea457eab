"""Tables partitioned by year on PostgreSQL (declarative `RANGE` partitioning): what figures and
matters share.

A partitioned table is described by a `YearPartitioned`: its name, its partition key and the key's
first value in a year. Its partitions are named `<table>_y<year>` and hold `FOR VALUES FROM (start
of the year) TO (start of the next)`. They are made when first needed (`ensure_years`, in the
writer's transaction) and ahead of a new year (`make_coming_years`, each in its own short
transaction, run by a daily job) so that the first write of a year does not lock the table for
the readers while it lasts. SQLite keeps plain tables: every function here does nothing there.
(docs/adr/0019-figures-partitioned-by-year.md, docs/adr/0024-matters-partitioned-by-year.md)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pingan.core.jobs import task

logger = logging.getLogger("pingan.partitions")

LOCK_TIMEOUT = "2s"
"""How long making a coming year's partition waits for the table's readers before giving up
(it is tried again by the next day's job)."""


@dataclass(frozen=True)
class YearPartitioned:
    """A table partitioned by year on PostgreSQL, with the SQL literal of a year's first key value."""

    table: str
    start_of: Callable[[int], str]

    def partition_name(self, year: int) -> str:
        """The name of the partition holding `year`."""
        return "%s_y%04d" % (self.table, int(year))

    def create_sql(self, year: int) -> str:
        """The statement making the partition of `year` (when it does not exist)."""
        return "CREATE TABLE IF NOT EXISTS %s PARTITION OF %s FOR VALUES FROM (%s) TO (%s)" % (
            self.partition_name(year),
            self.table,
            self.start_of(year),
            self.start_of(year + 1),
        )

    def present(self, cursor: Any) -> set[str]:
        """The names of the table's partitions."""
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [self.table],
        )
        return {name for (name,) in cursor.fetchall()}


TABLES: dict[str, YearPartitioned] = {}
"""Every table partitioned by year, by name (registered by the apps that own them)."""


def register(table: YearPartitioned) -> YearPartitioned:
    """Name `table` as partitioned by year, so that the daily job makes its coming years."""
    TABLES[table.table] = table
    return table


def hold_partitions(table: YearPartitioned, cursor: Any) -> None:
    """Take, until the transaction ends, the lock under which `table`'s partitions are made or replaced (PostgreSQL).

    It is a transaction-level advisory lock, taken before any lock on the table itself, so that
    every writer changing the table's partitions takes its locks in the same order.
    """
    cursor.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s))", ["pingan.partition:" + table.table]
    )


def ensure_years(table: YearPartitioned, years: Iterable[int], *, using: Any = None) -> list[int]:
    """Make the partitions of `table` that `years` need (PostgreSQL; nothing on SQLite); the years made."""
    db = using or connection
    wanted = {int(y) for y in years}
    if db.vendor != "postgresql" or not wanted:
        return []
    with db.cursor() as cursor:
        if {table.partition_name(y) for y in wanted} <= table.present(cursor):
            return []
        # Two writers making the same year's partition: the second waits here until the first
        # commits, then finds the partition made (a plain `IF NOT EXISTS` would fail instead).
        hold_partitions(table, cursor)
        present = table.present(cursor)
        made = [y for y in sorted(wanted) if table.partition_name(y) not in present]
        for year in made:
            cursor.execute(table.create_sql(year))
    return made


def coming_years(now: dt.datetime | None = None) -> list[int]:
    """This year and the next (local time): the years whose partitions are made ahead."""
    year = timezone.localtime(now or timezone.now()).year
    return [year, year + 1]


def make_coming_years(now: dt.datetime | None = None) -> list[str]:
    """Make this year's and next year's missing partitions of every partitioned table; their names.

    Each table's partitions are made in a transaction of their own that waits at most
    `LOCK_TIMEOUT` for the table (making a partition locks it against readers until that
    transaction ends); a table busy for longer is logged and left for the next run.
    """
    if connection.vendor != "postgresql":
        return []
    made = []
    for table in TABLES.values():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '%s'" % LOCK_TIMEOUT)
                years = ensure_years(table, coming_years(now))
        except DatabaseError:
            logger.warning("the coming partitions of %s were not made: the table is busy", table)
            continue
        made += [table.partition_name(year) for year in years]
    return made


# ---------------------------------------------------------------- migrations


def set_aside(cursor: Any, table: str, old: str) -> None:
    """Rename `table` to `old`, with its primary and unique keys, out of the new table's way."""
    cursor.execute("ALTER TABLE %s RENAME TO %s" % (table, old))
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
        [old],
    )
    for (name,) in cursor.fetchall():
        cursor.execute('ALTER TABLE %s RENAME CONSTRAINT "%s" TO "%s_old"' % (old, name, name))


def create_like(cursor: Any, table: str, old: str, *, partition_key: str | None) -> None:
    """Create `table` with the columns, defaults, checks and identity of `old`; partitioned by
    `RANGE (partition_key)` when one is given."""
    cursor.execute(
        "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)%s"
        % (table, old, " PARTITION BY RANGE (%s)" % partition_key if partition_key else "")
    )


def carry_identity(cursor: Any, table: str, old: str) -> None:
    """Move the identity sequence of `table`'s id past the highest id of `old`."""
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%%s, 'id'), (SELECT max(id) FROM %s), true)"  # noqa: S608 - constant names
        " WHERE EXISTS (SELECT 1 FROM %s)" % (old, old),
        [table],
    )


@task()
def make_partitions_ahead() -> list[str]:
    """The daily job: this year's and next year's missing partitions of every partitioned table."""
    return make_coming_years()
