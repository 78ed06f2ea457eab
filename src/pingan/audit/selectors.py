"""Reads of the audit log for the audit administrator."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pingan.audit.events import event_of, stored_names
from pingan.audit.models import AuditRecord
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role


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


OUTCOME_LABELS = {
    "success": _("done"),
    "dry_run": _("checked only"),
    "denied": _("refused"),
    "failure": _("failed"),
}
CHANNEL_LABELS = {
    "web": _("web"),
    "api": _("API"),
    "cli": _("command line"),
    "job": _("job"),
    "public": _("public form"),
}


def actor_names(user_ids: set[int]) -> dict[int, str]:
    """Display names (username when none) of the accounts with these ids, in one query."""
    users = get_user_model().objects.filter(pk__in=sorted(user_ids))
    return {u.pk: "%s (%s)" % (str(u), u.get_username()) for u in users}


def readable(records: list[AuditRecord]) -> list[dict[str, Any]]:
    """The records with names and words in place of ids and stored values, for a person to read."""
    names = actor_names({r.actor_id for r in records if r.actor_id is not None})
    rows = []
    for r in records:
        rows.append(
            {
                "record": r,
                "actor": names.get(r.actor_id, "#%s" % r.actor_id) if r.actor_id else "",
                "role": Role(r.actor_role).label if r.actor_role in Role.values else r.actor_role,
                "channel": CHANNEL_LABELS.get(r.channel, r.channel),
                "outcome": OUTCOME_LABELS.get(r.outcome, r.outcome),
                "object": object_label(r.object_type),
            }
        )
    return rows


def object_label(object_type: str) -> str:
    """The kind of object a record names, in words: the model's name for an `app.model` label,
    the stored text otherwise (e.g. a file or an export)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)
