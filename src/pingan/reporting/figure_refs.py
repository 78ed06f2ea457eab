"""The references of figures checked once per statement on PostgreSQL instead of once per row.

A foreign key checks every inserted row on its own (deferred to the commit in Django's schema),
which made a bulk load of a million figures spend most of its time in those checks. On
PostgreSQL the two keys of `reporting_figure` (submission, unit) are instead checked by
statement-level triggers over the statement's transition table: an insert or update locks the
referenced rows it names (`FOR KEY SHARE`, as a foreign key does) and fails when one is missing;
deleting a submission or unit that figures name fails. SQLite keeps its foreign keys. Django's
model state still declares the foreign keys (the ORM relations and `PROTECT` are unchanged).
"""

from __future__ import annotations

from typing import Any

FIGURE = "reporting_figure"
REFERENCES = {"submission_id": "reporting_submission", "unit_id": "units_orgunit"}

CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION pingan_figure_check_refs() RETURNS trigger AS $$
DECLARE
    wanted bigint;
    found bigint;
BEGIN
    SELECT count(*) INTO wanted FROM (SELECT DISTINCT submission_id FROM pingan_new_rows) n;
    SELECT count(*) INTO found FROM (
        SELECT s.id FROM reporting_submission s
        WHERE s.id IN (SELECT submission_id FROM pingan_new_rows) FOR KEY SHARE OF s) f;
    IF found <> wanted THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'pingan: a figure names a submission that does not exist';
    END IF;
    SELECT count(*) INTO wanted FROM (SELECT DISTINCT unit_id FROM pingan_new_rows) n;
    SELECT count(*) INTO found FROM (
        SELECT u.id FROM units_orgunit u
        WHERE u.id IN (SELECT unit_id FROM pingan_new_rows) FOR KEY SHARE OF u) f;
    IF found <> wanted THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'pingan: a figure names a unit that does not exist';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

REFERENCED_FUNCTION = """
CREATE OR REPLACE FUNCTION pingan_figure_referenced_%(column)s() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM reporting_figure f JOIN pingan_old_rows o ON f.%(column)s = o.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'pingan: figures still name a deleted row of ' || TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def figure_triggers_sql() -> list[str]:
    """The statements that check the references of inserted and updated figures (PostgreSQL)."""
    return [
        f"CREATE OR REPLACE TRIGGER pingan_{FIGURE}_refs_{op.lower()} AFTER {op} ON {FIGURE} "
        "REFERENCING NEW TABLE AS pingan_new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION pingan_figure_check_refs()"
        for op in ("INSERT", "UPDATE")
    ]


def install_sql() -> list[str]:
    """The statements that replace the figure foreign keys by statement-level checks (PostgreSQL)."""
    statements = [CHECK_FUNCTION, *figure_triggers_sql()]
    for column, table in REFERENCES.items():
        statements += [
            REFERENCED_FUNCTION % {"column": column},
            f"CREATE TRIGGER pingan_{table}_figure_refs AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS pingan_old_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION pingan_figure_referenced_{column}()",
        ]
    return statements


def drop_foreign_keys(cursor: Any) -> None:
    """Drop the foreign-key constraints of the figure table's two references."""
    for column in REFERENCES:
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s",
            [FIGURE, column],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {FIGURE} DROP CONSTRAINT "{name}"')


def install(apps: Any, schema_editor: Any) -> None:
    """Migration step: on PostgreSQL, swap the per-row foreign keys for the statement checks."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        drop_foreign_keys(cursor)
        for statement in install_sql():
            cursor.execute(statement)


def uninstall(apps: Any, schema_editor: Any) -> None:
    """Reverse migration step: drop the statement checks and restore the foreign keys."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS pingan_{FIGURE}_refs_insert ON {FIGURE}")
        cursor.execute(f"DROP TRIGGER IF EXISTS pingan_{FIGURE}_refs_update ON {FIGURE}")
        for column, table in REFERENCES.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS pingan_{table}_figure_refs ON {table}")
            cursor.execute(
                f'ALTER TABLE {FIGURE} ADD CONSTRAINT "{FIGURE}_{column}_fk" FOREIGN KEY '
                f"({column}) REFERENCES {table} (id) DEFERRABLE INITIALLY DEFERRED"
            )
