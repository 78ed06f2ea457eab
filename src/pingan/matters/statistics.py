"""Figures of matters: rates for a period, the daily work summary, monthly counts for the index.

Every figure leaves merged duplicates out (`COUNTED`); none carries personal data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.matters.models import CLOSED_STATUSES, OPEN_STATUSES, Category, Grade, Matter, Status
from pingan.matters.selectors import COUNTED
from pingan.units.models import OrgUnit

# ---------------------------------------------------------------- statistics


@dataclass
class Tally:
    """Counts behind the rates of one group of matters."""

    received: int = 0
    in_scope: int = 0
    dispatched: int = 0
    signed_on_time: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open_overdue: int = 0
    feedback: int = 0
    visited: int = 0
    resolved: int = 0
    satisfaction_sum: int = 0
    rates: dict[str, float | None] = field(default_factory=dict)

    def add(self, matter: Matter, today: dt.date) -> None:
        """Count one matter."""
        self.received += 1
        if matter.status == Status.REJECTED:
            return
        self.in_scope += 1
        if matter.dispatched_at is not None:
            self.dispatched += 1
            if (
                matter.signed_at is not None
                and matter.sign_due
                and _day(matter.signed_at) <= matter.sign_due
            ):
                self.signed_on_time += 1
        if matter.feedback_at is not None:
            self.feedback += 1
        if matter.status in CLOSED_STATUSES and matter.closed_at is not None:
            self.closed += 1
            if matter.handle_due is None or _day(matter.closed_at) <= matter.handle_due:
                self.closed_on_time += 1
        elif matter.handle_due is not None and matter.handle_due < today:
            self.open_overdue += 1
        if matter.visited_at is not None:
            self.visited += 1
            self.resolved += 1 if matter.resolved else 0
            self.satisfaction_sum += matter.satisfaction or 0

    def finish(self) -> Tally:
        """Compute the rates (None where the denominator is zero)."""
        self.rates = {
            "dispatch_rate": _ratio(self.dispatched, self.in_scope),
            "timely_sign_rate": _ratio(self.signed_on_time, self.dispatched),
            "on_time_completion_rate": _ratio(self.closed_on_time, self.closed + self.open_overdue),
            "feedback_rate": _ratio(self.feedback, self.dispatched),
            "resolution_rate": _ratio(self.resolved, self.visited),
            "satisfaction": _ratio(self.satisfaction_sum, self.visited),
        }
        return self


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class Group:
    """One row of the statistics: its name, its code (unit code, category code, grade level),
    the counts, and the matters-list filter that selects its matters (for drill-down links)."""

    label: str
    code: str
    tally: Tally
    params: dict[str, str]


@dataclass
class Statistics:
    """Statistics of the matters received in a period, overall and by unit, category and grade."""

    first: dt.date
    last: dt.date
    total: Tally
    by_unit: list[Group]
    by_category: list[Group]
    by_grade: list[Group]
    overdue: list[Matter]
    repeatedly_returned: list[Matter]
    overdue_count: int = 0
    returned_count: int = 0


LISTED = 50
"""How many overdue and how many repeatedly returned matters the statistics name (the oldest
first); the counts say how many there are in all, and the matters list shows every one."""


def statistics(
    *,
    actor: Actor,
    first: dt.date,
    last: dt.date,
    unit_id: int | None = None,
    category_code: str = "",
    grade_level: int | None = None,
    today: dt.date | None = None,
) -> Statistics:
    """Rates of the matters received from `first` to `last` (inclusive, local dates).

    On-time completion rate = closed on time ÷ (closed + open and overdue).
    """
    require(actor, "matters.stats")
    today = today or timezone.localdate()
    matters = _period_query(first, last, unit_id, category_code, grade_level)
    language = get_language() or "zh-hans"
    listed = matters.select_related("responsible_unit").order_by("received_at", "pk")
    overdue = listed.filter(overdue=True, status__in=OPEN_STATUSES)
    returned = listed.filter(return_count__gte=2)
    return Statistics(
        first=first,
        last=last,
        total=_tally_of(matters.aggregate(**_counts(today))),
        by_unit=_unit_groups(matters, today, language),
        by_category=_named_groups(matters, today, language, "category"),
        by_grade=_named_groups(matters, today, language, "grade"),
        overdue=list(overdue[:LISTED]),
        repeatedly_returned=list(returned[:LISTED]),
        overdue_count=overdue.order_by().count(),
        returned_count=returned.order_by().count(),
    )


def _counts(today: dt.date) -> dict[str, Any]:
    """The database counts behind a `Tally`, as `Tally.add` counts them one matter at a time."""
    in_scope = ~Q(status=Status.REJECTED)
    dispatched = in_scope & Q(dispatched_at__isnull=False)
    closed = Q(status__in=CLOSED_STATUSES, closed_at__isnull=False)
    visited = in_scope & Q(visited_at__isnull=False)
    return {
        "received": Count("pk"),
        "in_scope": Count("pk", filter=in_scope),
        "dispatched": Count("pk", filter=dispatched),
        "signed_on_time": Count(
            "pk",
            filter=dispatched
            & Q(signed_at__isnull=False, sign_due__isnull=False)
            & Q(signed_day__lte=F("sign_due")),
        ),
        "feedback": Count("pk", filter=in_scope & Q(feedback_at__isnull=False)),
        "closed": Count("pk", filter=in_scope & closed),
        "closed_on_time": Count(
            "pk",
            filter=in_scope
            & closed
            & (Q(handle_due__isnull=True) | Q(closed_day__lte=F("handle_due"))),
        ),
        "open_overdue": Count("pk", filter=in_scope & ~closed & Q(handle_due__lt=today)),
        "visited": Count("pk", filter=visited),
        "resolved": Count("pk", filter=visited & Q(resolved=True)),
        "satisfaction_sum": Sum("satisfaction", filter=visited),
    }


def _tally_of(row: dict[str, Any]) -> Tally:
    tally = Tally()
    for name in (f.name for f in fields(Tally) if f.name != "rates"):
        setattr(tally, name, row.get(name) or 0)
    return tally.finish()


def _grouped(matters: QuerySet[Matter], today: dt.date, by: str) -> dict[Any, Tally]:
    rows = matters.order_by().values(by).annotate(**_counts(today))
    return {row[by]: _tally_of(row) for row in rows}


def _unit_groups(matters: QuerySet[Matter], today: dt.date, language: str) -> list[Group]:
    """One row per responsible unit (by code), the matters not dispatched last."""
    tallies = _grouped(matters, today, "responsible_unit_id")
    units = OrgUnit.objects.in_bulk([pk for pk in tallies if pk is not None])
    keyed = {}
    for pk, tally in tallies.items():
        unit = units.get(pk) if pk is not None else None
        if unit is None:
            keyed[("~", _("(not dispatched)"), "", "none")] = tally
        else:
            keyed[(unit.code, unit.display_name(language), unit.code, str(unit.pk))] = tally
    return _groups("unit", keyed)


def _named_groups(
    matters: QuerySet[Matter], today: dt.date, language: str, kind: str
) -> list[Group]:
    """One row per category (by code) or per grade (by level)."""
    tallies = _grouped(matters, today, kind + "_id")
    model: type[Category] | type[Grade] = Grade if kind == "grade" else Category
    named: dict[Any, Any] = model.objects.in_bulk(list(tallies))
    keyed = {}
    for pk, tally in tallies.items():
        item = named[pk]
        if kind == "grade":
            level = str(item.level)
            key = (level, "%s %s" % (level, item.display_name(language)), level, level)
        else:
            key = (item.code, item.display_name(language), item.code, item.code)
        keyed[key] = tally
    return _groups(kind, keyed)


def _groups(kind: str, tallies: dict[tuple[str, str, str, str], Tally]) -> list[Group]:
    """The rows of one grouping in order; `kind` is also the matters-list filter's name."""
    return [
        Group(label=label, code=code, tally=tally, params={kind: value})
        for (_sort, label, code, value), tally in sorted(tallies.items(), key=lambda kv: kv[0])
    ]


