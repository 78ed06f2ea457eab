"""Reads of the audit log for the audit administrator."""

from __future__ import annotations

from django.db.models import QuerySet

from pingan.accounts.actor import Actor
from pingan.accounts.permissions import require
from pingan.audit.models import AuditRecord


def audit_records(*, actor: Actor, event: str = "", object_type: str = "") -> QuerySet[AuditRecord]:
    """Audit records, newest first, optionally filtered (audit administrator only)."""
    require(actor, "audit.read")
    records = AuditRecord.objects.order_by("-seq")
    if event:
        records = records.filter(event=event)
    if object_type:
        records = records.filter(object_type=object_type)
    return records
