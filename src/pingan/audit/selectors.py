"""Reads of the audit log for the audit administrator."""

from __future__ import annotations

from django.db.models import QuerySet

from pingan.audit.events import event_of, stored_names
from pingan.audit.models import AuditRecord
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require


def audit_records(*, actor: Actor, event: str = "", object_type: str = "") -> QuerySet[AuditRecord]:
    """Audit records, newest first, optionally filtered (audit administrator only).

    `event` may be a current or a legacy name: either finds the records of its type under both.
    """
    require(actor, "audit.read")
    records = AuditRecord.objects.order_by("-seq")
    if event:
        known = event_of(event)
        records = records.filter(event__in=[event] if known is None else stored_names(known))
    if object_type:
        records = records.filter(object_type=object_type)
    return records
