"""Checking figure cells: one set of rules for the grid, XLSX template, CSV and the API.

Records are plain tuples `(row, unit_code, indicator_code, period, value)` so that a million of
them can be checked with dict and set lookups alone. Every problem names its row and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from pingan.core.problems import Problem
from pingan.reporting import periods
from pingan.schemes.models import ClassIndicator, Indicator, SchemeVersion
from pingan.units.models import OrgUnit

MAX_VALUE = 2_147_483_647
Record = tuple[int | None, str, str, str, object]
# (unit_id, indicator_code, value or None for a cell left empty, row)
Cell = tuple[int, str, int | None, int | None]


@dataclass(frozen=True)
class UnitInfo:
    """What checking needs to know about a unit."""

    id: int
    code: str
    eval_class: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    position: int


@dataclass
class Catalogue:
    """Units, indicators and class rules of one scheme version, indexed for lookups."""

    version: SchemeVersion
    units: dict[str, UnitInfo]
    units_by_id: dict[int, UnitInfo]
    indicators: dict[str, tuple[int, int]]  # code -> (body_id, position)
    class_indicators: dict[str, frozenset[str]]
    body_codes: dict[int, str]

    def body_indicators(self, body_id: int) -> list[str]:
        """The indicator codes a body owns, in scheme order."""
        owned = [(pos, code) for code, (owner, pos) in self.indicators.items() if owner == body_id]
        return [code for _pos, code in sorted(owned)]

    def expected_cells(self, body_id: int, month: str) -> list[tuple[UnitInfo, str]]:
        """Every (unit, indicator) the body must report for the month, in unit then scheme order."""
        first, last = periods.first_day(month), periods.last_day(month)
        owned = self.body_indicators(body_id)
        cells = []
        for unit in sorted(self.units.values(), key=lambda u: u.position):
            if not _open_during(unit, first, last):
                continue
            applicable = self.class_indicators.get(unit.eval_class, frozenset())
            cells.extend((unit, code) for code in owned if code in applicable)
        return cells

    def reporting_body_ids(self) -> list[int]:
        """Bodies that own at least one indicator applying to some class, by code."""
        applying = set().union(*self.class_indicators.values()) if self.class_indicators else set()
        ids = {self.indicators[code][0] for code in applying if code in self.indicators}
        return sorted(ids, key=lambda i: self.body_codes[i])


def load_catalogue(version: SchemeVersion) -> Catalogue:
    """Build the lookups for a scheme version (three queries)."""
    units = {}
    for position, (pk, code, eval_class, opened, closed) in enumerate(
        OrgUnit.objects.order_by("code").values_list("pk", "code", "eval_class", "opened_on", "closed_on")
    ):
        units[code] = UnitInfo(pk, code, eval_class, opened, closed, position)
    indicators = {}
    body_codes = {}
    for code, body_id, body_code, position in Indicator.objects.filter(version=version).values_list(
        "code", "body_id", "body__code", "position"
    ):
        indicators[code] = (body_id, position)
        body_codes[body_id] = body_code
    by_class: dict[str, set[str]] = {}
    for class_code, indicator_code in ClassIndicator.objects.filter(scheme_class__version=version).values_list(
        "scheme_class__code", "indicator__code"
    ):
        by_class.setdefault(class_code, set()).add(indicator_code)
    return Catalogue(
        version=version,
        units=units,
        units_by_id={u.id: u for u in units.values()},
        indicators=indicators,
        class_indicators={k: frozenset(v) for k, v in by_class.items()},
        body_codes=body_codes,
    )


def _open_during(unit: UnitInfo, first: dt.date, last: dt.date) -> bool:
    return (unit.opened_on is None or unit.opened_on <= last) and (unit.closed_on is None or first <= unit.closed_on)


@dataclass(frozen=True)
class Columns:
    """The column names problems are reported under; `value=None` names the indicator's column."""

    unit: str = "unit_code"
    indicator: str = "indicator_code"
    period: str = "period"
    value: str | None = "value"


