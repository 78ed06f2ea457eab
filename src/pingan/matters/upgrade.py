"""Upgrade a database made while this app was called `cases` (before it was renamed `matters`).

Such a database has tables `cases_*` and rows with app `cases` in `django_migrations` and
`django_content_type`. `adopt_former_label` renames them in one transaction before `migrate` reads
the migration history, so the matters migrations continue from where the cases ones stopped. Audit
records are left as they are: their hashes cover the event names (`cases.*`) they were written with.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

FORMER_LABEL = "cases"
LABEL = "matters"
FORMER_MODULE = "pingan.cases."
MODULE = "pingan.matters."


def _new_name(name: str) -> str:
    return LABEL + name[len(FORMER_LABEL) :]


def _needs_adoption(cursor: Any, tables: list[str]) -> bool:
    """True when the migration history names the former label and not the current one."""
    if "django_migrations" not in tables:
        return False
    cursor.execute(
        "SELECT DISTINCT app FROM django_migrations WHERE app IN (%s, %s)", [FORMER_LABEL, LABEL]
    )
    return {row[0] for row in cursor.fetchall()} == {FORMER_LABEL}


def _rename_tables(connection: Any, cursor: Any, tables: list[str]) -> list[str]:
    """Rename every `cases_*` table (and, on PostgreSQL, its sequences); the old names."""
    quote = connection.ops.quote_name
    former = sorted(t for t in tables if t.startswith(FORMER_LABEL + "_"))
    for table in former:
        cursor.execute("ALTER TABLE %s RENAME TO %s" % (quote(table), quote(_new_name(table))))
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema() AND sequence_name LIKE %s",
            [FORMER_LABEL + r"\_%"],
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(
                "ALTER SEQUENCE %s RENAME TO %s" % (quote(sequence), quote(_new_name(sequence)))
            )
    return former


def _relabel_rows(cursor: Any, tables: list[str]) -> None:
    """Point the migration history and the content types at the new name."""
    cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [LABEL, FORMER_LABEL])
    if "django_content_type" in tables:
        cursor.execute(
            "UPDATE django_content_type SET app_label = %s WHERE app_label = %s",
            [LABEL, FORMER_LABEL],
        )


def _repoint_queued_jobs(alias: str) -> None:
    """Queued runs of the former module's tasks (the periodic tick) run the renamed ones."""
    queued = DBTaskResult.objects.using(alias).filter(
        status=TaskResultStatus.READY, task_path__startswith=FORMER_MODULE
    )
    for path in set(queued.values_list("task_path", flat=True)):
        queued.filter(task_path=path).update(task_path=MODULE + path[len(FORMER_MODULE) :])


def adopt_former_label(connection: Any) -> list[str]:
    """Rename a `cases` database to `matters` in one transaction; the tables renamed (old names).

    Does nothing (and returns []) on a new database or one already upgraded.
    """
    tables = connection.introspection.table_names()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if not _needs_adoption(cursor, tables):
            return []
        renamed = _rename_tables(connection, cursor, tables)
        _relabel_rows(cursor, tables)
        if DBTaskResult._meta.db_table in tables:
            _repoint_queued_jobs(connection.alias)
    return renamed
