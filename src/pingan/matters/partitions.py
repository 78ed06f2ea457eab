"""Matters partitioned by the year they were received, on PostgreSQL (docs/adr/0024-matters-partitioned-by-year.md).

`matters_matter` is a `RANGE` partitioned table keyed by `received_at`, one partition
`matters_matter_y<year>` per local year (the configured time zone: a year runs from local midnight
of 1 January). PostgreSQL requires the partition key in every primary key and unique constraint:
the primary key is `(id, received_at)`, the number and the public token are unique with
`received_at`, and so is a channel's hotline ticket number. `id` stays unique through its identity
sequence and Django's primary key stays `id`. The database references to a matter (its events,
attachments, notices, and a merged matter's original) are checked by statement-level triggers
instead of foreign keys, which cannot name `id` alone; the same trigger on the matter table keeps
the number and a channel's ticket number unique across the years. SQLite keeps plain tables.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection

from pingan.core import partitions

TABLE = "matters_matter"
OLD = "matters_matter_unpartitioned"
REFERENCES = {
    "matters_matterevent": "matter_id",
    "matters_attachment": "matter_id",
    "matters_notice": "matter_id",
    "matters_matter": "merged_into_id",
}
"""The columns naming a matter, by table."""


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _start_of(year: int) -> str:
    return "'%s'" % dt.datetime(year, 1, 1, tzinfo=_zone()).isoformat()


MATTERS = partitions.register(partitions.YearPartitioned(TABLE, start_of=_start_of))


def received_year(moment: dt.datetime) -> int:
    """The (local) year whose partition holds a matter received at `moment`."""
    return moment.astimezone(_zone()).year


def ensure_received(moments: Iterable[dt.datetime]) -> None:
    """Make the partitions that matters received at `moments` need (PostgreSQL; nothing on SQLite)."""
    partitions.ensure_years(MATTERS, {received_year(m) for m in moments}, using=connection)


REFERENCE_CHECK = """
CREATE OR REPLACE FUNCTION pingan_matter_ref_%(table)s() RETURNS trigger AS $$
DECLARE
    wanted bigint;
    found bigint;
BEGIN
    SELECT count(DISTINCT %(column)s) INTO wanted FROM pingan_new_rows;
    SELECT count(*) INTO found FROM (
        SELECT m.id FROM matters_matter m
        WHERE m.id IN (SELECT %(column)s FROM pingan_new_rows) FOR KEY SHARE OF m) f;
    IF found <> wanted THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'pingan: a row of ' || TG_TABLE_NAME || ' names a matter that does not exist';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TICKETS = "matters_ticket_key"
"""Every non-empty (channel, ticket number) of a matter, one plain table whose unique key holds
across the years and across concurrent writers (PostgreSQL)."""

TICKETS_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TICKETS} (
    channel text NOT NULL,
    ticket_number text NOT NULL,
    matter_id bigint NOT NULL,
    PRIMARY KEY (channel, ticket_number)
)
"""

KEYS_CHECK = """
CREATE OR REPLACE FUNCTION pingan_matter_keys() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM matters_matter m JOIN pingan_new_rows n
               ON m.number = n.number AND m.id <> n.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = 'pingan: a matter number is taken';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM matters_ticket_key k USING pingan_new_rows n
        WHERE k.matter_id = n.id
          AND (k.channel, k.ticket_number) IS DISTINCT FROM (n.channel, n.ticket_number);
    END IF;
    -- Keys left by matters gone without a delete (a partition truncated, detached or dropped).
    DELETE FROM matters_ticket_key k USING pingan_new_rows n
    WHERE k.channel = n.channel AND k.ticket_number = n.ticket_number AND k.matter_id <> n.id
      AND NOT EXISTS (SELECT 1 FROM matters_matter m WHERE m.id = k.matter_id);
    BEGIN
        INSERT INTO matters_ticket_key (channel, ticket_number, matter_id)
        SELECT n.channel, n.ticket_number, n.id FROM pingan_new_rows n
        WHERE n.ticket_number <> ''
          AND NOT EXISTS (SELECT 1 FROM matters_ticket_key k WHERE k.matter_id = n.id
                          AND k.channel = n.channel AND k.ticket_number = n.ticket_number);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = 'pingan: a hotline ticket number is already recorded for the channel';
    END;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TICKETS_FORGOTTEN = """
CREATE OR REPLACE FUNCTION pingan_matter_tickets_forgotten() RETURNS trigger AS $$
BEGIN
    DELETE FROM matters_ticket_key k USING pingan_old_rows o WHERE k.matter_id = o.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

TICKETS_TRUNCATED = """
CREATE OR REPLACE FUNCTION pingan_matter_tickets_truncated() RETURNS trigger AS $$
BEGIN
    TRUNCATE matters_ticket_key;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


