"""A database made while the app was called `cases` is upgraded by `migrate`, its data intact."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from pingan.accounts.models import ApiCredential
from pingan.audit.models import AuditRecord
from pingan.core import jobs
from pingan.matters import crypto
from pingan.matters.models import Matter
from pingan.matters.tasks import tick
from pingan.matters.upgrade import adopt_former_label
from tests.matters.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

CONSTRAINTS = {
    "grade": "grade_1_to_3",
    "ladderstep": "ladder_step_unique",
    "matter": "satisfaction_1_to_5",
    "notice": "notice_once_per_deadline_and_office",  # per office since 0007
}


MADE_AFTER_0003 = {"matters_ticket_key"}
"""Tables a later migration makes (on PostgreSQL), absent from a database at matters 0003."""


def _rename(old: str, new: str) -> None:
    """Rename the tables (and PostgreSQL sequences) named `old_*` to `new_*`."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(old + "_"):
                renamed = new + table[len(old) :]
                cursor.execute("ALTER TABLE %s RENAME TO %s" % (quote(table), quote(renamed)))
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema() AND sequence_name LIKE %s",
                [old + r"\_%"],
            )
            for (sequence,) in cursor.fetchall():
                renamed = new + sequence[len(old) :]
                cursor.execute("ALTER SEQUENCE %s RENAME TO %s" % (quote(sequence), quote(renamed)))


def _make_it_look_like_the_cases_app() -> None:
    """Undo the constraint migration, then give tables and rows the former app's name."""
    call_command("migrate", "matters", "0003", verbosity=0)
    _rename("matters", "cases")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_migrations SET app = 'cases' WHERE app = 'matters'")
        cursor.execute(
            "UPDATE django_content_type SET app_label = 'cases' WHERE app_label = 'matters'"
        )


def _tables(prefix: str) -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t.startswith(prefix))


def _labels(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted({row[0] for row in cursor.fetchall()})


def test_migrate_upgrades_a_cases_database(new_matter):
    matter = new_matter()
    audit_count = AuditRecord.objects.count()
    jobs.enqueue(tick, key="pingan.cases.tasks.tick@2025-09-26T00:00:00+00:00")
    DBTaskResult.objects.update(task_path="pingan.cases.tasks.tick")
    matters_tables = _tables("matters_")
    _make_it_look_like_the_cases_app()
    assert _tables("matters_") == []
    # The former revision still had the Open311 keys in the app (cases_apikey).
    former = ["cases" + t[len("matters") :] for t in matters_tables if t not in MADE_AFTER_0003]
    assert _tables("cases_") == sorted([*former, "cases_apikey"])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_apikey (name, prefix, digest, created_at) VALUES (%s, %s, %s, %s)",
            ["hotline", "o311_abc", "a" * 64, "2025-09-01 08:00:00+00:00"],
        )

    call_command("migrate", verbosity=0)

    assert _tables("cases_") == []
    assert _tables("matters_") == matters_tables
    assert _labels("SELECT app FROM django_migrations WHERE app IN ('cases', 'matters')") == [
        "matters"
    ]
    assert _labels(
        "SELECT app_label FROM django_content_type WHERE app_label IN ('cases', 'matters')"
    ) == ["matters"]
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "pingan.matters.tasks.tick"
    ]
    stored = Matter.objects.get()
    assert (stored.pk, stored.number, stored.status) == (matter.pk, matter.number, matter.status)
    assert crypto.decrypt(stored.reporter_phone_enc) == PHONE
    assert AuditRecord.objects.count() == audit_count
    key = ApiCredential.objects.get()
    assert (key.kind, key.name, key.prefix, key.digest, key.revoked_at) == (
        "open311",
        "hotline",
        "o311_abc",
        "a" * 64,
        None,
    )
    with connection.cursor() as cursor:
        for model, name in CONSTRAINTS.items():
            found = connection.introspection.get_constraints(cursor, "matters_" + model)
            assert "matters_" + name in found
            assert "cases_" + name not in found
    assert adopt_former_label(connection) == []
    assert new_matter().pk == matter.pk + 1


def test_a_new_or_upgraded_database_is_left_alone():
    before = _tables("matters_")
    assert adopt_former_label(connection) == []
    assert _tables("matters_") == before
