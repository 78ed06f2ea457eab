"""Recomputing the chain: names the first record that was changed, removed or moved."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingan.audit.chain import record_hash
from pingan.audit.models import GENESIS_HASH, AuditHead, AuditRecord
from pingan.audit.services import read_anchor


@dataclass(frozen=True)
class Verdict:
    """The result of verifying the chain: ok, records checked, and the first fault found."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""


def verify_chain(*, chunk_size: int = 5000) -> Verdict:
    """Walk every record in sequence order, checking numbering, links, hashes and the head."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk_size):
        fault = _fault(record, expected_seq, prev_hash)
        if fault:
            return Verdict(False, checked, record.seq, fault)
        expected_seq, prev_hash, checked = record.seq + 1, record.hash, checked + 1
    return _check_tail(checked, expected_seq - 1, prev_hash)


def _fault(record: AuditRecord, expected_seq: int, prev_hash: str) -> str:
    if record.seq != expected_seq:
        return _("record %(expected)s is missing (found %(found)s next)") % {
            "expected": expected_seq,
            "found": record.seq,
        }
    if record.prev_hash != prev_hash:
        return _("the link to the previous record is broken (removed or reordered records)")
    if record_hash(record) != record.hash:
        return _("the record's content does not match its hash (changed)")
    return ""


def _check_tail(checked: int, last_seq: int, last_hash: str) -> Verdict:
    head = AuditHead.objects.get(pk=1)
    if head.seq != last_seq or head.hash != last_hash:
        return Verdict(
            False,
            checked,
            last_seq + 1,
            _("the chain ends before its recorded head (truncated tail)"),
        )
    anchor = read_anchor(head.chain_id)
    if anchor is not None and anchor[0] > last_seq:
        return Verdict(
            False,
            checked,
            last_seq + 1,
            _("the chain ends before its external anchor (truncated tail)"),
        )
    return Verdict(True, checked)