@dataclass
class Checked:
    """The result of checking: cells grouped by (body_id, month), and every problem found."""

    groups: dict[tuple[int, str], list[Cell]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def parse_value(value: object) -> int | None | str:
    """A cell value as a whole number ≥ 0, None when empty, or the reason it is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.isascii() and text.isdigit():
            number = int(text)
            return number if number <= MAX_VALUE else _("the value is too large")
        return _("the value must be a whole number ≥ 0")
    if isinstance(value, bool):
        return _("the value must be a whole number ≥ 0")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value if value <= MAX_VALUE else _("the value is too large")
    return _("the value must be a whole number ≥ 0")


PeriodCheck = Callable[[int, str], str | None]


def check_records(
    records: Iterable[Record],
    *,
    catalogue: Catalogue,
    now: dt.datetime,
    columns: Columns = Columns(),
    body_id: int | None = None,
    month: str | None = None,
    period_check: PeriodCheck | None = None,
) -> Checked:
    """Check every record; nothing is written here.

    Rules: whole numbers ≥ 0 (empty = missing), known unit and indicator codes, the indicator
    applies to the unit's class, the unit is open in the month, the body owns the indicator
    (when `body_id` is given), the period is a month that has ended and is open (`period_check`),
    and no cell appears twice.
    """
    result = Checked()
    problems = result.problems
    units, indicators, by_class = catalogue.units, catalogue.indicators, catalogue.class_indicators
    unit_period: dict[tuple[str, str], tuple[UnitInfo | None, str | None]] = {}
    period_ok: dict[tuple[int, str], str | None] = {}
    seen: dict[tuple[int, str, str], int | None] = {}
    groups = result.groups
    for row, unit_code, indicator_code, period, raw in records:
        result.rows += 1
        value = raw if type(raw) is int and 0 <= raw <= MAX_VALUE else parse_value(raw)
        value_column = columns.value or indicator_code
        if isinstance(value, str):
            problems.append(Problem(row, value_column, value))
        key = (unit_code, period)
        found = unit_period.get(key)
        if found is None:
            found = unit_period[key] = _unit_in_period(units, unit_code, period, month)
        unit, unit_problem = found
        if unit_problem is not None:
            problems.append(Problem(row, columns.period if unit is not None else columns.unit, unit_problem))
        indicator = indicators.get(indicator_code)
        if indicator is None:
            problems.append(Problem(row, columns.indicator, _("unknown indicator %(code)s") % {"code": indicator_code}))
            continue
        owner = indicator[0]
        if body_id is not None and owner != body_id:
            problems.append(
                Problem(
                    row,
                    columns.indicator,
                    _("indicator %(code)s is reported by %(body)s") % {"code": indicator_code, "body": catalogue.body_codes[owner]},
                )
            )
            continue
        if unit is None:
            continue
        if indicator_code not in by_class.get(unit.eval_class, ()):
            if value is None:
                continue
            problems.append(
                Problem(
                    row,
                    columns.indicator,
                    _("indicator %(code)s does not apply to unit %(unit)s (class %(cls)s)")
                    % {"code": indicator_code, "unit": unit.code, "cls": unit.eval_class or "-"},
                )
            )
            continue
        if unit_problem is not None:
            continue
        group_key = (owner, period)
        if group_key not in period_ok:
            period_ok[group_key] = period_check(owner, period) if period_check else None
        if period_ok[group_key] is not None:
            problems.append(Problem(row, columns.period, period_ok[group_key]))  # type: ignore[arg-type]
            continue
        cell_key = (unit.id, indicator_code, period)
        if cell_key in seen:
            first = seen[cell_key]
            reason = _("duplicate cell, first given at row %(row)s") % {"row": first} if first else _("duplicate cell")
            problems.append(Problem(row, columns.indicator, reason))
            continue
        seen[cell_key] = row
        if isinstance(value, str):
            continue
        cells = groups.get(group_key)
        if cells is None:
            cells = groups[group_key] = []
        cells.append((unit.id, indicator_code, value, row))
    return result


def _unit_in_period(
    units: dict[str, UnitInfo], unit_code: str, period: str, month: str | None
) -> tuple[UnitInfo | None, str | None]:
    unit = units.get(unit_code)
    if unit is None:
        return None, _("unknown unit %(code)s") % {"code": unit_code}
    if periods.parse_month(period) is None:
        return unit, _("%(value)s is not a month in the form YYYY-MM") % {"value": period}
    if month is not None and period != month:
        return unit, _("this submission is for %(month)s, not %(period)s") % {"month": month, "period": period}
    if not _open_during(unit, periods.first_day(period), periods.last_day(period)):
        return unit, _("unit %(unit)s is not open in %(month)s") % {"unit": unit_code, "month": period}
    return unit, None
