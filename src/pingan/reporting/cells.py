"""Checking figure cells: one set of rules for the grid, XLSX template, CSV and the API.

Records are plain tuples `(row, unit_code, indicator_code, period, value)` so that a million of
them can be checked with dict and set lookups alone. Every problem names its row and column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pingan.core import periods
from pingan.core.problems import Problem
from pingan.core.text import control_character_problems
from pingan.schemes.models import ClassIndicator, Indicator, SchemeVersion
from pingan.units.models import OrgUnit

MAX_VALUE = 2_147_483_647
Record = tuple[int | None, str, str, str, object]
# (unit_id, indicator_code, value or None for a cell left empty)
Cell = tuple[int, str, int | None]


@dataclass(frozen=True)
class UnitInfo:
    """What checking needs to know about a unit."""

    id: int
    code: str
    eval_class: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    position: int


@dataclass(frozen=True)
class ExpectedCells:
    """What a body must report for a month: the units, in unit order, each with the indicator
    codes it must report in scheme order (units of one class share their codes)."""

    unit_ids: tuple[int, ...]
    codes: dict[int, tuple[str, ...]]
    lookups: dict[int, frozenset[str]]
    count: int

    def applies(self, unit_id: int, code: str) -> bool:
        """Whether the body must report indicator `code` for the unit this month."""
        return code in self.lookups.get(unit_id, ())


REMEMBERED_MONTHS = 64


@dataclass
class Catalogue:
    """Units, indicators and class rules of one scheme version, indexed for lookups."""

    version: SchemeVersion
    units: dict[str, UnitInfo]
    units_by_id: dict[int, UnitInfo]
    indicators: dict[str, tuple[int, int]]  # code -> (body_id, position)
    class_indicators: dict[str, frozenset[str]]
    body_codes: dict[int, str]
    counts: dict[tuple[int, str], int] = field(default_factory=dict, repr=False, compare=False)
    expected: dict[tuple[int, str], ExpectedCells] = field(
        default_factory=dict, repr=False, compare=False
    )

    def body_indicators(self, body_id: int) -> list[str]:
        """The indicator codes a body owns, in scheme order."""
        owned = [(pos, code) for code, (owner, pos) in self.indicators.items() if owner == body_id]
        return [code for _pos, code in sorted(owned)]

    def expected_cells(self, body_id: int, month: str) -> list[tuple[UnitInfo, str]]:
        """Every (unit, indicator) the body must report for the month, in unit then scheme order."""
        expected = self.expected_of(body_id, month)
        return [
            (self.units_by_id[unit_id], code)
            for unit_id in expected.unit_ids
            for code in expected.codes[unit_id]
        ]

    def expected_of(self, body_id: int, month: str) -> ExpectedCells:
        """The body's expected cells of the month, built once per catalogue for the last
        `REMEMBERED_MONTHS` bodies and months asked (a province body's month is 10,000 cells,
        and its grid page is asked for again and again): a unit's codes, not its cells."""
        key = (body_id, month)
        found = self.expected.get(key)
        if found is None:
            found = self._build_expected(body_id, month)
            while len(self.expected) >= REMEMBERED_MONTHS:
                self.expected.pop(next(iter(self.expected)), None)
            self.expected[key] = found
        return found

    def _build_expected(self, body_id: int, month: str) -> ExpectedCells:
        first, last = periods.first_day(month), periods.last_day(month)
        owned = self.body_indicators(body_id)
        by_class = {
            eval_class: tuple(code for code in owned if code in applicable)
            for eval_class, applicable in self.class_indicators.items()
        }
        lookups_by_class = {eval_class: frozenset(codes) for eval_class, codes in by_class.items()}
        unit_ids: list[int] = []
        codes: dict[int, tuple[str, ...]] = {}
        lookups: dict[int, frozenset[str]] = {}
        for unit in sorted(self.units.values(), key=lambda u: u.position):
            mine = by_class.get(unit.eval_class, ())
            if mine and _open_during(unit, first, last):
                unit_ids.append(unit.id)
                codes[unit.id] = mine
                lookups[unit.id] = lookups_by_class[unit.eval_class]
        return ExpectedCells(tuple(unit_ids), codes, lookups, sum(len(c) for c in codes.values()))

    def expected_count(self, body_id: int, month: str) -> int:
        """How many cells `expected_cells` lists, counted by class and remembered per body and
        month (a catalogue is kept per scheme version): a list of the body's months reads it
        without building 2,000 units' cells."""
        key = (body_id, month)
        if key not in self.counts:
            first, last = periods.first_day(month), periods.last_day(month)
            owned = set(self.body_indicators(body_id))
            open_by_class = Counter(
                u.eval_class for u in self.units.values() if _open_during(u, first, last)
            )
            self.counts[key] = sum(
                n * len(owned & self.class_indicators.get(eval_class, frozenset()))
                for eval_class, n in open_by_class.items()
            )
        return self.counts[key]

    def reporting_body_ids(self) -> list[int]:
        """Bodies that own at least one indicator applying to some class, by code."""
        applying = set().union(*self.class_indicators.values()) if self.class_indicators else set()
        ids = {self.indicators[code][0] for code in applying if code in self.indicators}
        return sorted(ids, key=lambda i: self.body_codes[i])


