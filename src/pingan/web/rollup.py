"""The roll-up of an office: per unit directly below it, reporting, matters and tiers.

An office sits at any unit of the tree. Its roll-up has one row per child unit, each row
summing that child's whole subtree: the reporting completion and on-time rates of the office's
scheme cells, the matters received in the period (closed, closing rate, overdue) and the tier
counts of the office's newest final period. An office sees the roll-up of its own unit and of
every unit below it; the office of a neighbouring unit is refused.

Reads only: every number comes from the reporting, matters and scores selectors' tables in a
fixed number of queries per page, whatever the depth of the tree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language

from pingan.core.access.actor import Actor
from pingan.core.exports import rows_to_bytes
from pingan.core.periods import period_bounds, period_kind, period_months, shift_period
from pingan.matters.models import Matter
from pingan.matters.selectors import COUNTED
from pingan.matters.statistics import Tally
from pingan.reporting.cells import load_catalogue
from pingan.reporting.selectors import approved_values, body_months
from pingan.schemes.models import SchemeVersion
from pingan.schemes.selectors import current_version, office_versions, versions_in_force
from pingan.scores.models import ScoreRun
from pingan.scores.selectors import newest_final, visible_unit_ids
from pingan.units.models import OrgUnit
from pingan.units.selectors import require_office_in_view, require_unit_in_scope
from pingan.units.tree import ancestors_of, in_subtree

TIERS = ("red", "orange", "yellow", "")
"""Tier codes counted per row, worst first; "" counts the units above every line."""


@dataclass
class RollupRow:
    """One unit directly below the office, with the sums over its subtree."""

    unit: OrgUnit
    expected_cells: int = 0
    filled_cells: int = 0
    on_time_cells: int = 0
    matters: Tally = field(default_factory=Tally)
    tiers: Counter[str] = field(default_factory=Counter)

    @property
    def name(self) -> str:
        """The unit's name in the active language."""
        return self.unit.display_name(get_language() or "zh-hans")

    @property
    def none_tier(self) -> int:
        """Units above every tier line."""
        return self.tiers[""]

    @property
    def completion_rate(self) -> float | None:
        """Share of the expected scheme cells holding an approved figure."""
        return _ratio(self.filled_cells, self.expected_cells)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the expected cells whose body approved the month by its deadline."""
        return _ratio(self.on_time_cells, self.expected_cells)

    @property
    def closing_rate(self) -> float | None:
        """Closed matters ÷ matters in scope received in the period."""
        return _ratio(self.matters.closed, self.matters.in_scope)


@dataclass
class Rollup:
    """The roll-up of one office for one period."""

    office: OrgUnit
    version: SchemeVersion | None
    period: str
    rows: list[RollupRow]

    @property
    def office_name(self) -> str:
        """The office unit's name in the active language."""
        return self.office.display_name(get_language() or "zh-hans")


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def office_scheme(office: OrgUnit) -> SchemeVersion | None:
    """The scheme in force of the office at this unit: its own, or the nearest office's above."""
    own = office_versions({office.pk})
    if own:
        return own[0]
    above = ancestors_of([office.pk])[office.pk]
    for unit_id in above:
        found = office_versions({unit_id})
        if found:
            return found[0]
    return current_version()


def office_period(version: SchemeVersion | None, today: dt.date) -> str:
    """The newest final period of the scheme's current runs; else the previous period."""
    if version is None:
        return ""
    periods = sorted(
        set(
            ScoreRun.objects.filter(version=version, is_current=True).values_list(
                "period", flat=True
            )
        ),
        reverse=True,
    )
    final = newest_final(periods, today, version.deadline_day)
    if final:
        return final
    month = today.strftime("%Y-%m")
    kind = version.period
    this = month if kind == "month" else (month[:4] if kind == "year" else _quarter(month))
    return shift_period(this, -1)


