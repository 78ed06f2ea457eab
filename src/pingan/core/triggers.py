"""Database triggers that make fact tables append-only, on SQLite and PostgreSQL alike.

Migrations add them with the `ProtectTable` operation; Python code cannot bypass them, so an
approved figure or an audit record can only change by someone dropping the trigger first.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION pingan_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'pingan: rows of ' || TG_TABLE_NAME || ' are immutable', ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
"""


def protect_sql(vendor: str, table: str, *, locked_column: str | None = None) -> list[str]:
    """Return the statements that refuse UPDATE, DELETE (and TRUNCATE) on `table`.

    With `locked_column`, only rows whose column is true are protected, so a draft row can still
    be edited and the flag itself may be set once (old value false).
    """
    if vendor == "sqlite":
        when = f" WHEN OLD.{locked_column} = 1" if locked_column else ""
        return [
            f"CREATE TRIGGER IF NOT EXISTS pingan_{table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"FOR EACH ROW{when} BEGIN SELECT RAISE(ABORT, 'pingan: rows of {table} are immutable'); END;"
            for op in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        when = f" WHEN (OLD.{locked_column})" if locked_column else ""
        return [
            PG_FUNCTION,
            f"CREATE OR REPLACE TRIGGER pingan_{table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW{when} EXECUTE FUNCTION pingan_refuse_change();",
            f"CREATE OR REPLACE TRIGGER pingan_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION pingan_refuse_change();",
        ]
    raise NotImplementedError(vendor)


def unprotect_sql(vendor: str, table: str) -> list[str]:
    """Return the statements that drop the triggers made by `protect_sql`."""
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS pingan_{table}_no_{op}" for op in ("update", "delete")]
    return [
        f"DROP TRIGGER IF EXISTS pingan_{table}_no_change ON {table}",
        f"DROP TRIGGER IF EXISTS pingan_{table}_no_truncate ON {table}",
    ]


def installed_triggers(connection: Any) -> list[tuple[str, str, str]]:
    """List (name, table, definition) of every pingan trigger in the connected database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'pingan_%'"
            )
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'pingan_%' AND NOT t.tgisinternal"
                " AND t.tgparentid = 0"
            )
        return [(str(n), str(t), str(d)) for n, t, d in cursor.fetchall()]


def drop_statement(connection: Any, name: str, table: str) -> str:
    """Return the statement that drops one trigger listed by `installed_triggers`."""
    if connection.vendor == "sqlite":
        return f"DROP TRIGGER IF EXISTS {name}"
    return f"DROP TRIGGER IF EXISTS {name} ON {table}"


class ProtectTable(migrations.operations.base.Operation):
    """Migration operation: make a table's rows immutable (optionally only once locked)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, locked_column: str | None = None) -> None:
        self.table = table
        self.locked_column = locked_column

    def state_forwards(self, app_label: str, state: Any) -> None:
        """Triggers do not change Django's model state."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        """Create the triggers."""
        for statement in protect_sql(
            schema_editor.connection.vendor, self.table, locked_column=self.locked_column
        ):
            schema_editor.execute(statement)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        """Drop the triggers."""
        for statement in unprotect_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(statement)

    def describe(self) -> str:
        """Describe the operation for `migrate --plan`."""
        return f"Make rows of {self.table} immutable"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        """Serialise the operation into a migration file."""
        kwargs = {"table": self.table}
        if self.locked_column:
            kwargs["locked_column"] = self.locked_column
        return ("pingan.core.triggers.ProtectTable", [], kwargs)


def protect_children_sql(
    vendor: str, table: str, *, parent: str, column: str, locked_column: str
) -> list[str]:
    """Return the statements that refuse INSERT, UPDATE and DELETE of rows of `table` whose parent is locked.

    A row belongs to the row of `parent` named by its `column`; once the parent's
    `locked_column` is true, no row of it can be added, changed or removed (and TRUNCATE is
    refused on PostgreSQL), so a concluded record and everything under it stay as they were.
    """
    locked = f"(SELECT {locked_column} FROM {parent} WHERE id = %s.{column})"  # noqa: S608 - names from migrations
    message = f"pingan: rows of {table} belong to a locked {parent}"
    if vendor == "sqlite":
        conditions = {
            "insert": f"{locked % 'NEW'} = 1",
            "update": f"{locked % 'OLD'} = 1 OR {locked % 'NEW'} = 1",
            "delete": f"{locked % 'OLD'} = 1",
        }
        return [
            f"CREATE TRIGGER IF NOT EXISTS pingan_{table}_locked_{op} BEFORE {op.upper()} ON "
            f"{table} FOR EACH ROW WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            for op, condition in conditions.items()
        ]
    if vendor == "postgresql":
        function = f"pingan_{table}_locked"
        return [
            PG_FUNCTION,
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND COALESCE({locked % "OLD"}, false))
       OR (TG_OP <> 'DELETE' AND COALESCE({locked % "NEW"}, false)) THEN
        RAISE EXCEPTION USING MESSAGE = '{message}', ERRCODE = 'P0001';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
            f"CREATE OR REPLACE TRIGGER pingan_{table}_locked BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();",
            f"CREATE OR REPLACE TRIGGER pingan_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION pingan_refuse_change();",
        ]
    raise NotImplementedError(vendor)


def unprotect_children_sql(vendor: str, table: str) -> list[str]:
    """Return the statements that drop the triggers made by `protect_children_sql`."""
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS pingan_{table}_locked_{op}"
            for op in ("insert", "update", "delete")
        ]
    return [
        f"DROP TRIGGER IF EXISTS pingan_{table}_locked ON {table}",
        f"DROP TRIGGER IF EXISTS pingan_{table}_no_truncate ON {table}",
        f"DROP FUNCTION IF EXISTS pingan_{table}_locked()",
    ]


class ProtectChildren(migrations.operations.base.Operation):
    """Migration operation: freeze the rows of a table once their parent row is locked."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, parent: str, column: str, locked_column: str) -> None:
        self.table = table
        self.parent = parent
        self.column = column
        self.locked_column = locked_column

    def state_forwards(self, app_label: str, state: Any) -> None:
        """Triggers do not change Django's model state."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        """Create the triggers."""
        for statement in protect_children_sql(
            schema_editor.connection.vendor,
            self.table,
            parent=self.parent,
            column=self.column,
            locked_column=self.locked_column,
        ):
            schema_editor.execute(statement)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        """Drop the triggers."""
        for statement in unprotect_children_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(statement)

    def describe(self) -> str:
        """Describe the operation for `migrate --plan`."""
        return f"Freeze rows of {self.table} once their {self.parent} is locked"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        """Serialise the operation into a migration file."""
        kwargs = {
            "table": self.table,
            "parent": self.parent,
            "column": self.column,
            "locked_column": self.locked_column,
        }
        return ("pingan.core.triggers.ProtectChildren", [], kwargs)
