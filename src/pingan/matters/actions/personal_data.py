"""Personal data of matters: shown in full on request (audited), erased after the retention period."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.access.roles import Role
from pingan.matters import crypto
from pingan.matters.actions.common import current, policy, require_handler_of
from pingan.matters.models import Attachment, Matter


def reveal_personal(*, actor: Actor, matter_id: int) -> dict[str, str]:
    """Show the personal data of a matter in full to its dispatcher or assigned handler, and audit it.

    A confidential reporter's identity is never shown to the handling unit.
    """
    require(actor, "matters.personal")
    matter = Matter.objects.get(pk=matter_id)
    is_centre = Role.DISPATCHER in actor.roles
    if not is_centre:
        require_handler_of(actor, matter)
        if matter.handler_id is None or matter.handler_id != actor.user_id:
            raise PermissionDenied(_("Only the assigned handler sees the contact details."))
    shown = {
        "parties": crypto.decrypt(matter.parties_enc),
        "party_contact": crypto.decrypt(matter.party_contact_enc),
    }
    if is_centre or not matter.reporter_confidential:
        shown["reporter_name"] = crypto.decrypt(matter.reporter_name_enc)
        shown["reporter_phone"] = crypto.decrypt(matter.reporter_phone_enc)
    with transaction.atomic():
        record_event(
            actor=actor,
            event=Event.MATTERS_PERSONAL_DATA_VIEW,
            obj=matter,
            detail={"fields": sorted(shown)},
        )
    return shown


def purge_personal_data(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Erase the personal data and attachments of matters archived longer than the retention period.

    The matter's category, grade, unit, dates and outcome stay, so statistics do not change.
    """
    require(actor, "matters.jobs")
    cutoff = current(now) - dt.timedelta(days=policy().retention_days)
    due = list(
        Matter.objects.filter(archived_at__lt=cutoff, personal_erased_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for matter_id in due:
        _erase_one(actor, matter_id, current(now))
    return len(due)


def _erase_one(actor: Actor, matter_id: int, now: dt.datetime) -> None:
    with transaction.atomic():
        changed = Matter.objects.filter(pk=matter_id, personal_erased_at__isnull=True).update(
            parties_enc="",
            party_contact_enc="",
            reporter_name_enc="",
            reporter_phone_enc="",
            address="",
            lat=None,
            lon=None,
            personal_erased_at=now,
        )
        if not changed:
            return
        for attachment in Attachment.objects.filter(matter_id=matter_id):
            attachment.file.delete(save=False)
            attachment.delete()
        record_event(
            actor=actor,
            event=Event.MATTERS_PERSONAL_DATA_ERASE,
            object_type="matters.matter",
            object_id=matter_id,
        )
