"""Importing units and covariates: the whole file is checked first; nothing is written unless all is valid."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pingan.audit.events import Event
from pingan.audit.services import record_event, record_export
from pingan.core import events
from pingan.core.access.actor import Actor
from pingan.core.access.permissions import require
from pingan.core.limits import length_reason
from pingan.core.problems import InputRefused, Problem
from pingan.core.tabular import read_table
from pingan.schemes.selectors import known_class_codes
from pingan.units.models import LEVEL_KEYS, Covariate, Level, OrgUnit

UNIT_COLUMNS = ["code", "name", "class", "parent_code", "opened_on", "closed_on"]
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    details: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitRow:
    """A validated row of a units file."""

    line: int
    code: str
    name: str
    name_en: str
    eval_class: str
    parent_code: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    level: int | None = None


def parse_date(text: str) -> dt.date:
    """Parse YYYY-MM-DD (also YYYY/MM/DD, as Excel users type it)."""
    return dt.date.fromisoformat(text.replace("/", "-"))


def import_units(*, actor: Actor, data: bytes, dry_run: bool = False) -> ImportSummary:
    """Create or update units from a CSV/XLSX file with the columns docs/formats.md lists."""
    require(actor, "units.import")
    table = read_table(
        data, required=UNIT_COLUMNS[:3], optional=[*UNIT_COLUMNS[3:], "name_en", "level"]
    )
    rows = _validate_unit_rows(table.rows)
    summary = ImportSummary(dry_run=dry_run)
    with transaction.atomic():
        _apply_units(rows, summary)
        record_event(
            actor=actor,
            event=Event.UNITS_UNIT_IMPORT,
            object_type="units.orgunit",
            outcome="dry_run" if dry_run else "success",
            detail={"created": summary.created, "updated": summary.updated, "rows": len(rows)},
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _validate_unit_rows(raw_rows: list[tuple[int, dict[str, str]]]) -> list[UnitRow]:
    problems: list[Problem] = []
    rows: list[UnitRow] = []
    classes = known_class_codes()
    seen: dict[str, int] = {}
    for line, cells in raw_rows:
        row, row_problems = _unit_row(line, cells, classes)
        problems += row_problems
        if row is None:
            continue
        if row.code in seen:
            problems.append(
                Problem(line, "code", _("duplicate of row %(row)s") % {"row": seen[row.code]})
            )
            continue
        seen[row.code] = line
        rows.append(row)
    problems += _parent_problems(rows)
    if not raw_rows:
        problems.append(Problem(None, None, _("the file has no data rows")))
    if problems:
        raise InputRefused(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return rows


def _unit_row(
    line: int, cells: dict[str, str], classes: set[str]
) -> tuple[UnitRow | None, list[Problem]]:
    problems: list[Problem] = []
    code, name, eval_class = cells.get("code", ""), cells.get("name", ""), cells.get("class", "")
    if not CODE_PATTERN.match(code):
        problems.append(Problem(line, "code", _("a code is 1–32 letters, digits, '_', '.' or '-'")))
    if not name:
        problems.append(Problem(line, "name", _("the name is empty")))
    for column, field_name in (("name", "name_zh"), ("name_en", "name_en")):
        too_long = length_reason(cells.get(column, ""), _max_length(field_name))
        if too_long:
            problems.append(Problem(line, column, too_long))
    if eval_class and eval_class not in classes:
        problems.append(
            Problem(line, "class", _("no loaded scheme has class %(code)s") % {"code": eval_class})
        )
    dates: dict[str, dt.date | None] = {}
    for column in ("opened_on", "closed_on"):
        text = cells.get(column, "")
        try:
            dates[column] = parse_date(text) if text else None
        except ValueError:
            problems.append(Problem(line, column, _("not a date in the form YYYY-MM-DD")))
            dates[column] = None
    level, level_problem = _level(cells.get("level", ""))
    if level_problem:
        problems.append(Problem(line, "level", level_problem))
    opened, closed = dates["opened_on"], dates["closed_on"]
    if opened and closed and closed < opened:
        problems.append(Problem(line, "closed_on", _("closes before it opens")))
    if problems:
        return None, problems
    row = UnitRow(
        line,
        code,
        name,
        cells.get("name_en", ""),
        eval_class,
        cells.get("parent_code", ""),
        opened,
        closed,
        level,
    )
    return row, []


def _level(text: str) -> tuple[int | None, str]:
    """The level a `level` cell names (a word of LEVEL_KEYS or a whole number), or why not."""
    word = text.strip().lower()
    if not word:
        return None, ""
    if word in LEVEL_KEYS:
        return LEVEL_KEYS[word], ""
    if word.isdigit() and int(word) <= 32:
        return int(word), ""
    return None, _("not a level: a whole number 0–32 or one of %(words)s") % {
        "words": ", ".join(LEVEL_KEYS)
    }


def _max_length(field_name: str) -> int:
    return int(getattr(OrgUnit._meta.get_field(field_name), "max_length", 0) or 0)


def _parent_problems(rows: list[UnitRow]) -> list[Problem]:
    stored: dict[str, str | None] = dict(OrgUnit.objects.values_list("code", "parent__code"))
    parents = stored | {r.code: r.parent_code for r in rows}
    problems = []
    for row in rows:
        if row.parent_code and row.parent_code not in parents:
            problems.append(
                Problem(
                    row.line, "parent_code", _("unknown unit %(code)s") % {"code": row.parent_code}
                )
            )
        elif _depth(row.code, parents) is None:
            problems.append(Problem(row.line, "parent_code", _("the parents form a cycle")))
    return problems or _level_problems(rows, parents)


def _level_problems(rows: list[UnitRow], parents: Mapping[str, str | None]) -> list[Problem]:
    """A unit given a level must stand below its parent's level (given, stored or derived)."""
    levels = _levels(rows, parents)
    problems = []
    for row in rows:
        if row.level is not None and row.parent_code:
            above = levels[row.parent_code]
            if row.level <= above:
                problems.append(
                    Problem(
                        row.line,
                        "level",
                        _("level %(level)d is not below its parent's level %(above)d")
                        % {"level": row.level, "above": above},
                    )
                )
    return problems


