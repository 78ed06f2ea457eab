"""The deadline label of a matter: one function decides what every page says about it.

Rule (local dates): no pending deadline → no label; the deadline passed → "overdue by N days";
due today → "due today"; due within the next `SOON_DAYS` calendar days → "due soon"; otherwise
"due in N days". A matter waiting to be signed for counts its sign-for deadline if that comes first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pingan.matters.models import Matter, Status

SOON_DAYS = 2
# Statuses whose deadlines still run (with the unit or awaiting the centre's review).
RUNNING = frozenset({Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.FEEDBACK})


@dataclass(frozen=True)
class DueLabel:
    """What a page says about a deadline: a kind for styling and tests, and the words."""

    kind: str  # "overdue", "today", "soon" or "later"
    text: str
    due: dt.date

    @property
    def css(self) -> str:
        """The Bootstrap badge class of the kind."""
        return {
            "overdue": "text-bg-danger",
            "today": "text-bg-warning",
            "soon": "text-bg-warning",
        }.get(self.kind, "text-bg-light")


def pending_due(matter: Matter) -> dt.date | None:
    """The deadline that runs now: none once closed or back at the centre; else the earlier one."""
    if matter.status not in RUNNING:
        return None
    dates = [matter.handle_due]
    if matter.status == Status.DISPATCHED:
        dates.append(matter.sign_due)
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def due_label_for_date(due: dt.date | None, today: dt.date) -> DueLabel | None:
    """The label of a deadline `due` seen on `today` (None without a deadline)."""
    if due is None:
        return None
    days = (due - today).days
    if days < 0:
        late = -days
        text = ngettext("overdue by %(n)d day", "overdue by %(n)d days", late) % {"n": late}
        return DueLabel("overdue", text, due)
    if days == 0:
        return DueLabel("today", _("due today"), due)
    if days <= SOON_DAYS:
        text = ngettext("due soon (in %(n)d day)", "due soon (in %(n)d days)", days) % {"n": days}
        return DueLabel("soon", text, due)
    return DueLabel(
        "later", ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}, due
    )


def due_label(matter: Matter, today: dt.date) -> DueLabel | None:
    """The label of the matter's running deadline on `today` (None when no deadline runs)."""
    return due_label_for_date(pending_due(matter), today)
