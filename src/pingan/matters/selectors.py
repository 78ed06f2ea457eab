"""Reads on matters: who sees which matter, masked personal data, statistics, summaries, counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pingan.accounts.actor import Actor
from pingan.accounts.models import RoleAssignment, User
from pingan.accounts.permissions import can, require
from pingan.accounts.roles import Role
from pingan.matters import crypto
from pingan.matters.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    DispatchRule,
    LadderStep,
    Matter,
    Notice,
    Status,
)
from pingan.units.models import OrgUnit

COUNTED = ~Q(status=Status.MERGED)


def _descendants(unit_ids: frozenset[int]) -> set[int]:
    found, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = (
            set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def visible_matters(*, actor: Actor) -> QuerySet[Matter]:
    """The matters the actor may see: all for the centre, their units' matters for handlers, none otherwise."""
    require(actor, "matters.view")
    base = Matter.objects.select_related(
        "category", "grade", "place_unit", "responsible_unit", "handler"
    )
    if Role.DISPATCHER in actor.roles:
        return base
    return base.filter(responsible_unit_id__in=_descendants(actor.unit_ids(Role.HANDLER)))


def matter_for(*, actor: Actor, matter_id: int) -> Matter:
    """One matter the actor may see (404 when it does not exist or is outside their scope)."""
    matter = visible_matters(actor=actor).filter(pk=matter_id).first()
    if matter is None:
        raise Http404(_("No such matter."))
    return matter


def masked_personal(matter: Matter) -> dict[str, str]:
    """The personal data of a matter, masked for lists and for anyone not entitled to see it in full."""
    if matter.personal_erased_at is not None:
        return {"parties": "", "party_contact": "", "reporter_name": "", "reporter_phone": ""}
    return {
        "parties": crypto.mask_text(crypto.decrypt(matter.parties_enc)),
        "party_contact": crypto.mask_phone(crypto.decrypt(matter.party_contact_enc)),
        "reporter_name": ""
        if matter.reporter_confidential
        else crypto.mask_name(crypto.decrypt(matter.reporter_name_enc)),
        "reporter_phone": ""
        if matter.reporter_confidential
        else crypto.mask_phone(crypto.decrypt(matter.reporter_phone_enc)),
    }


def may_reveal(actor: Actor, matter: Matter) -> bool:
    """Whether the actor may ask to see the matter's personal data in full."""
    if not can(actor, "matters.personal") or matter.personal_erased_at is not None:
        return False
    return Role.DISPATCHER in actor.roles or (
        matter.handler_id is not None and matter.handler_id == actor.user_id
    )


def handlers_of(unit_id: int) -> list[User]:
    """Active handlers of a unit (or of one of its parents)."""
    from pingan.matters.services import unit_ancestors

    scope = {unit_id, *unit_ancestors(unit_id)}
    ids = RoleAssignment.objects.filter(role=Role.HANDLER, unit_id__in=scope).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def suggest_assignment(matter: Matter) -> tuple[OrgUnit | None, User | None]:
    """Suggest the responsible unit and handler from the dispatch rules for the category and place.

    The most specific rule wins: category and place, then category only, then place only (a place
    rule also covers the place's sub-units). Without a rule, the place unit itself.
    """
    from pingan.matters.services import unit_ancestors

    places = [matter.place_unit_id, *unit_ancestors(matter.place_unit_id)]
    rules = list(
        DispatchRule.objects.filter(Q(category=matter.category) | Q(category__isnull=True))
    )

    def rank(rule: DispatchRule) -> tuple[int, int]:
        place_rank = (
            places.index(rule.place_unit_id) if rule.place_unit_id in places else len(places)
        )
        return (0 if rule.category_id else 1, place_rank)

    matching = [r for r in rules if r.place_unit_id is None or r.place_unit_id in places]
    matching = [r for r in matching if r.category_id or r.place_unit_id]
    if matching:
        best = min(matching, key=rank)
        handler = best.handler or next(iter(handlers_of(best.unit_id)), None)
        return best.unit, handler
    return matter.place_unit, next(iter(handlers_of(matter.place_unit_id)), None)