def _levels(rows: list[UnitRow], parents: Mapping[str, str | None]) -> dict[str, int]:
    """Every unit's level after the import: given in the file, else stored, else one below its parent.

    A unit the file names without a level is one below its parent (a unit at the top is a city).
    """
    given = {r.code: r.level for r in rows}
    stored: dict[str, int] = dict(OrgUnit.objects.values_list("code", "level"))
    levels: dict[str, int] = {}
    for code in sorted(parents, key=lambda c: _depth(c, parents) or 0):
        own = given.get(code) if code in given else stored.get(code)
        parent = parents.get(code)
        if code in given and own is None:
            own = levels[parent] + 1 if parent else Level.CITY
        levels[code] = own if own is not None else Level.CITY
    return levels


def _depth(code: str, parents: Mapping[str, str | None]) -> int | None:
    depth, seen = 1, {code}
    parent = parents.get(code)
    while parent:
        if parent in seen:
            return None
        seen.add(parent)
        depth += 1
        parent = parents.get(parent)
    return depth


def _apply_units(rows: list[UnitRow], summary: ImportSummary) -> None:
    existing = {u.code: u for u in OrgUnit.objects.all()}
    parents = _stored_parents(existing) | {r.code: r.parent_code for r in rows}
    ordered = sorted(rows, key=lambda r: _depth(r.code, parents) or 0)
    levels = _levels(rows, parents)
    for row in ordered:
        parent = existing.get(row.parent_code) if row.parent_code else None
        values = {
            "name_zh": row.name,
            "name_en": row.name_en,
            "eval_class": row.eval_class,
            "parent": parent,
            "level": levels[row.code],
            "opened_on": row.opened_on,
            "closed_on": row.closed_on,
        }
        unit = existing.get(row.code)
        if unit is None:
            existing[row.code] = OrgUnit.objects.create(code=row.code, **values)
            summary.created += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            unit.save()
            summary.updated += 1
        else:
            summary.unchanged += 1


