"""Home-page panel of bulletins: the latest issued bulletin, and the open drafts for those who draft."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pingan.bulletins import selectors
from pingan.bulletins.models import Bulletin, Status
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import can, require
from pingan.core.panels import Panel


def open_drafts(actor: Actor) -> list[Bulletin]:
    """Drafts not yet issued, newest quarter first (for those who draft)."""
    require(actor, "bulletins.draft")
    return list(
        Bulletin.objects.filter(status=Status.DRAFT).defer("docx").order_by("-period", "-edition")
    )


def latest_bulletin(actor: Actor) -> dict[str, Any]:
    """The most recently issued bulletin; with the drafts in hand when the actor may draft."""
    require(actor, "bulletins.view")
    may_draft = can(actor, "bulletins.draft")
    return {
        "latest": selectors.last_issued(),
        "drafts": open_drafts(actor) if may_draft else [],
        "may_draft": may_draft,
        "may_issue": can(actor, "bulletins.issue"),
    }


PANELS = [
    Panel(
        "bulletins.latest",
        _("Quarterly bulletin"),
        "bulletins.view",
        "bulletins/home/latest.html",
        latest_bulletin,
        order=40,
    )
]
