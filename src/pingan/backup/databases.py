"""Consistent snapshots of the database and their restore: the SQLite backup API, or pg_dump and
pg_restore for PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.utils.translation import gettext as _

from pingan.audit.anchor import Anchor


class BackupFailed(Exception):
    """The backup or restore could not be done; the message says why."""


def vendor() -> str:
    """The configured database: 'sqlite' or 'postgresql'."""
    return str(connection.vendor)


def snapshot_name(vendor_name: str) -> str:
    """The archive member holding the database."""
    return "database/pingan.sqlite3" if vendor_name == "sqlite" else "database/pingan.pgdump"


def snapshot(dest: Path) -> Anchor:
    """Write a consistent snapshot of the database to dest; return the chain head it holds."""
    if vendor() == "sqlite":
        return _sqlite_snapshot(Path(connection.settings_dict["NAME"]), dest)
    return _postgres_snapshot(dest)


def _sqlite_snapshot(source: Path, dest: Path) -> Anchor:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        (check,) = dst.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupFailed(
                _("the database failed its integrity check: %(detail)s") % {"detail": check}
            )
        row = dst.execute("SELECT chain_id, seq, hash FROM audit_audithead WHERE id = 1").fetchone()
    finally:
        dst.close()
        src.close()
    os.chmod(dest, 0o600)
    return Anchor(row[0], int(row[1]), row[2])


def _postgres_snapshot(dest: Path) -> Anchor:
    """pg_dump of the same snapshot the chain head is read from (an exported snapshot)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        cursor.execute("SELECT chain_id, seq, hash FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
        _run(
            "pg_dump",
            [
                *("--format=custom", "--no-owner", "--no-privileges"),
                *("--snapshot", snapshot_id, "--file", str(dest)),
            ],
        )
    os.chmod(dest, 0o600)
    return Anchor(row[0], int(row[1]), row[2])


def is_empty() -> bool:
    """True when the configured database holds no tables."""
    try:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
    except DatabaseError as exc:
        raise BackupFailed(
            _("the configured database cannot be opened: %(detail)s") % {"detail": exc}
        ) from None
    finally:
        connections.close_all()
    return not tables


def restore(source: Path, *, replace: bool) -> None:
    """Put a snapshot into the configured database (replacing what it holds when told to)."""
    connections.close_all()
    if vendor() == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(target) + suffix)
        temp = target.with_name("." + target.name + ".restore")
        shutil.copyfile(source, temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        return
    if replace:
        _restore_replacing(source)
        return
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run("pg_restore", [*options, str(source)])


CLEAR_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
          AND NOT c.relispartition
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE', CASE item.relkind WHEN 'v' THEN 'VIEW'
            WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, item.name);
    END LOOP;
    FOR item IN SELECT c.oid::regclass AS name FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS %s CASCADE', item.name);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
    END LOOP;
END $$;
"""
"""Drops the tables, views, sequences and functions of the schema (not those of extensions)."""


def _restore_replacing(source: Path) -> None:
    """Replace the database's contents by the snapshot in one transaction: the schema's objects
    dropped, then the snapshot's script, through psql; any error rolls all of it back.

    `pg_restore --clean` cannot be used: it drops the constraints of each partition of a
    partitioned table, which PostgreSQL refuses (they are inherited from the partitioned table).
    """
    script_command = [_executable("pg_restore"), "--no-owner", "--no-privileges", "--file", "-"]
    script_command.append(str(source))  # written out as a script: pg_restore connects to nothing
    psql_command, env = _command(
        "psql", ["--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    )
    env["PGOPTIONS"] = "-c client_min_messages=warning"  # no notice per dropped object
    with subprocess.Popen(  # noqa: S603
        script_command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as script:
        psql = subprocess.Popen(  # noqa: S603
            psql_command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert script.stdout is not None and psql.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.write(CLEAR_SCHEMA.encode())
            shutil.copyfileobj(script.stdout, psql.stdin)
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.close()
        script.stdout.close()  # pg_restore stops writing if psql stopped early
        psql_errors = psql.stderr.read().decode(errors="replace") if psql.stderr else ""
        psql.wait()
        script_errors = script.stderr.read().decode(errors="replace") if script.stderr else ""
    for program, code, detail in (
        ("pg_restore", script.returncode, script_errors),
        ("psql", psql.returncode, psql_errors),
    ):
        if code != 0:
            raise BackupFailed(
                _("%(program)s failed: %(detail)s")
                % {"program": program, "detail": detail.strip()[-2000:]}
            )


def _executable(program: str) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise BackupFailed(
            _("%(program)s was not found; install the PostgreSQL client programs")
            % {"program": program}
        )
    return executable


def _command(program: str, arguments: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line running `program` against the configured database, and its environment."""
    settings: dict[str, Any] = connection.settings_dict
    command = [_executable(program), *arguments, "--dbname", str(settings["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return command, env


def _run(program: str, arguments: list[str]) -> None:
    command, env = _command(program, arguments)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupFailed(
            _("%(program)s failed: %(detail)s")
            % {"program": program, "detail": result.stderr.strip()[-2000:]}
        )