# Catalogues built lately, by scheme version and the units' rows they were built from (both
# checked on every call): a version never changes once loaded, and a change to any unit changes
# the rows, so a remembered catalogue is always the one the database gives now.
_REMEMBERED: dict[tuple[Any, ...], Catalogue] = {}
REMEMBERED_CATALOGUES = 4


def load_catalogue(version: SchemeVersion) -> Catalogue:
    """The lookups for a scheme version: one query (the units) when the process built them
    already for the same version and units, three otherwise.

    The catalogue returned is the caller's own (its `version` is the one given) but shares its
    lookups, and the expected counts it remembers, with the other callers of the process.
    """
    rows = tuple(
        OrgUnit.objects.order_by("code").values_list(
            "pk", "code", "eval_class", "opened_on", "closed_on"
        )
    )
    key = (version.pk, version.content_hash, version.loaded_at, rows)
    found = _REMEMBERED.get(key)
    if found is None:
        found = _build_catalogue(version, rows)
        while len(_REMEMBERED) >= REMEMBERED_CATALOGUES:
            _REMEMBERED.pop(next(iter(_REMEMBERED)), None)
        _REMEMBERED[key] = found
    return dataclasses.replace(found, version=version)


def _build_catalogue(version: SchemeVersion, rows: tuple[tuple[Any, ...], ...]) -> Catalogue:
    """Index the units' rows and read the version's indicators and class rules (two queries)."""
    units = {}
    for position, (pk, code, eval_class, opened, closed) in enumerate(rows):
        units[code] = UnitInfo(pk, code, eval_class, opened, closed, position)
    indicators = {}
    body_codes = {}
    for code, body_id, body_code, position in Indicator.objects.filter(version=version).values_list(
        "code", "body_id", "body__code", "position"
    ):
        indicators[code] = (body_id, position)
        body_codes[body_id] = body_code
    by_class: dict[str, set[str]] = {}
    for class_code, indicator_code in ClassIndicator.objects.filter(
        scheme_class__version=version
    ).values_list("scheme_class__code", "indicator__code"):
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
    return (unit.opened_on is None or unit.opened_on <= last) and (
        unit.closed_on is None or first <= unit.closed_on
    )


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


def normalise(text: str) -> str:
    """Typed text in its plain form: NFKC (full-width digits ２ → 2, ideographic space → space), no spaces.

    Chinese input methods produce full-width digits and spaces; "1 200" is a thousands grouping.
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_value(value: object) -> int | str | None:
    """A cell value as a whole number ≥ 0, None when empty, or the reason it is refused.

    Text is normalised first (`normalise`): "２３", " 23 " and "2 3" are all 23.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = normalise(value)
        if not text:
            return None
        if text.isascii() and text.isdigit():
            if len(text.lstrip("0")) > len(str(MAX_VALUE)):
                return _("the value is too large")
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