REFERENCED_CHECK = """
CREATE OR REPLACE FUNCTION pingan_matter_referenced() RETURNS trigger AS $$
BEGIN
    IF %s THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'pingan: rows still name a deleted matter';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def triggers_sql() -> list[str]:
    """The statements that check references to matters and the matters' keys (PostgreSQL)."""
    statements = [KEYS_CHECK]
    for table, column in REFERENCES.items():
        statements.append(REFERENCE_CHECK % {"table": table, "column": column})
        statements += [
            f"CREATE OR REPLACE TRIGGER pingan_{table}_matter_ref_{op.lower()} AFTER {op} ON {table} "
            "REFERENCING NEW TABLE AS pingan_new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION pingan_matter_ref_{table}()"
            for op in ("INSERT", "UPDATE")
        ]
    statements += [
        f"CREATE OR REPLACE TRIGGER pingan_matter_keys_{op.lower()} AFTER {op} ON {TABLE} "
        "REFERENCING NEW TABLE AS pingan_new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION pingan_matter_keys()"
        for op in ("INSERT", "UPDATE")
    ]
    named = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} r JOIN pingan_old_rows o ON r.{column} = o.id)"  # noqa: S608 - constant names
        for table, column in REFERENCES.items()
    )
    statements += [
        REFERENCED_CHECK % named,
        f"CREATE OR REPLACE TRIGGER pingan_matter_referenced AFTER DELETE ON {TABLE} "
        "REFERENCING OLD TABLE AS pingan_old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION pingan_matter_referenced()",
        TICKETS_FORGOTTEN,
        f"CREATE OR REPLACE TRIGGER pingan_matter_tickets_forgotten AFTER DELETE ON {TABLE} "
        "REFERENCING OLD TABLE AS pingan_old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION pingan_matter_tickets_forgotten()",
        TICKETS_TRUNCATED,
        f"CREATE OR REPLACE TRIGGER pingan_matter_tickets_truncated AFTER TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION pingan_matter_tickets_truncated()",
    ]
    return statements


def install_ticket_keys(cursor: Any) -> None:
    """The ticket key table filled from the matters, and the triggers that keep it (PostgreSQL).

    Idempotent: run by the partitioning migration and again by `matters 0010` for databases
    partitioned before the table existed."""
    cursor.execute(TICKETS_TABLE)
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {TICKETS}_matter ON {TICKETS} (matter_id)")
    cursor.execute(
        f"INSERT INTO {TICKETS} (channel, ticket_number, matter_id)"  # noqa: S608 - constant names
        f" SELECT channel, ticket_number, id FROM {TABLE} WHERE ticket_number <> ''"
        " ON CONFLICT (channel, ticket_number) DO NOTHING"
    )
    for statement in triggers_sql():
        cursor.execute(statement)


def ticket_keys(apps: Any, schema_editor: Any) -> None:
    """Migration step: the ticket key table on a partitioned PostgreSQL matter table."""
    if schema_editor.connection.vendor == "postgresql" and _partitioned(schema_editor.connection):
        with schema_editor.connection.cursor() as cursor:
            install_ticket_keys(cursor)


