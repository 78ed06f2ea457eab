"""Appending to the audit log. Callers do so inside the transaction of the action itself."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pingan.audit.anchor import Anchor, anchor_after_commit
from pingan.audit.chain import record_hash
from pingan.audit.events import Event, checked_event
from pingan.audit.models import AuditHead, AuditRecord
from pingan.core.access.actor import Actor

PG_APPEND_LOCK = 7_305_011


def record_event(
    *,
    actor: Actor,
    event: Event,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain, serialised with every other append.

    Must run inside the action's transaction: if the action rolls back, so does its record,
    and if the append fails, the action fails with it. An event type that is not a member of
    `Event` is refused (UnknownEvent) before anything is written.
    """
    event = checked_event(event)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    with transaction.atomic():
        head = _locked_head()
        record = AuditRecord(
            seq=head.seq + 1,
            occurred_at=timezone.now().astimezone(dt.UTC),
            actor_id=actor.user_id,
            actor_role=actor.primary_role,
            channel=actor.channel,
            source=actor.source[:64],
            event=event.value,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            outcome=outcome,
            detail=_json_safe(detail or {}),
            prev_hash=head.hash,
        )
        record.hash = record_hash(record)
        record.save(force_insert=True)
        AuditHead.objects.filter(pk=head.pk, seq=head.seq).update(seq=record.seq, hash=record.hash)
        transaction.on_commit(lambda: anchor_after_commit(head.chain_id, record.seq, record.hash))
    return record


AuditEntry = tuple[Event, Any, dict[str, Any]]
"""One record of a batch: the event, the object it is about, and its detail."""


def record_events(*, actor: Actor, entries: list[AuditEntry]) -> list[AuditRecord]:
    """Append one record per entry, in order, as `record_event` would one after the other.

    One lock of the head, one insert of every record and one move of the head and of the home
    anchor, whatever the number of entries: for actions that write many objects at once. Same
    rules as `record_event`: inside the action's transaction; an unknown event refuses the lot.
    """
    checked = [(checked_event(event), obj, detail) for event, obj, detail in entries]
    if not checked:
        return []
    with transaction.atomic():
        head = _locked_head()
        seq, previous = head.seq, head.hash
        records = []
        for event, obj, detail in checked:
            seq += 1
            record = AuditRecord(
                seq=seq,
                occurred_at=timezone.now().astimezone(dt.UTC),
                actor_id=actor.user_id,
                actor_role=actor.primary_role,
                channel=actor.channel,
                source=actor.source[:64],
                event=event.value,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                outcome="success",
                detail=_json_safe(detail),
                prev_hash=previous,
            )
            record.hash = previous = record_hash(record)
            records.append(record)
        AuditRecord.objects.bulk_create(records)
        AuditHead.objects.filter(pk=head.pk, seq=head.seq).update(seq=seq, hash=previous)
        transaction.on_commit(lambda: anchor_after_commit(head.chain_id, seq, previous))
    return records


def _locked_head() -> AuditHead:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_APPEND_LOCK])
    return AuditHead.objects.select_for_update().get(pk=1)


def _json_safe(detail: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the stored and the hashed detail are the same value."""
    return json.loads(json.dumps(detail, default=str, sort_keys=True))  # type: ignore[no-any-return]


def export_anchor(*, actor: Actor) -> Anchor:
    """Record that the head is being exported, then return the head, which includes that record."""
    with transaction.atomic():
        record_event(actor=actor, event=Event.AUDIT_ANCHOR_EXPORT, object_type="audit")
    head = AuditHead.objects.get(pk=1)
    return Anchor(head.chain_id, head.seq, head.hash)


def record_export(
    *, actor: Actor, event: Event, what: str, rows: int, detail: dict[str, Any] | None = None
) -> None:
    """Audit that the actor took data out of the system (what, how many rows, filters used)."""
    with transaction.atomic():
        record_event(
            actor=actor,
            event=event,
            object_type=what,
            detail={"rows": rows, **(detail or {})},
        )
