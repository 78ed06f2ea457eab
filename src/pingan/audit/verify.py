"""Recomputing the chain: names the first record that was changed, removed or moved, and the
first anchor the chain disagrees with."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from pingan.audit.anchor import Anchor, AnchorUnreadable, anchor_path, load_anchor
from pingan.audit.chain import record_hash
from pingan.audit.models import GENESIS_HASH, AuditHead, AuditRecord


@dataclass(frozen=True)
class Verdict:
    """The result of verifying the chain: ok, records checked, and the first fault found.

    `bad_seq` names the record where the chain and what it was compared with first disagree
    (None when the fault is not at a record, e.g. an unreadable or missing anchor); `anchor`
    names the anchor file involved, if any.
    """

    ok: bool
    checked: int
    bad_seq: int | None = None
    reason: str = ""
    anchor: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    anchors_checked: int = 0


@dataclass(frozen=True)
class _Given:
    label: str
    anchor: Anchor


def verify_chain(*, anchors: Sequence[Path] = (), chunk_size: int = 5000) -> Verdict:
    """Walk every record in sequence order, checking numbering, links, hashes, the head row, the
    home anchor and every anchor given (files exported earlier)."""
    head = AuditHead.objects.get(pk=1)
    given, fault = _load_anchors(head, anchors)
    if fault is not None:
        return fault
    at: dict[int, list[_Given]] = defaultdict(list)
    for item in given:
        at[item.anchor.seq].append(item)
    mismatch = _mismatch(at.get(0, []), 0, GENESIS_HASH, 0)
    if mismatch is not None:
        return mismatch
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk_size):
        fault_text = _fault(record, expected_seq, prev_hash)
        if fault_text:
            return Verdict(False, checked, record.seq, fault_text)
        mismatch = _mismatch(at.get(record.seq, []), record.seq, record.hash, checked)
        if mismatch is not None:
            return mismatch
        expected_seq, prev_hash, checked = record.seq + 1, record.hash, checked + 1
    return _check_tail(head, given, checked, expected_seq - 1, prev_hash)


def _load_anchors(head: AuditHead, paths: Sequence[Path]) -> tuple[list[_Given], Verdict | None]:
    home = anchor_path(head.chain_id)
    found: list[_Given] = []
    for path, is_home in [(home, True), *((Path(p), False) for p in paths)]:
        if is_home and not path.exists():
            continue
        try:
            anchor = load_anchor(path, chain_id=head.chain_id if is_home else "")
        except AnchorUnreadable as exc:
            reason = _("the anchor %(anchor)s cannot be read: %(reason)s") % {
                "anchor": path,
                "reason": exc,
            }
            return [], Verdict(False, 0, None, reason, anchor=str(path))
        if anchor.chain_id != head.chain_id:
            reason = _(
                "the anchor %(anchor)s belongs to chain %(other)s, not to this database's chain %(chain)s"
            ) % {"anchor": path, "other": anchor.chain_id, "chain": head.chain_id}
            return [], Verdict(False, 0, None, reason, anchor=str(path))
        found.append(_Given(str(path), anchor))
    return found, None


def _mismatch(items: list[_Given], seq: int, digest: str, checked: int) -> Verdict | None:
    for item in items:
        if item.anchor.hash != digest:
            reason = _(
                "the record does not match the anchor %(anchor)s: the chain was rewritten at or before this record"
            ) % {"anchor": item.label}
            return Verdict(False, checked, seq, reason, anchor=item.label)
    return None


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


def _check_tail(
    head: AuditHead, given: list[_Given], checked: int, last_seq: int, last_hash: str
) -> Verdict:
    if head.seq != last_seq or head.hash != last_hash:
        return Verdict(
            False,
            checked,
            last_seq + 1,
            _("the chain ends before its recorded head (truncated tail)"),
        )
    for item in sorted(given, key=lambda g: g.anchor.seq):
        if item.anchor.seq > last_seq:
            reason = _(
                "the chain ends before its external anchor %(anchor)s, which names record %(seq)s (truncated tail)"
            ) % {"anchor": item.label, "seq": item.anchor.seq}
            return Verdict(False, checked, last_seq + 1, reason, anchor=item.label)
    home = anchor_path(head.chain_id)
    if last_seq > 0 and not any(item.label == str(home) for item in given):
        reason = _(
            "the home anchor %(anchor)s is missing although the chain has %(n)s records (deleted?)"
        ) % {"anchor": home, "n": last_seq}
        return Verdict(False, checked, None, reason, anchor=str(home))
    return Verdict(
        True, checked, head_seq=last_seq, head_hash=last_hash, anchors_checked=len(given)
    )