def check_lines(
    lines: Iterable[tuple[int | None, Sequence[Any]]],
    *,
    catalogue: Catalogue,
    now: dt.datetime,
    columns: Columns = Columns(),
    body_id: int | None = None,
    month: str | None = None,
    period_check: PeriodCheck | None = None,
) -> Checked:
    """Check every line `(row, [unit_code, indicator_code, period, value])`; nothing is written here.

    Rules: whole numbers ≥ 0 (empty = missing), known unit and indicator codes, the indicator
    applies to the unit's class, the unit is open in the month, the body owns the indicator
    (when `body_id` is given), the period is a month that has ended and is open (`period_check`),
    and no cell appears twice. Lines whose cells are all blank are skipped.

    A valid (unit, period) is resolved once to the indicators it may carry, so a well-formed line
    costs a few dict lookups; any other line takes the slow path that names its problem.
    """
    checker = _Checker(catalogue, columns, body_id, month, period_check)
    slots = checker.slots
    problems = checker.result.problems
    rows = 0
    for row, fields in lines:
        if len(fields) != 4:
            fields = [*fields, "", "", "", ""][:4]
        unit_code, indicator_code, period, raw = fields
        slot = slots.get((unit_code, period))
        if slot is None:
            slot = checker.slot(unit_code, period)
        target = slot[1].get(indicator_code) if slot is not None else None
        if target is None or slot is None:
            rows += checker.slow((row, unit_code, indicator_code, period, raw))
            continue
        rows += 1
        if type(raw) is str and len(raw) < 10 and raw.isdigit() and raw.isascii():
            value: int | str | None = int(raw)
        else:
            value = parse_value(raw)
        if isinstance(value, str):
            problems.append(Problem(row, columns.value or indicator_code, value))
        seen = slot[2]
        if indicator_code in seen:
            problems.append(Problem(row, columns.indicator, _duplicate(seen[indicator_code])))
            continue
        seen[indicator_code] = row
        if not isinstance(value, str):
            target.append((slot[0], indicator_code, value))
    checker.result.rows = rows
    checker.result.groups = {key: cells for key, cells in checker.result.groups.items() if cells}
    return checker.result


def _duplicate(first: int | None) -> str:
    return (
        _("duplicate cell, first given at row %(row)s") % {"row": first}
        if first
        else _("duplicate cell")
    )


# (unit_id, indicator_code -> the cell list of its (body, month), indicator_code -> first row)
Slot = tuple[int, dict[str, list[Cell]], dict[str, int | None]]


