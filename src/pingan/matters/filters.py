"""One filter set for lists of matters, shared by the matters page and the Open311 requests list.

Every condition runs in the database, so a limit applied afterwards never drops a matching row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

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

    @classmethod
    def from_list_page(cls, params: Any) -> MatterFilter:
        """The filter of the matters page from its query string (unknown values are ignored)."""
        status, category, grade = (params.get(key, "") for key in ("status", "category", "grade"))
        return cls(
            status=status if status in Status.values else "",
            category_codes=(category,) if category else (),
            grade_level=int(grade) if grade.isdigit() else None,
            overdue=params.get("overdue") == "1",
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
        return matters.filter(conditions)
