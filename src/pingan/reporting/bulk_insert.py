"""Database-specific fast paths of the bulk loader: multi-row INSERTs and a large page cache on SQLite, COPY on PostgreSQL (text per version, binary per year for the set-based load)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from django.db import DatabaseError, connection, transaction

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


@dataclass
class FigureRows:
    """Approved figures as arrays, one element per figure, in the unique key's order within each year.

    `code` indexes the list of indicator codes given with the rows.
    """

    submission: np.ndarray
    unit: np.ndarray
    value: np.ndarray
    year: np.ndarray
    code: np.ndarray


COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_TRAILER = b"\xff\xff"
COPY_COLUMNS = "id, submission_id, unit_id, value, changed, is_locked, year, indicator_code"
ROWS_PER_BLOCK = 1 << 17
FRESH = "reporting_figure_fresh_y%04d"
"""The name of the table filled in place of the empty partition of a year until it is swapped in."""


def copy_locked_figures(cursor: Any, rows: FigureRows, codes: list[str]) -> int:
    """Write approved (locked, unchanged) figures with binary `COPY`, year by year (PostgreSQL).

    A year whose partition holds figures already gets its figures straight into that partition,
    so that PostgreSQL inserts them in batches (a `COPY` into the partitioned table inserts row
    by row, as its statement-level reference check needs the rows). A year without a partition,
    or whose partition is empty (made ahead of the year), gets a new table, filled first and
    indexed after (one sort per key instead of one index insertion per row); the new table is
    attached as the year's partition, in place of the empty one (`_swap`). The caller must have
    checked the references: submissions of its own transaction, units locked `FOR KEY SHARE`
    (ADR 0017). Ids come from the table's identity sequence, reserved as one block while the
    figure table is locked against other writers (`SHARE ROW EXCLUSIVE`: readers are not
    blocked) until the commit. Returns the number of rows written.
    """
    total = len(rows.submission)
    if not total:
        return 0
    table = Figure._meta.db_table
    # The partitions' lock first, then the table's: the order `partitions.ensure_years` takes them in.
    partitions.hold_partitions(cursor)
    cursor.execute("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE" % table)
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = int(cursor.fetchone()[0])
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + total - 1])
    ids = np.arange(first, first + total, dtype=np.int64)
    cursor.execute(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table]
    )
    present = {name for (name,) in cursor.fetchall()}
    encoded = [code.encode() for code in codes]
    swaps: list[tuple[str, str, int]] = []
    for year in np.unique(rows.year).tolist():
        at = np.flatnonzero(rows.year == year)
        name = partitions.partition_name(year)
        if name in present and not _empty(cursor, name):
            _copy_binary(cursor, name, rows, ids[at], at, encoded)
            continue
        fresh = name if name not in present else FRESH % year
        cursor.execute(
            "CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)" % (fresh, table)
        )
        _copy_binary(cursor, fresh, rows, ids[at], at, encoded)
        _index(cursor, fresh, year)
        if fresh == name:
            _attach(cursor, table, name, year)
        else:
            swaps.append((fresh, name, year))
    # Last, as replacing a partition locks the figure table against readers until the commit.
    for fresh, name, year in swaps:
        _swap(cursor, table, fresh, name, year)
    return total


def _empty(cursor: Any, name: str) -> bool:
    """Whether the partition `name` holds no figure (the figure table being locked against writers)."""
    cursor.execute("SELECT NOT EXISTS (SELECT FROM %s)" % name)  # noqa: S608 - a partition's name
    return bool(cursor.fetchone()[0])


def _index(cursor: Any, name: str, year: int) -> None:
    """Give a filled table the keys of a partition of figures and a check of the year's bounds.

    PostgreSQL names the keys after the table, as it does for a partition made with
    `partitions.ensure_years`; the bounds check spares the attachment its scan of the rows.
    """
    # In memory, and in this process: parallel workers would be CPU the load does not account for.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute("SET LOCAL max_parallel_maintenance_workers = 0")
    cursor.execute(
        "ALTER TABLE %s ADD CONSTRAINT %s_bounds CHECK (year >= %d AND year < %d),"
        " ADD PRIMARY KEY (id, year), ADD UNIQUE (submission_id, unit_id, indicator_code, year)"
        % (name, name, year, year + 1)
    )


def _attach(cursor: Any, table: str, name: str, year: int) -> None:
    """Attach an indexed table as the partition of `year`, and drop its bounds check.

    PostgreSQL adopts the two keys as the partitions of the table's keys and copies its row
    triggers (immutability) onto the new partition; the bounds check spares it the scan.
    """
    cursor.execute(
        "ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)"
        % (table, name, year, year + 1)
    )
    cursor.execute("ALTER TABLE %s DROP CONSTRAINT %s_bounds" % (name, name))


def _swap(cursor: Any, table: str, fresh: str, name: str, year: int) -> None:
    """Put the filled and indexed table `fresh` in place of the empty partition `name` of `year`.

    Detaching the empty partition locks the figure table against readers (`ACCESS EXCLUSIVE`)
    until the commit, so it is done last and waits for the readers at most
    `partitions.LOCK_TIMEOUT`; when they hold it longer, or anything else goes wrong, the swap is
    rolled back to its savepoint and the rows go into the empty partition from `fresh` instead.
    The keys take the names the empty partition's keys had, and `fresh` its name.
    """
    keys, fresh_keys = _keys(cursor, name), _keys(cursor, fresh)
    try:
        if sorted(keys) != ["p", "u"] or sorted(fresh_keys) != ["p", "u"]:
            raise DatabaseError("the partition %s has other keys" % name)
        with transaction.atomic():
            cursor.execute("SELECT current_setting('lock_timeout')")
            waited = cursor.fetchone()[0]
            cursor.execute("SET LOCAL lock_timeout = '%s'" % partitions.LOCK_TIMEOUT)
            cursor.execute("ALTER TABLE %s DETACH PARTITION %s" % (table, name))
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [waited])
            cursor.execute("DROP TABLE %s" % name)
            cursor.execute("ALTER TABLE %s RENAME TO %s" % (fresh, name))
            for kind, key in keys.items():
                cursor.execute(
                    'ALTER TABLE %s RENAME CONSTRAINT "%s" TO "%s"' % (name, fresh_keys[kind], key)
                )
            cursor.execute(
                'ALTER TABLE %s RENAME CONSTRAINT "%s_bounds" TO "%s_bounds"' % (name, fresh, name)
            )
            _attach(cursor, table, name, year)
    except DatabaseError:
        cursor.execute(
            "INSERT INTO %s (%s) SELECT %s FROM %s" % (name, COPY_COLUMNS, COPY_COLUMNS, fresh)  # noqa: S608 - constant names
        )
        cursor.execute("DROP TABLE %s" % fresh)


def _keys(cursor: Any, name: str) -> dict[str, str]:
    """The primary ("p") and unique ("u") keys of the table `name`, by kind."""
    cursor.execute(
        "SELECT contype, conname FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype IN ('p', 'u')",
        [name],
    )
    return {str(kind): str(key) for kind, key in cursor.fetchall()}


def _copy_binary(
    cursor: Any, name: str, rows: FigureRows, ids: np.ndarray, at: np.ndarray, codes: list[bytes]
) -> None:
    with cursor.cursor.copy(
        "COPY %s (%s) FROM STDIN (FORMAT binary)" % (name, COPY_COLUMNS)
    ) as copy:
        copy.write(COPY_HEADER)
        for start in range(0, len(at), ROWS_PER_BLOCK):
            block = at[start : start + ROWS_PER_BLOCK]
            copy.write(_binary_block(rows, ids[start : start + ROWS_PER_BLOCK], block, codes))
        copy.write(COPY_TRAILER)


def _binary_block(
    rows: FigureRows, ids: np.ndarray, block: np.ndarray, codes: list[bytes]
) -> bytes:
    """The rows `block` with their `ids` in PostgreSQL's binary COPY format (big-endian fields, each after its length)."""
    width = max(len(code) for code in codes)
    record = np.dtype(
        [
            ("fields", ">i2"),
            *_field("id", ">i8"),
            *_field("submission", ">i8"),
            *_field("unit", ">i8"),
            *_field("value", ">i4"),
            *_field("changed", "u1"),
            *_field("locked", "u1"),
            *_field("year", ">i2"),
            ("code_size", ">i4"),
            ("code", "S%d" % width),
        ]
    )
    # Zeroed, then the constant fields set column by column (`np.full` of a structured scalar
    # copies it element by element, several times slower).
    out = np.zeros(len(block), dtype=record)
    out["fields"] = 8
    for name, size in (("id", 8), ("submission", 8), ("unit", 8), ("value", 4), ("year", 2)):
        out[name + "_size"] = size
    out["changed_size"] = out["locked_size"] = out["locked"] = 1
    out["id"] = ids
    out["submission"] = rows.submission[block]
    out["unit"] = rows.unit[block]
    out["value"] = rows.value[block]
    out["year"] = rows.year[block]
    code = rows.code[block]
    lengths = np.array([len(c) for c in codes], dtype=np.int64)
    out["code_size"] = lengths[code]
    out["code"] = np.array(codes, dtype="S%d" % width)[code]
    if (lengths == width).all():
        return bytes(out.tobytes())
    fixed = record.itemsize - width
    matrix = out.view(np.uint8).reshape(len(block), record.itemsize)
    return bytes(matrix[np.arange(record.itemsize) < (fixed + lengths[code])[:, None]].tobytes())


def _field(name: str, kind: str) -> list[tuple[str, str]]:
    return [(name + "_size", ">i4"), (name, kind)]
