"""Anchors catch a rewritten chain: the home anchor, exported anchors, and concurrent writers."""

from __future__ import annotations

import json
import stat
import threading

import pytest
from django.db import connection
from django.utils import translation

from pingan.audit.anchor import anchor_path, load_anchor, read_anchor, write_anchor
from pingan.audit.chain import record_hash
from pingan.audit.events import Event
from pingan.audit.models import AuditHead, AuditRecord
from pingan.audit.services import record_event
from pingan.audit.verify import verify_chain
from pingan.cli import main
from pingan.core import triggers


@pytest.fixture(autouse=True)
def english():
    """Reasons are asserted in English; the command line switches to Chinese (as it does)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def committed(db, system_actor, settings, tmp_path, django_capture_on_commit_callbacks):
    """Append records as committed actions do (their anchor moves), in a data folder of its own."""
    settings.PINGAN_HOME = tmp_path / "home"

    def append(count: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(count):
                record_event(actor=system_actor, event=Event.BACKUP_ARCHIVE_CREATE, detail={"n": 1})

    append(6)
    return append


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def without_triggers(db):
    for name, table, _sql in triggers.installed_triggers(connection):
        if table == "audit_auditrecord":
            raw(triggers.drop_statement(connection, name, table))


def rewrite_from(seq: int) -> None:
    """The tamper: change a record, recompute every later hash and link, and move the head."""
    records = list(AuditRecord.objects.order_by("seq"))
    prev = records[seq - 2].hash if seq > 1 else "0" * 64
    for record in records[seq - 1 :]:
        if record.seq == seq:
            record.outcome = "failure"
        record.prev_hash = prev
        record.hash = record_hash(record)
        raw(
            "UPDATE audit_auditrecord SET outcome = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [record.outcome, record.prev_hash, record.hash, record.seq],
        )
        prev = record.hash
    raw("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev])


def head():
    return AuditHead.objects.get(pk=1)


def test_untouched_chain_agrees_with_its_home_anchor(committed):
    verdict = verify_chain()
    assert (verdict.ok, verdict.checked, verdict.head_seq, verdict.anchors_checked) == (
        True,
        6,
        6,
        1,
    )
    assert verdict.head_hash == head().hash
    assert read_anchor(head().chain_id) == (6, head().hash)


def test_rewrite_and_recompute_is_caught_by_the_home_anchor(committed, without_triggers):
    rewrite_from(3)
    # Every link and hash is consistent again; only the anchor still knows the old head.
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq, verdict.checked) == (False, 6, 5)
    assert verdict.anchor == str(anchor_path(head().chain_id))
    assert "does not match the anchor" in verdict.reason
    assert str(anchor_path(head().chain_id)) in verdict.reason


def test_rewritten_home_anchor_is_caught(committed):
    path = anchor_path(head().chain_id)
    path.write_text(path.read_text().replace(head().hash, "f" * 64))
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq, verdict.anchor) == (False, 6, str(path))


def test_deleted_home_anchor_is_reported(committed):
    path = anchor_path(head().chain_id)
    path.unlink()
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq, verdict.anchor) == (False, None, str(path))
    assert "is missing although the chain has 6 records" in verdict.reason


def test_an_empty_chain_needs_no_anchor(db, settings, tmp_path):
    settings.PINGAN_HOME = tmp_path
    assert verify_chain().ok


def test_garbled_home_anchor_is_reported(committed):
    path = anchor_path(head().chain_id)
    path.write_text("nonsense\n")
    verdict = verify_chain()
    assert (verdict.ok, verdict.bad_seq) == (False, None)
    assert "cannot be read: it is not an anchor file" in verdict.reason


def export(tmp_path, name: str) -> str:
    target = tmp_path / name
    assert main(["audit", "anchor", "export", "-o", str(target)]) == 0
    translation.activate("en")
    return str(target)


def test_an_older_exported_anchor_agrees_with_the_prefix(committed, tmp_path, capsys):
    older = export(tmp_path, "a7.json")  # the export appends its own record: 7
    committed(3)
    verdict = verify_chain(anchors=[tmp_path / "a7.json"])
    assert (verdict.ok, verdict.checked, verdict.anchors_checked) == (True, 10, 2)
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", older]) == 0
    out = capsys.readouterr().out
    assert "审计链完好：已校验 10 条记录" in out
    assert "链头：第 10 条记录，哈希 %s；2 个锚点一致" % head().hash in out


def test_exported_anchor_catches_a_rewrite_that_also_rewrote_the_home_anchor(
    committed, tmp_path, without_triggers, capsys
):
    exported = export(tmp_path, "a7.json")
    committed(3)
    rewrite_from(2)
    path = anchor_path(head().chain_id)
    path.write_text(path.read_text().replace(json.loads(path.read_text())["hash"], head().hash))
    assert verify_chain().ok  # the home anchor alone cannot tell: it was rewritten as well
    verdict = verify_chain(anchors=[tmp_path / "a7.json"])
    assert (verdict.ok, verdict.bad_seq, verdict.checked, verdict.anchor) == (
        False,
        7,
        6,
        exported,
    )
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", exported]) == 1
    err = capsys.readouterr().err
    assert "审计链在第 7 条记录处断裂：该记录与锚点 %s 不一致" % exported in err


def test_exported_anchor_beyond_a_truncated_chain_is_named(committed, tmp_path, without_triggers):
    exported = export(tmp_path, "a7.json")
    raw("DELETE FROM audit_auditrecord WHERE seq >= 6")
    five = AuditRecord.objects.get(seq=5)
    raw("UPDATE audit_audithead SET seq = 5, hash = %s WHERE id = 1", [five.hash])
    anchor_path(head().chain_id).unlink()
    verdict = verify_chain(anchors=[tmp_path / "a7.json"])
    assert (verdict.ok, verdict.bad_seq, verdict.anchor) == (False, 6, exported)
    assert "names record 7" in verdict.reason


def test_anchor_of_another_chain_is_refused(committed, tmp_path):
    other = tmp_path / "other.json"
    other.write_text(
        json.dumps(
            {"format": "pingan-audit-anchor", "chain_id": "x" * 8, "seq": 1, "hash": "a" * 64}
        )
    )
    verdict = verify_chain(anchors=[other])
    assert (verdict.ok, verdict.anchor) == (False, str(other))
    assert "belongs to chain xxxxxxxx" in verdict.reason


def test_export_writes_the_verified_head_and_is_audited(committed, tmp_path, capsys):
    target = tmp_path / "anchor.json"
    capsys.readouterr()
    assert main(["audit", "anchor", "export", "-o", str(target)]) == 0
    data = json.loads(target.read_text())
    assert (data["format"], data["chain_id"], data["seq"], data["hash"]) == (
        "pingan-audit-anchor",
        head().chain_id,
        7,
        head().hash,
    )
    assert AuditRecord.objects.get(seq=7).event == Event.AUDIT_ANCHOR_EXPORT
    assert main(["audit", "anchor", "export"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["seq"] == 8


def test_export_refuses_a_broken_chain(committed, tmp_path, without_triggers, capsys):
    rewrite_from(3)
    assert main(["audit", "anchor", "export", "-o", str(tmp_path / "x.json")]) == 1
    assert not (tmp_path / "x.json").exists()
    assert "未导出锚点" in capsys.readouterr().err


def test_home_anchor_is_private_and_leaves_no_temporary_files(committed):
    path = anchor_path(head().chain_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".lock"]


def test_the_anchor_never_moves_back(settings, tmp_path):
    settings.PINGAN_HOME = tmp_path
    write_anchor("c1", 9, "9" * 64)
    write_anchor("c1", 4, "4" * 64)
    assert read_anchor("c1") == (9, "9" * 64)


@pytest.mark.concurrency
def test_sixteen_threads_moving_one_anchor_never_fail_and_end_at_the_highest(settings, tmp_path):
    settings.PINGAN_HOME = tmp_path
    barrier = threading.Barrier(16)
    errors: list[str] = []

    def writer(thread: int) -> None:
        barrier.wait()
        for step in range(60):
            seq = step * 16 + thread + 1
            try:
                write_anchor("shared", seq, "%064x" % seq)
            except Exception as exc:  # reported in the assertion below
                errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert load_anchor(anchor_path("shared")).seq == 960
    assert sorted(p.name for p in (tmp_path / "audit").iterdir()) == [
        "shared.anchor",
        "shared.anchor.lock",
    ]


def test_an_anchor_that_cannot_be_written_is_logged_not_raised_after_commit(
    db, system_actor, settings, tmp_path, django_capture_on_commit_callbacks, caplog
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.PINGAN_HOME = blocker  # the audit folder cannot be created under a file
    with django_capture_on_commit_callbacks(execute=True):
        record = record_event(actor=system_actor, event=Event.BACKUP_ARCHIVE_CREATE)
    assert AuditRecord.objects.filter(pk=record.pk).exists()
    assert [r.getMessage() for r in caplog.records if r.name == "pingan.audit.anchor"] == [
        "audit anchor %s not moved to record %d: [Errno 20] Not a directory: '%s'"
        % (head().chain_id, record.seq, blocker / "audit")
    ]


def test_an_anchor_in_the_earlier_one_line_form_is_still_read(committed):
    path = anchor_path(head().chain_id)
    path.write_text("%d %s\n" % (head().seq, head().hash))
    verdict = verify_chain()
    assert (verdict.ok, verdict.anchors_checked) == (True, 1)
    committed(1)
    assert json.loads(path.read_text())["seq"] == 7
