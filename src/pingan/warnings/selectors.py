"""Reads on warnings and the problem register, narrowed to what the actor may see.

The office, leaders and the centre see every unit; a unit viewer sees their units and those
below them (any depth, through the units app's subtree).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require, scope_unit_ids
from pingan.core.bilingual import local_label
from pingan.engine.warning_rate import EffectiveRate, effective_rate
from pingan.matters.models import Category
from pingan.schemes.models import Indicator
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_unit_in_scope
from pingan.units.tree import in_subtree
from pingan.warnings.models import (
    Level,
    ProblemNote,
    ProblemRecord,
    ProblemStatus,
    Source,
    Status,
    Verdict,
    Warning,
)


def _scoped(actor: Actor, action: str, queryset: QuerySet, field: str) -> QuerySet:  # type: ignore[type-arg]
    require(actor, action)
    scope = scope_unit_ids(actor, action)
    return queryset if scope is None else queryset.filter(in_subtree(scope, field=field))


def visible_warnings(
    *, actor: Actor, level: str = "", status: str = "", unit_id: int | None = None, source: str = ""
) -> QuerySet[Warning]:
    """The warnings the actor may see, newest first, filtered by level, status, unit and source."""
    warnings = _scoped(actor, "warnings.view", Warning.objects.select_related("unit"), "unit_id")
    if level:
        warnings = warnings.filter(level=level)
    if status == "open":
        warnings = warnings.filter(closed=False)
    elif status:
        warnings = warnings.filter(status=status)
    if unit_id is not None:
        warnings = warnings.filter(in_subtree([unit_id], field="unit_id"))
    if source:
        warnings = warnings.filter(source=source)
    return warnings


def unit_in_scope(actor: Actor, action: str, unit_id: int) -> bool:
    """Whether the actor may do `action` on this unit (held for all units, or for it or one above)."""
    try:
        require_unit_in_scope(actor=actor, action=action, unit_id=unit_id)
    except PermissionDenied:
        return False
    return True


def warning_for(*, actor: Actor, warning_id: int) -> Warning:
    """One warning the actor may see (404 when missing or outside their scope)."""
    warning = visible_warnings(actor=actor).filter(pk=warning_id).first()
    if warning is None:
        raise Http404
    return warning


def warning_history(warning: Warning) -> dict[str, list]:  # type: ignore[type-arg]
    """The warning's steps (with who acted), signals and registered problems."""
    return {
        "steps": list(warning.steps.select_related("actor")),
        "signals": list(warning.signals.all()),
        "problems": list(warning.problems.all()),
    }


def open_counts(*, actor: Actor) -> dict[str, int]:
    """Open warnings the actor may see, by level, plus those awaiting acknowledgement and overdue."""
    warnings = visible_warnings(actor=actor, status="open")
    by_level = dict(warnings.values_list("level").annotate(n=Count("pk")).order_by())
    now = timezone.now()
    return {
        "red": by_level.get(Level.RED, 0),
        "orange": by_level.get(Level.ORANGE, 0),
        "yellow": by_level.get(Level.YELLOW, 0),
        "unacknowledged": warnings.filter(status=Status.DELIVERED).count(),
        "overdue": warnings.filter(status=Status.DELIVERED, acknowledge_due__lt=now).count(),
    }


@dataclass(frozen=True)
class RateRow:
    """The effective rate of one group (a level, a unit or a quarter)."""

    key: str
    label: str
    rate: EffectiveRate


def _quarter(moment: dt.datetime) -> str:
    day = timezone.localtime(moment).date()
    return "%04dQ%d" % (day.year, (day.month - 1) // 3 + 1)


def effective_rates(*, actor: Actor) -> dict[str, list[RateRow] | EffectiveRate]:
    """Effective warning rates of the closed warnings the actor may see: overall, by level, unit, quarter."""
    closed = _scoped(
        actor,
        "warnings.rate",
        Warning.objects.filter(closed=True).select_related("unit"),
        "unit_id",
    )
    tallies: dict[str, Counter[tuple[str, str]]] = {
        "level": Counter(),
        "unit": Counter(),
        "quarter": Counter(),
    }
    labels: dict[tuple[str, str], str] = {}
    total: Counter[str] = Counter()
    for warning in closed.order_by("pk"):
        total[warning.verdict] += 1
        groups = {
            "level": (warning.level, str(warning.get_level_display())),
            "unit": (warning.unit.code, local_label(warning.unit)),
            "quarter": (_quarter(warning.raised_at), _quarter(warning.raised_at)),
        }
        for by, (key, label) in groups.items():
            tallies[by][(key, warning.verdict)] += 1
            labels[(by, key)] = label
    result: dict[str, list[RateRow] | EffectiveRate] = {"overall": _rate(total)}
    for by, tally in tallies.items():
        keys = sorted({key for key, _verdict in tally}, key=_order(by))
        result[by] = [
            RateRow(
                key, labels[(by, key)], _rate(Counter({v: tally[(key, v)] for v in Verdict.values}))
            )
            for key in keys
        ]
    return result


def _order(by: str):  # type: ignore[no-untyped-def]
    if by == "level":
        order = [Level.RED, Level.ORANGE, Level.YELLOW]
        return lambda key: order.index(key)
    return lambda key: key


def _rate(counts: Counter[str]) -> EffectiveRate:
    return effective_rate(
        counts[Verdict.CONFIRMED], counts[Verdict.FALSE_ALARM], counts[Verdict.UNVERIFIABLE]
    )


def visible_problems(*, actor: Actor, status: str = "") -> QuerySet[ProblemRecord]:
    """Registered problems the actor may see (the responsible unit in their scope), newest first."""
    problems = _scoped(
        actor,
        "warnings.problems_view",
        ProblemRecord.objects.select_related("responsible_unit"),
        "responsible_unit_id",
    )
    if status:
        problems = problems.filter(status=status)
    return problems


def problem_for(*, actor: Actor, problem_id: int) -> ProblemRecord:
    """One registered problem the actor may see (404 otherwise)."""
    problem = visible_problems(actor=actor).filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    return problem


def problem_counts(*, actor: Actor) -> dict[str, int]:
    """Problems identified (registered) and resolved, by what the actor may see."""
    counts = dict(
        visible_problems(actor=actor).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {
        "identified": sum(counts.values()),
        "resolved": counts.get(ProblemStatus.RESOLVED, 0),
        "open": counts.get(ProblemStatus.OPEN, 0),
    }


def unit_id_of(code: str) -> int | None:
    """The id of the unit with this code, or None."""
    return OrgUnit.objects.filter(code=code.strip()).values_list("pk", flat=True).first()


def series_names(language: str) -> dict[str, str]:
    """Names of the series keys: scheme indicators and matter categories, in the language."""
    names: dict[str, str] = {}
    for indicator in Indicator.objects.order_by("-version_id", "position"):
        names.setdefault(indicator.code, indicator.display_name(language))
    for category in Category.objects.all():
        names.setdefault(category.code, category.display_name(language))
    return names


def series_label(warning: Warning, names: dict[str, str]) -> str:
    """A warning's series in words: the indicator or category name (with the place of repeats)."""
    if warning.source == Source.INDEX:
        return str(Source.INDEX.label)
    code, _sep, place = warning.series_key.partition("|")
    name = names.get(code, code)
    return "%s · %s" % (name, place) if place else name


def problem_notes(problem: ProblemRecord) -> list[ProblemNote]:
    """A problem's progress notes, oldest first, with their authors."""
    return list(problem.notes.select_related("author"))