def _period_query(
    first: dt.date, last: dt.date, unit_id: int | None, category_code: str, grade_level: int | None
) -> QuerySet[Matter]:
    """The counted matters received in the period, with the local days of signing and closing."""
    start, end = _day_bounds(first, last)
    query = Matter.objects.filter(COUNTED, received_at__gte=start, received_at__lt=end)
    if unit_id:
        query = query.filter(responsible_unit_id=unit_id)
    if category_code:
        query = query.filter(category__code=category_code)
    if grade_level:
        query = query.filter(grade__level=grade_level)
    return query.annotate(signed_day=TruncDate("signed_at"), closed_day=TruncDate("closed_at"))


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


# ---------------------------------------------------------------- daily summary and monthly counts


def daily_summary_content(day: dt.date) -> dict[str, Any]:
    """The figures of the centre's daily work summary for `day` (ids and counts only, no personal data)."""
    start, end = _day_bounds(day, day)

    def between(field_name: str) -> QuerySet[Matter]:
        return Matter.objects.filter(
            COUNTED, **{field_name + "__gte": start, field_name + "__lt": end}
        )

    received = between("received_at")
    by_category: dict[str, int] = defaultdict(int)
    english: dict[str, str] = {}
    for name, name_en in received.values_list("category__name_zh", "category__name_en"):
        by_category[name] += 1
        english[name] = name_en
    open_now = Matter.objects.filter(status__in=OPEN_STATUSES, received_at__lt=end)
    attention = _attention_rows(open_now, english)
    return {
        "day": day.isoformat(),
        "received": received.count(),
        "dispatched": between("dispatched_at").count(),
        "signed": between("signed_at").count(),
        "feedback": between("feedback_at").count(),
        "closed": between("closed_at").count(),
        "visited": between("visited_at").count(),
        "rejected": received.filter(status=Status.REJECTED).count(),
        "open": open_now.count(),
        "overdue": open_now.filter(overdue=True).count(),
        "by_category": dict(sorted(by_category.items())),
        "overdue_numbers": list(
            open_now.filter(overdue=True).order_by("number").values_list("number", flat=True)[:50]
        ),
        "attention": attention,
        # The English names of the stored Chinese ones, for the document read in English.
        "names_en": {zh: en for zh, en in sorted(english.items()) if zh and en and zh != en},
    }


