"""One filter set for lists of matters, shared by the matters page and the Open311 requests list.

Every condition runs in the database, so a limit applied afterwards never drops a matching row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pingan.matters.models import CLOSED_STATUSES, Matter, Status

# As Open311 shows a matter: closed once handled or rejected, otherwise open.
CLOSED_FOR_OPEN311 = CLOSED_STATUSES | {Status.REJECTED}
# A merged duplicate shows the state of the matter it was merged into, followed this many merges.
MERGE_DEPTH = 8
PUBLIC_STATES = ("open", "closed")


def _closed(prefix: str = "", depth: int = MERGE_DEPTH) -> Q:
    """Matters whose public state is closed, following merges `depth` levels deep."""
    closed = Q(**{prefix + "status__in": CLOSED_FOR_OPEN311})
    if depth == 0:
        return closed
    merged = Q(**{prefix + "status": Status.MERGED}) & _closed(prefix + "merged_into__", depth - 1)
    return closed | merged


@dataclass(frozen=True)
class MatterFilter:
    """What a list of matters is narrowed to; an empty field does not narrow it."""

    numbers: tuple[str, ...] = ()
    status: str = ""
    public_state: str = ""
    category_codes: tuple[str, ...] = ()
    grade_level: int | None = None
    overdue: bool = False
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    # The responsible unit's id; NO_UNIT for matters not dispatched to any unit.
    unit_id: int | None = None
    # Open (not closed, rejected or merged) with a handling deadline before this day.
    past_due_on: dt.date | None = None

    @classmethod
    def from_list_page(cls, params: Any) -> MatterFilter:
        """The filter of the matters page from its query string (unknown values are ignored).

        Besides status, category, grade and the overdue flag: `from`/`to` (local dates received,
        inclusive), `unit` (responsible unit id, or "none") and `past_due=1` (the statistics'
        "open and overdue": still open with the handling deadline before today).
        """
        status, category, grade = (params.get(key, "") for key in ("status", "category", "grade"))
        unit = params.get("unit", "")
        first, last = _iso_day(params.get("from", "")), _iso_day(params.get("to", ""))
        return cls(
            status=status if status in Status.values else "",
            category_codes=(category,) if category else (),
            grade_level=int(grade) if grade.isdigit() else None,
            overdue=params.get("overdue") == "1",
            received_from=_day_start(first) if first else None,
            received_to=_day_start(last + dt.timedelta(days=1)) - TICK if last else None,
            unit_id=NO_UNIT if unit == "none" else (int(unit) if unit.isdigit() else None),
            past_due_on=timezone.localdate() if params.get("past_due") == "1" else None,
        )

    def apply(self, matters: QuerySet[Matter]) -> QuerySet[Matter]:
        """The matters of `matters` that pass every condition."""
        conditions = Q()
        if self.numbers:
            conditions &= Q(number__in=self.numbers)
        if self.status:
            conditions &= Q(status=self.status)
        if self.public_state:
            conditions &= _closed() if self.public_state == "closed" else ~_closed()
        if self.category_codes:
            conditions &= Q(category__code__in=self.category_codes)
        if self.grade_level is not None:
            conditions &= Q(grade__level=self.grade_level)
        if self.overdue:
            conditions &= Q(overdue=True)
        if self.received_from is not None:
            conditions &= Q(received_at__gte=self.received_from)
        if self.received_to is not None:
            conditions &= Q(received_at__lte=self.received_to)
        if self.unit_id == NO_UNIT:
            conditions &= Q(responsible_unit__isnull=True)
        elif self.unit_id is not None:
            conditions &= Q(responsible_unit_id=self.unit_id)
        if self.past_due_on is not None:
            conditions &= Q(handle_due__lt=self.past_due_on) & ~Q(status__in=NOT_DUE)
        return matters.filter(conditions)


NO_UNIT = 0
TICK = dt.timedelta(microseconds=1)
# Statuses in which a handling deadline no longer runs (the statistics count the rest as open).
NOT_DUE = CLOSED_STATUSES | {Status.REJECTED, Status.MERGED}


def _iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
