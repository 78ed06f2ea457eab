"""The audit chain detects a changed byte, a removed row, a reordering and a truncated tail."""

from __future__ import annotations

import itertools

import pytest
from django.db import DatabaseError, connection, transaction

from pingan.audit.events import Event
from pingan.audit.models import AuditHead, AuditRecord
from pingan.audit.services import record_event
from pingan.audit.verify import verify_chain
from pingan.core import triggers


@pytest.fixture
def chain(db, system_actor, settings, tmp_path, django_capture_on_commit_callbacks):
    """Five records; the home anchor (in a data folder of the test's own) moved as commits do."""
    settings.PINGAN_HOME = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            record_event(
                actor=system_actor,
                event=Event.BACKUP_ARCHIVE_CREATE,
                object_type="test",
                object_id=i,
                detail={"n": i},
            )
    return list(AuditRecord.objects.order_by("seq"))


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def without_triggers(db):
    """Drop the immutability triggers, as an attacker with database access would."""
    for name, table, _sql in triggers.installed_triggers(connection):
        if table == "audit_auditrecord":
            raw(triggers.drop_statement(connection, name, table))


def test_untouched_chain_verifies(chain):
    verdict = verify_chain()
    assert (verdict.ok, verdict.checked, verdict.bad_seq) == (True, 5, None)


def test_records_link_and_hash(chain):
    assert chain[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(chain))
    assert AuditHead.objects.get(pk=1).seq == 5


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditrecord SET outcome = 'x' WHERE seq = 2",
        "DELETE FROM audit_auditrecord WHERE seq = 2",
    ],
)
def test_triggers_refuse_update_and_delete(chain, sql):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(sql)
    assert verify_chain().ok


def test_flipped_byte_is_named(chain, without_triggers):
    raw("UPDATE audit_auditrecord SET event = 'backup.archive.creatE' WHERE seq = 3")
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq, verdict.checked) == (False, 3, 2)
    assert "changed" in verdict.reason


def test_deleted_row_is_found(chain, without_triggers):
    raw("DELETE FROM audit_auditrecord WHERE seq = 2")
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq) == (False, 3)
    assert "record 2 is missing" in verdict.reason


def test_reordering_is_found(chain, without_triggers):
    raw("UPDATE audit_auditrecord SET seq = -1 WHERE seq = 2")
    raw("UPDATE audit_auditrecord SET seq = 2 WHERE seq = 4")
    raw("UPDATE audit_auditrecord SET seq = 4 WHERE seq = -1")
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq) == (False, 2)


def test_truncated_tail_is_found(chain, without_triggers):
    raw("DELETE FROM audit_auditrecord WHERE seq >= 4")
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq) == (False, 4)
    assert "truncated tail" in verdict.reason


def test_truncated_tail_with_head_rewound_is_found_by_the_anchor(chain, without_triggers):
    third = chain[2]
    raw("DELETE FROM audit_auditrecord WHERE seq >= 4")
    raw("UPDATE audit_audithead SET seq = 3, hash = %s", [third.hash])
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq) == (False, 4)
    assert "external anchor" in verdict.reason


def test_a_failed_action_leaves_no_record(db, system_actor):
    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=system_actor, event=Event.BACKUP_ARCHIVE_CREATE)
        raise RuntimeError("the action failed")
    assert AuditRecord.objects.count() == before


def test_cli_verify_exit_codes(chain, without_triggers, capsys):
    from pingan.cli import main

    assert main(["audit", "verify"]) == 0
    raw("UPDATE audit_auditrecord SET detail = '{\"n\": 9}' WHERE seq = 4")
    assert main(["audit", "verify"]) == 1
    assert "审计链在第 4 条记录处断裂" in capsys.readouterr().err


def test_exports_are_audited(demo_units, capsys, monkeypatch):
    from pingan.cli import main

    monkeypatch.setenv("PINGAN_LANGUAGE", "en")
    assert main(["units", "export", "--format", "json"]) == 0
    record = AuditRecord.objects.filter(event=Event.UNITS_UNIT_EXPORT).get()
    assert (record.object_type, record.detail, record.channel) == ("units", {"rows": 124}, "cli")