def _quarter(month: str) -> str:
    return "%sQ%d" % (month[:4], (int(month[5:7]) - 1) // 3 + 1)


def office_rollup(
    *, actor: Actor, office_code: str, period: str = "", today: dt.date | None = None
) -> Rollup | None:
    """The roll-up of the office at the unit of this code (None when there is no such unit).

    Each unit below counts under the scheme of its nearest office (its own township's scheme
    before the county's). PermissionDenied unless the actor may see that unit's results.
    """
    office = OrgUnit.objects.filter(code=office_code).first()
    if office is None:
        return None
    require_unit_in_scope(actor=actor, action="scores.view", unit_id=office.pk)
    version = office_scheme(office)
    if version is not None:
        require_office_in_view(
            actor=actor, action="scores.view", office_unit_id=version.office_unit_id
        )
    today = today or timezone.localdate()
    period = period or office_period(version, today)
    children = list(OrgUnit.objects.filter(parent=office).order_by("code"))
    rows = {c.pk: RollupRow(unit=c) for c in children}
    if rows and period:
        below = set(OrgUnit.objects.filter(in_subtree(rows)).values_list("pk", flat=True))
        chains = ancestors_of(below)
        child_of = _child_of(chains, set(rows))
        governed = _governing(chains, versions_in_force())
        for scheme in sorted(set(governed.values()), key=lambda v: v.pk):
            units = {u: c for u, c in child_of.items() if governed.get(u) == scheme}
            if period_kind(period) == scheme.period:
                _add_reporting(rows, units, scheme, period)
                _add_tiers(rows, units, scheme, period)
        _add_matters(rows, child_of, period, today)
    return Rollup(office=office, version=version, period=period, rows=list(rows.values()))


def _child_of(chains: dict[int, tuple[int, ...]], children: set[int]) -> dict[int, int]:
    """Each unit's child of the office: itself, or its ancestor among `children`."""
    found: dict[int, int] = {}
    for unit_id, above in chains.items():
        for candidate in (unit_id, *above):
            if candidate in children:
                found[unit_id] = candidate
                break
    return found


def _governing(
    chains: dict[int, tuple[int, ...]], versions: list[SchemeVersion]
) -> dict[int, SchemeVersion]:
    """Each unit's scheme: the one of its nearest office above it, else the top office's."""
    by_office: dict[int | None, SchemeVersion] = {}
    for version in versions:
        by_office.setdefault(version.office_unit_id, version)
    top = current_version()
    found: dict[int, SchemeVersion] = {}
    for unit_id, above in chains.items():
        nearest = next((by_office[a] for a in above if a in by_office), None)
        scheme = nearest or (top if top is not None and top.office_unit_id is None else None)
        if scheme is not None:
            found[unit_id] = scheme
    return found


def _add_reporting(
    rows: dict[int, RollupRow], child_of: dict[int, int], version: SchemeVersion, period: str
) -> None:
    """Expected, filled and on-time cells of the scheme, per child."""
    months = period_months(period)
    catalogue = load_catalogue(version)
    on_time = {(b.body.pk, b.month) for b in body_months(months) if b.approved_on_time}
    expected: list[tuple[int, str, str, int]] = []
    for body_id in catalogue.reporting_body_ids():
        for month in months:
            expected.extend(
                (unit.id, code, month, body_id)
                for unit, code in catalogue.expected_cells(body_id, month)
                if unit.id in child_of
            )
    values = approved_values(
        indicator_codes=sorted({e[1] for e in expected}),
        unit_ids=sorted({e[0] for e in expected}),
        months=months,
    )
    for unit_id, code, month, body_id in expected:
        row = rows[child_of[unit_id]]
        row.expected_cells += 1
        if (unit_id, code, month) in values:
            row.filled_cells += 1
            row.on_time_cells += 1 if (body_id, month) in on_time else 0


def _add_matters(
    rows: dict[int, RollupRow], child_of: dict[int, int], period: str, today: dt.date
) -> None:
    """Matters received in the period whose responsible unit lies below each child."""
    first, last = period_bounds(period)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    matters = Matter.objects.filter(
        COUNTED,
        received_at__gte=start,
        received_at__lt=end,
        responsible_unit_id__in=list(child_of),
    ).order_by("pk")
    for matter in matters:
        rows[child_of[matter.responsible_unit_id]].matters.add(matter, today)  # type: ignore[index]
    for row in rows.values():
        row.matters.finish()


def _add_tiers(
    rows: dict[int, RollupRow], child_of: dict[int, int], version: SchemeVersion, period: str
) -> None:
    """Tier counts of the scheme's current run of the period, per child."""
    run = ScoreRun.objects.filter(version=version, period=period, is_current=True).first()
    if run is None:
        return
    results = run.results.filter(unit_id__in=list(child_of)).values_list("unit_id", "tier")
    for unit_id, tier in results:
        rows[child_of[unit_id]].tiers[tier] += 1


def office_results(
    *, actor: Actor, scheme_code: str, period: str
) -> list[tuple[str, str, float | None]]:
    """(unit code, tier, absolute score) of the scheme's current run of the period, by unit code.

    An office sees the results of its own scheme and of each office below it; the results of a
    neighbouring office's scheme are refused (PermissionDenied), and a unit-scoped reader sees
    only the units of their own subtree.
    """
    version = current_version(scheme_code)
    if version is None:
        return []
    require_office_in_view(actor=actor, action="scores.view", office_unit_id=version.office_unit_id)
    scope = visible_unit_ids(actor)
    run = ScoreRun.objects.filter(version=version, period=period, is_current=True).first()
    if run is None:
        return []
    results = run.results.order_by("unit__code")
    if scope is not None:
        results = results.filter(unit_id__in=scope)
    return list(results.values_list("unit__code", "tier", "absolute_score"))


ROLLUP_COLUMNS = (
    "unit_code",
    "unit_name",
    "period",
    "expected_cells",
    "filled_cells",
    "completion_rate",
    "on_time_rate",
    "matters_received",
    "matters_closed",
    "closing_rate",
    "matters_overdue",
    "red",
    "orange",
    "yellow",
    "none",
)
"""Columns of the roll-up CSV, one row per unit below the office."""


def _rate(value: float | None) -> str:
    return "" if value is None else "%.4f" % value


def rollup_rows(rollup: Rollup) -> list[dict[str, object]]:
    """The roll-up as rows for the CSV export (rates to four decimals, empty when undefined)."""
    return [
        {
            "unit_code": row.unit.code,
            "unit_name": row.unit.name_zh,
            "period": rollup.period,
            "expected_cells": row.expected_cells,
            "filled_cells": row.filled_cells,
            "completion_rate": _rate(row.completion_rate),
            "on_time_rate": _rate(row.on_time_rate),
            "matters_received": row.matters.received,
            "matters_closed": row.matters.closed,
            "closing_rate": _rate(row.closing_rate),
            "matters_overdue": row.matters.open_overdue,
            "red": row.tiers["red"],
            "orange": row.tiers["orange"],
            "yellow": row.tiers["yellow"],
            "none": row.tiers[""],
        }
        for row in rollup.rows
    ]


def rollup_csv(rollup: Rollup) -> bytes:
    """The roll-up as CSV (UTF-8, column codes in the header)."""
    return rows_to_bytes(rollup_rows(rollup), ROLLUP_COLUMNS, "csv")