def next_ladder_step(matter: Matter) -> LadderStep | None:
    """The ladder step a raise would lead to, or None at the top."""
    return LadderStep.objects.filter(ladder=matter.ladder, step=matter.ladder_step + 1).first()


def notices_for(*, actor: Actor) -> QuerySet[Notice]:
    """Reminders addressed to the actor and, for the centre and leadership, escalation notices."""
    query = Q(recipient_id=actor.user_id) if actor.user_id else Q(pk__in=[])
    if actor.roles & {Role.DISPATCHER, Role.LEADER, Role.OFFICE_HEAD}:
        query |= Q(kind=Notice.ESCALATION)
    return Notice.objects.filter(query).select_related("matter")


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


@dataclass
class Statistics:
    """Statistics of the matters received in a period, overall and by unit, category and grade."""

    first: dt.date
    last: dt.date
    total: Tally
    by_unit: list[tuple[str, Tally]]
    by_category: list[tuple[str, Tally]]
    by_grade: list[tuple[str, Tally]]
    overdue: list[Matter]
    repeatedly_returned: list[Matter]


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
    matters = _period_matters(first, last, unit_id, category_code, grade_level)
    total = Tally()
    groups: dict[str, dict[str, Tally]] = {
        "unit": defaultdict(Tally),
        "category": defaultdict(Tally),
        "grade": defaultdict(Tally),
    }
    for matter in matters:
        total.add(matter, today)
        unit = matter.responsible_unit.name_zh if matter.responsible_unit else _("(not dispatched)")
        groups["unit"][unit].add(matter, today)
        groups["category"][matter.category.name_zh].add(matter, today)
        groups["grade"][str(matter.grade.level)].add(matter, today)
    return Statistics(
        first=first,
        last=last,
        total=total.finish(),
        by_unit=[(k, v.finish()) for k, v in sorted(groups["unit"].items())],
        by_category=[(k, v.finish()) for k, v in sorted(groups["category"].items())],
        by_grade=[(k, v.finish()) for k, v in sorted(groups["grade"].items())],
        overdue=[m for m in matters if m.overdue and m.is_open],
        repeatedly_returned=[m for m in matters if m.return_count >= 2],
    )


def _period_matters(
    first: dt.date, last: dt.date, unit_id: int | None, category_code: str, grade_level: int | None
) -> list[Matter]:
    start, end = _day_bounds(first, last)
    query = Matter.objects.filter(COUNTED, received_at__gte=start, received_at__lt=end)
    if unit_id:
        query = query.filter(responsible_unit_id=unit_id)
    if category_code:
        query = query.filter(category__code=category_code)
    if grade_level:
        query = query.filter(grade__level=grade_level)
    return list(
        query.select_related("category", "grade", "responsible_unit").order_by("received_at", "pk")
    )


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
    for name in received.values_list("category__name_zh", flat=True):
        by_category[name] += 1
    open_now = Matter.objects.filter(status__in=OPEN_STATUSES, received_at__lt=end)
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
        "attention": _attention_rows(open_now),
    }


ATTENTION_LIMIT = 100


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _attention_rows(open_now: QuerySet[Matter]) -> list[dict[str, Any]]:
    """Open matters that are overdue or escalated: number, category, grade, place, unit, due date (no personal data)."""
    matters = (
        open_now.filter(Q(overdue=True) | Q(escalated_at__isnull=False))
        .select_related("category", "grade", "place_unit", "responsible_unit")
        .order_by("number")[:ATTENTION_LIMIT]
    )
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


def active_categories() -> QuerySet[Category]:
    """The categories offered at intake, in catalogue order: active ones of active groups."""
    return Category.objects.filter(active=True, group__active=True).select_related("group")