ATTENTION_LIMIT = 100


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _attention_rows(open_now: QuerySet[Matter], english: dict[str, str]) -> list[dict[str, Any]]:
    """Open matters that are overdue or escalated: number, category, grade, place, unit, due date
    (no personal data); the English names of the Chinese ones are added to `english`."""
    matters = list(
        open_now.filter(Q(overdue=True) | Q(escalated_at__isnull=False))
        .select_related("category", "grade", "place_unit", "responsible_unit")
        .order_by("number")[:ATTENTION_LIMIT]
    )
    for m in matters:
        for named in (m.category, m.grade, m.place_unit, m.responsible_unit):
            if named is not None:
                english[named.name_zh] = named.name_en
    return [
        {
            "number": m.number,
            "category": m.category.name_zh,
            "grade": m.grade.name_zh,
            "place": m.place_unit.name_zh,
            "responsible": m.responsible_unit.name_zh if m.responsible_unit else "",
            "due": _iso(m.handle_due or m.sign_due),
            "overdue": m.overdue,
            "escalated": m.escalated_at is not None,
            "step": m.ladder_step,
        }
        for m in matters
    ]


def evaluated_unit_of(unit: OrgUnit, cache: dict[int, OrgUnit | None]) -> OrgUnit | None:
    """The unit a matter counts for in the index: the place itself if evaluated, else its nearest evaluated parent."""
    if unit.pk in cache:
        return cache[unit.pk]
    current: OrgUnit | None = unit
    while current is not None and not current.eval_class:
        current = current.parent
    cache[unit.pk] = current
    return current


def monthly_counts(
    month: str, unit_ids: list[int] | None = None, category_group: str | None = None
) -> dict[int, int]:
    """Matters received in `month` (YYYY-MM) per evaluated unit id, zeros included.

    A matter counts for its place if that unit is evaluated, else for its nearest evaluated parent;
    merged duplicates are not counted. `unit_ids` limits the result (default: every evaluated unit
    open during the month); `category_group` limits the matters to one group of the catalogue.
    """
    year, mon = (int(part) for part in month.split("-"))
    first = dt.date(year, mon, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if unit_ids is None:
        units = [u for u in OrgUnit.objects.exclude(eval_class="") if u.is_open_during(first, last)]
        unit_ids = [u.pk for u in units]
    counts = dict.fromkeys(unit_ids, 0)
    start, end = _day_bounds(first, last)
    query = Matter.objects.filter(
        COUNTED, received_at__gte=start, received_at__lt=end
    ).select_related("place_unit__parent__parent")
    if category_group:
        query = query.filter(category__group__code=category_group)
    cache: dict[int, OrgUnit | None] = {}
    for matter in query:
        target = evaluated_unit_of(matter.place_unit, cache)
        if target is not None and target.pk in counts:
            counts[target.pk] += 1
    return counts