def _stored_parents(existing: dict[str, OrgUnit]) -> dict[str, str | None]:
    by_id = {u.pk: u.code for u in existing.values()}
    return {u.code: by_id.get(u.parent_id) if u.parent_id else None for u in existing.values()}


def import_covariates(*, actor: Actor, data: bytes, dry_run: bool = False) -> ImportSummary:
    """Create or update yearly covariates from `unit_code,year,<covariate columns>`."""
    require(actor, "covariates.import")
    table = read_table(data, required=["unit_code", "year"], extra_ok=True)
    names = [h for h in table.header if h not in ("unit_code", "year")]
    values = _validate_covariates(table.rows, names)
    summary = ImportSummary(dry_run=dry_run)
    with transaction.atomic():
        _apply_covariates(values, summary)
        if summary.created or summary.updated:
            events.publish(events.COVARIATES_CHANGED, reason="covariates.import")
        record_event(
            actor=actor,
            event=Event.UNITS_COVARIATE_IMPORT,
            object_type="units.covariate",
            outcome="dry_run" if dry_run else "success",
            detail={"created": summary.created, "updated": summary.updated, "covariates": names},
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _validate_covariates(
    rows: list[tuple[int, dict[str, str]]], names: list[str]
) -> dict[tuple[int, int, str], float]:
    problems: list[Problem] = []
    if not names:
        problems.append(Problem(1, None, _("the file names no covariate column")))
    problems += [
        Problem(1, n, _("a covariate name is 1–32 letters, digits or '_'"))
        for n in names
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", n)
    ]
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    values: dict[tuple[int, int, str], float] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        unit_id = units.get(cells["unit_code"])
        if unit_id is None:
            problems.append(
                Problem(
                    line, "unit_code", _("unknown unit %(code)s") % {"code": cells["unit_code"]}
                )
            )
        year = cells["year"]
        year_ok = len(year) == 4 and year.isdigit() and 1990 <= int(year) <= 2100
        if not year_ok:
            problems.append(Problem(line, "year", _("not a year between 1990 and 2100")))
        key = (cells["unit_code"], year)
        if key in seen:
            problems.append(
                Problem(line, "unit_code", _("duplicate of row %(row)s") % {"row": seen[key]})
            )
        seen[key] = line
        for name in names:
            number = _covariate_value(cells.get(name, ""), line, name, problems)
            if number is not None and unit_id is not None and year_ok:
                values[(unit_id, int(year), name)] = number
    if problems:
        raise InputRefused(problems)
    return values


def _covariate_value(text: str, line: int, name: str, problems: list[Problem]) -> float | None:
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        problems.append(Problem(line, name, _("not a number")))
        return None
    if not math.isfinite(number) or number < 0:
        problems.append(Problem(line, name, _("must be a number ≥ 0")))
        return None
    return number


def _apply_covariates(values: dict[tuple[int, int, str], float], summary: ImportSummary) -> None:
    existing = {(c.unit_id, c.year, c.name): c for c in Covariate.objects.all()}
    created, changed = [], []
    for (unit_id, year, name), value in values.items():
        current = existing.get((unit_id, year, name))
        if current is None:
            created.append(Covariate(unit_id=unit_id, year=year, name=name, value=value))
        elif current.value != value:
            current.value = value
            changed.append(current)
        else:
            summary.unchanged += 1
    Covariate.objects.bulk_create(created, batch_size=1000)
    Covariate.objects.bulk_update(changed, ["value"], batch_size=1000)
    summary.created += len(created)
    summary.updated += len(changed)


def export_units(*, actor: Actor) -> list[dict[str, Any]]:
    """Every unit as a row of the units file format (plus name_en); the export is audited."""
    require(actor, "units.export")
    rows = [
        {
            "code": u.code,
            "name": u.name_zh,
            "class": u.eval_class,
            "parent_code": u.parent.code if u.parent else "",
            "opened_on": u.opened_on.isoformat() if u.opened_on else "",
            "closed_on": u.closed_on.isoformat() if u.closed_on else "",
            "name_en": u.name_en,
        }
        for u in OrgUnit.objects.select_related("parent").order_by("code")
    ]
    record_export(actor=actor, event=Event.UNITS_UNIT_EXPORT, what="units", rows=len(rows))
    return rows
