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
    options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if replace:
        options += ["--clean", "--if-exists"]
    _run("pg_restore", [*options, str(source)])


def _run(program: str, arguments: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupFailed(
            _("%(program)s was not found; install the PostgreSQL client programs")
            % {"program": program}
        )
    settings: dict[str, Any] = connection.settings_dict
    command = [executable, *arguments, "--dbname", str(settings["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupFailed(
            _("%(program)s failed: %(detail)s")
            % {"program": program, "detail": result.stderr.strip()[-2000:]}
        )