class _Checker:
    """The lookups and caches of one `check_lines` call."""

    def __init__(
        self,
        catalogue: Catalogue,
        columns: Columns,
        body_id: int | None,
        month: str | None,
        period_check: PeriodCheck | None,
    ) -> None:
        self.catalogue, self.columns, self.body_id, self.month, self.period_check = (
            catalogue,
            columns,
            body_id,
            month,
            period_check,
        )
        self.result = Checked()
        self.slots: dict[tuple[str, str], Slot | None] = {}
        self.targets: dict[tuple[str, str], dict[str, list[Cell]]] = {}
        self.period_ok: dict[tuple[int, str], str | None] = {}

    def slot(self, unit_code: str, period: str) -> Slot | None:
        """Resolve a (unit, period) pair once: None when the pair itself is refused."""
        unit, problem = _unit_in_period(self.catalogue.units, unit_code, period, self.month)
        found: Slot | None = None
        if unit is not None and problem is None:
            found = (unit.id, self._targets(unit.eval_class, period), {})
        self.slots[(unit_code, period)] = found
        return found

    def _targets(self, eval_class: str, period: str) -> dict[str, list[Cell]]:
        key = (eval_class, period)
        if key not in self.targets:
            targets = {}
            for code in self.catalogue.class_indicators.get(eval_class, ()):
                owner = self.catalogue.indicators[code][0]
                if (self.body_id is None or owner == self.body_id) and self._period_problem(
                    owner, period
                ) is None:
                    targets[code] = self.result.groups.setdefault((owner, period), [])
            self.targets[key] = targets
        return self.targets[key]

    def _period_problem(self, owner: int, period: str) -> str | None:
        key = (owner, period)
        if key not in self.period_ok:
            self.period_ok[key] = self.period_check(owner, period) if self.period_check else None
        return self.period_ok[key]

    def slow(self, record: Record) -> int:
        """A row off the fast path: retry with surrounding spaces removed, else report each of its problems.

        Returns 0 for a row whose cells are all blank (skipped), else 1.
        """
        row, unit_code, indicator_code, period, raw = record
        if not (unit_code or indicator_code or period or raw) or not any(
            str(c).strip() for c in record[1:] if c is not None
        ):
            return 0
        stripped = (row, unit_code.strip(), indicator_code.strip(), period.strip(), raw)
        if stripped[1:4] != record[1:4]:
            slot = self.slots.get((stripped[1], stripped[3])) or self.slot(stripped[1], stripped[3])
            if slot is not None and stripped[2] in slot[1]:
                self._accept(slot, stripped)
                return 1
        self._report(stripped)
        return 1

    def _accept(self, slot: Slot, record: Record) -> None:
        row, _unit, indicator_code, _period, raw = record
        value = parse_value(raw)
        if isinstance(value, str):
            self.result.problems.append(Problem(row, self.columns.value or indicator_code, value))
        if indicator_code in slot[2]:
            self.result.problems.append(
                Problem(row, self.columns.indicator, _duplicate(slot[2][indicator_code]))
            )
            return
        slot[2][indicator_code] = row
        if not isinstance(value, str):
            slot[1][indicator_code].append((slot[0], indicator_code, value))

    def _report(self, record: Record) -> None:
        row, unit_code, indicator_code, period, raw = record
        columns, catalogue, problems = self.columns, self.catalogue, self.result.problems
        texts = {columns.unit: unit_code, columns.indicator: indicator_code, columns.period: period}
        control = control_character_problems(texts, row=row)
        if control:
            problems += control
            return
        value = parse_value(raw)
        if isinstance(value, str):
            problems.append(Problem(row, columns.value or indicator_code, value))
        unit, unit_problem = _unit_in_period(catalogue.units, unit_code, period, self.month)
        if unit_problem is not None:
            problems.append(
                Problem(row, columns.period if unit is not None else columns.unit, unit_problem)
            )
        indicator = catalogue.indicators.get(indicator_code)
        if indicator is None:
            problems.append(
                Problem(
                    row,
                    columns.indicator,
                    _("unknown indicator %(code)s") % {"code": indicator_code},
                )
            )
            return
        owner = indicator[0]
        if self.body_id is not None and owner != self.body_id:
            problems.append(
                Problem(
                    row,
                    columns.indicator,
                    _("indicator %(code)s is reported by %(body)s")
                    % {"code": indicator_code, "body": catalogue.body_codes[owner]},
                )
            )
            return
        if unit is None:
            return
        if indicator_code not in catalogue.class_indicators.get(unit.eval_class, ()):
            if value is not None:
                problems.append(
                    Problem(
                        row,
                        columns.indicator,
                        _("indicator %(code)s does not apply to unit %(unit)s (class %(cls)s)")
                        % {
                            "code": indicator_code,
                            "unit": unit.code,
                            "cls": unit.eval_class or "-",
                        },
                    )
                )
            return
        if unit_problem is not None:
            return
        period_problem = self._period_problem(owner, period)
        if period_problem is not None:
            problems.append(Problem(row, columns.period, period_problem))


@functools.lru_cache(maxsize=512)
def _bounds(month: str) -> tuple[dt.date, dt.date]:
    return periods.first_day(month), periods.last_day(month)


def _unit_in_period(
    units: dict[str, UnitInfo], unit_code: str, period: str, month: str | None
) -> tuple[UnitInfo | None, str | None]:
    unit = units.get(unit_code)
    if unit is None:
        return None, _("unknown unit %(code)s") % {"code": unit_code}
    if periods.parse_month(period) is None:
        return unit, _("%(value)s is not a month in the form YYYY-MM") % {"value": period}
    if month is not None and period != month:
        return unit, _("this submission is for %(month)s, not %(period)s") % {
            "month": month,
            "period": period,
        }
    if not _open_during(unit, *_bounds(period)):
        return unit, _("unit %(unit)s is not open in %(month)s") % {
            "unit": unit_code,
            "month": period,
        }
    return unit, None