def no_ticket_keys(apps: Any, schema_editor: Any) -> None:
    """Reverse migration step: the ticket key table and its triggers gone (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_tickets_forgotten ON {TABLE}")
        cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_tickets_truncated ON {TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {TICKETS}")


def _partitioned(db: Any) -> bool:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)",
            [TABLE],
        )
        return bool(cursor.fetchone()[0])


def _drop_triggers(cursor: Any) -> None:
    for table in REFERENCES:
        for op in ("insert", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS pingan_{table}_matter_ref_{op} ON {table}")
    for op in ("insert", "update"):
        cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_keys_{op} ON {TABLE}")
    cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_referenced ON {TABLE}")
    cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_tickets_forgotten ON {TABLE}")
    cursor.execute(f"DROP TRIGGER IF EXISTS pingan_matter_tickets_truncated ON {TABLE}")


def _plain_indexes(cursor: Any) -> list[str]:
    """The statements that make the matter table's non-unique indexes again."""
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = %s::regclass AND NOT indisunique ORDER BY indexrelid",
        [TABLE],
    )
    return [d.replace(" ON ONLY ", " ON ") for (d,) in cursor.fetchall()]


def _outgoing_keys(cursor: Any) -> list[tuple[str, str]]:
    """The matter table's foreign keys to other tables: (name, definition)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype = 'f' AND confrelid <> %s::regclass ORDER BY conname",
        [TABLE, TABLE],
    )
    return [(name, definition) for name, definition in cursor.fetchall()]


def _drop_incoming_keys(cursor: Any) -> None:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint"
        " WHERE confrelid = %s::regclass AND contype = 'f'",
        [TABLE],
    )
    for table, name in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')


def _years(cursor: Any) -> set[int]:
    cursor.execute(
        "SELECT DISTINCT CAST(extract(year FROM received_at AT TIME ZONE %s) AS integer) FROM %s"  # noqa: S608 - constant name
        % ("%s", OLD),
        [settings.TIME_ZONE],
    )
    return {year for (year,) in cursor.fetchall()} | set(partitions.coming_years())


def _rebuild(cursor: Any, *, partitioned: bool) -> None:
    """Make the matter table again, partitioned by year or plain, rows, keys and indexes kept."""
    indexes, outgoing = _plain_indexes(cursor), _outgoing_keys(cursor)
    _drop_triggers(cursor)
    _drop_incoming_keys(cursor)
    partitions.set_aside(cursor, TABLE, OLD)
    partitions.create_like(cursor, TABLE, OLD, partition_key="received_at" if partitioned else None)
    key = ", received_at" if partitioned else ""
    cursor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT matters_matter_pkey PRIMARY KEY (id{key}),"
        f" ADD CONSTRAINT matters_matter_number_key UNIQUE (number{key}),"
        f" ADD CONSTRAINT matters_matter_public_token_key UNIQUE (public_token{key})"
    )
    if partitioned:
        for year in sorted(_years(cursor)):
            cursor.execute(MATTERS.create_sql(year))
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608 - constant names
    partitions.carry_identity(cursor, TABLE, OLD)
    cursor.execute(f"DROP TABLE {OLD}")
    for statement in indexes:
        cursor.execute(statement)
    cursor.execute(
        f"CREATE UNIQUE INDEX matters_ticket_unique_per_channel ON {TABLE}"
        f" (channel, ticket_number{key}) WHERE NOT ticket_number = ''"
    )
    for name, definition in outgoing:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    if partitioned:
        install_ticket_keys(cursor)
        return
    cursor.execute(f"DROP TABLE IF EXISTS {TICKETS}")
    for table, column in REFERENCES.items():
        cursor.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{table}_{column}_fk" FOREIGN KEY ({column})'
            f" REFERENCES {TABLE} (id) DEFERRABLE INITIALLY DEFERRED"
        )


def partition(apps: Any, schema_editor: Any) -> None:
    """Migration step: the matter table partitioned by year, rows, keys and indexes kept (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=True)


def unpartition(apps: Any, schema_editor: Any) -> None:
    """Reverse migration step: one plain matter table with its foreign keys again (PostgreSQL)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=False)
