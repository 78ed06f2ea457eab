"""The PostgreSQL path of an approved figures load: the CSV checked as arrays and written with binary `COPY`.

The file is read into numpy arrays (`figure_arrays`: codes matched by their bytes, months and
values read by array operations, no Python object per line). The (unit, month) and
(indicator, month) pairs the file names are checked in Python by the same rules as the line
check (unit open in the month, indicator of the unit's class, month ended and not open
elsewhere); duplicates are found after ordering the lines by the figures' unique key. The
versions and their steps are created with one multi-row INSERT each, and the figures are sent
in that key order with a binary `COPY` straight into their year's partition
(`bulk_insert.copy_locked_figures`), the references checked and locked here.

The path only accepts what the line check would accept. A file it is not sure of — a quote, a
heading other than the column codes, a blank line, a value other than plain digits, any refused
line, a duplicate cell, a body × month that already has a version — is rolled back to the
savepoint and handed to the line check, which names every problem by row and column as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from django.db import DatabaseError, connection, transaction

from pingan.core import periods
from pingan.core.access.actor import Actor
from pingan.core.limits import XLSX_MAGIC, check_data
from pingan.core.limits import current as current_limits
from pingan.reporting.bulk_insert import FigureRows, copy_locked_figures
from pingan.reporting.cells import Catalogue, PeriodCheck, UnitInfo, _unit_in_period
from pingan.reporting.figure_arrays import Lines, read_lines
from pingan.reporting.models import Kind, Status, Step, Submission, SubmissionEvent
from pingan.units.models import OrgUnit

HEADER = b"unit_code,indicator_code,period,value"
BOM = b"\xef\xbb\xbf"


@dataclass
class Loaded:
    """What the set-based load wrote."""

    rows: int = 0
    submission_ids: list[int] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


class _NotSure(Exception):
    """The file needs the line check."""


def eligible(data: bytes) -> bool:
    """Whether the file may take the set-based path: PostgreSQL, a CSV headed by the column codes, no quotes."""
    if connection.vendor != "postgresql" or data.startswith(XLSX_MAGIC):
        return False
    check_data(data)
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).rstrip(b"\r")
    first = first[len(BOM) :] if first.startswith(BOM) else first
    return (
        first == HEADER and b'"' not in data and data.count(b"\n") <= current_limits().max_rows + 1
    )


def load_approved(
    *,
    actor: Actor,
    data: bytes,
    catalogue: Catalogue,
    check: PeriodCheck,
    reason: str,
    now: dt.datetime,
    rates: Collection[str] = (),
) -> Loaded | None:
    """Load an eligible file as approved historical versions, or None (nothing written) to use the line check.

    A file with a line of a survey rate (`rates`: their codes) is left to the line check.
    """
    try:
        with transaction.atomic():
            return _load(actor, data, catalogue, check, reason, now, rates)
    except (_NotSure, DatabaseError):
        return None


def _load(
    actor: Actor,
    data: bytes,
    catalogue: Catalogue,
    check: PeriodCheck,
    reason: str,
    now: dt.datetime,
    rates: Collection[str],
) -> Loaded:
    units = sorted(catalogue.units.values(), key=lambda unit: unit.id)
    codes = sorted(catalogue.indicators)
    text, start = _lines_of(data)
    lines = read_lines(text, [unit.code for unit in units], codes, start)
    if (
        lines is None
        or np.isin(lines.indicator, [codes.index(c) for c in rates if c in codes]).any()
    ):
        raise _NotSure
    _check_units(catalogue, units, codes, lines)
    plan = _plan(catalogue, codes, lines, check)
    submissions = _create_versions(actor, catalogue, plan.groups, reason, now)
    ranked = np.array([submissions.get(key, -1) for key in plan.pairs], dtype=np.int64)
    cells = plan.order[lines.value[plan.order] >= 0]
    with connection.cursor() as cursor:
        _lock_units(cursor, np.flatnonzero(np.bincount(lines.unit[cells])), units)
        written = copy_locked_figures(
            cursor,
            FigureRows(
                submission=ranked[plan.rank[cells]],
                unit=np.array([unit.id for unit in units], dtype=np.int64)[lines.unit[cells]],
                value=lines.value[cells],
                year=np.array([int(m[:4]) for m in lines.months], dtype=np.int64)[
                    lines.month[cells]
                ],
                code=lines.indicator[cells],
            ),
            codes,
        )
    if written != len(cells) or (ranked[plan.rank[cells]] < 0).any():
        raise _NotSure
    ordered = sorted(plan.groups, key=lambda key: (key[1], catalogue.body_codes[key[0]]))
    return Loaded(
        rows=len(lines.unit),
        submission_ids=[submissions[key] for key in ordered],
        months=sorted({month for _body, month in plan.groups}),
    )


def _lines_of(data: bytes) -> tuple[bytes, int]:
    """The file with every line ending in "\\n", and where its lines after the heading start."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            raise _NotSure
    if not data.endswith(b"\n"):
        data += b"\n"
    return data, data.index(b"\n") + 1


def _check_units(
    catalogue: Catalogue, units: list[UnitInfo], codes: list[str], lines: Lines
) -> None:
    """Every month is a valid month, every unit open in the months it is named in, every indicator of its class."""
    months = lines.months
    if any(periods.parse_month(month) is None for month in months):
        raise _NotSure
    dated = [k for k, unit in enumerate(units) if unit.opened_on or unit.closed_on]
    if dated:
        named = np.zeros((len(units), len(months)), dtype=bool)
        named[lines.unit, lines.month] = True
        for k in dated:
            for m in np.flatnonzero(named[k]).tolist():
                _unit_in_month(catalogue, units[k].code, months[m])
    classes = sorted({unit.eval_class for unit in units})
    allowed = np.zeros((len(classes), len(codes)), dtype=bool)
    for c, name in enumerate(classes):
        ruled = catalogue.class_indicators.get(name, frozenset())
        allowed[c] = [code in ruled for code in codes]
    unit_class = np.array([classes.index(unit.eval_class) for unit in units], dtype=np.int64)
    if not allowed[unit_class[lines.unit], lines.indicator].all():
        raise _NotSure


@dataclass
class _Plan:
    """The (body, month) pairs of a file and the order its lines are written in."""

    groups: dict[tuple[int, str], list[str]]  # (body, month) with a value → its indicators
    pairs: list[tuple[int, str]]  # every (body, month) named, in (month, body code) order
    rank: np.ndarray  # per line: its (body, month) in `pairs`
    order: np.ndarray  # the lines in (body × month, unit id, indicator code) order


def _plan(catalogue: Catalogue, codes: list[str], lines: Lines, check: PeriodCheck) -> _Plan:
    """Check each (indicator, month) pair, group the lines by body × month, order them and refuse duplicates."""
    width = len(lines.months)
    pair_of_line = lines.indicator * width + lines.month
    named = np.bincount(pair_of_line, minlength=len(codes) * width)
    valued = np.bincount(pair_of_line, weights=lines.value >= 0, minlength=len(codes) * width)
    owner_of: dict[int, tuple[int, str]] = {}
    groups: dict[tuple[int, str], list[str]] = {}
    for pair in np.flatnonzero(named).tolist():
        code, month = codes[pair // width], lines.months[pair % width]
        owner = catalogue.indicators[code][0]
        if check(owner, month) is not None:
            raise _NotSure
        owner_of[pair] = (owner, month)
        if valued[pair]:
            groups.setdefault((owner, month), []).append(code)
    pairs = sorted(set(owner_of.values()), key=lambda key: (key[1], catalogue.body_codes[key[0]]))
    position = {key: k for k, key in enumerate(pairs)}
    rank_of_pair = np.zeros(len(named), dtype=np.int64)
    for pair, key in owner_of.items():
        rank_of_pair[pair] = position[key]
    rank = rank_of_pair[pair_of_line]
    key = (rank * (int(lines.unit.max()) + 1) + lines.unit) * len(codes) + lines.indicator
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    if (ordered[1:] == ordered[:-1]).any():
        raise _NotSure
    return _Plan(groups, pairs, rank, order)


def _unit_in_month(catalogue: Catalogue, unit_code: str, period: str) -> None:
    unit, problem = _unit_in_period(catalogue.units, unit_code, period, None)
    if unit is None or problem is not None:
        raise _NotSure


def _lock_units(cursor, named: np.ndarray, units: list[UnitInfo]) -> None:  # type: ignore[no-untyped-def]
    """Lock the units the figures name, as a foreign key would (`FOR KEY SHARE`); refuse when one is gone."""
    ids = [units[k].id for k in named.tolist()]
    cursor.execute(
        "SELECT count(*) FROM (SELECT id FROM %s WHERE id = ANY(%%s) FOR KEY SHARE) locked"  # noqa: S608 - constant name
        % OrgUnit._meta.db_table,
        [ids],
    )
    if cursor.fetchone()[0] != len(ids):
        raise _NotSure


def _create_versions(
    actor: Actor,
    catalogue: Catalogue,
    groups: dict[tuple[int, str], list[str]],
    reason: str,
    now: dt.datetime,
) -> dict[tuple[int, str], int]:
    """Create version 1 of each body × month, approved and current, with its two steps; refuse any other."""
    months = sorted({month for _body, month in groups})
    existing = Submission.objects.filter(month__in=months).values_list("body_id", "month")
    if any(key in groups for key in existing):
        raise _NotSure
    keys = sorted(groups, key=lambda key: (key[1], catalogue.body_codes[key[0]]))
    created = Submission.objects.bulk_create(
        [
            Submission(
                body_id=body_id,
                month=month,
                number=1,
                scheme_version=catalogue.version,
                status=Status.APPROVED,
                kind=Kind.HISTORICAL,
                reason=reason,
                is_current=True,
                created_by=actor.user,
                approved_by=actor.user,
                approved_at=now,
            )
            for body_id, month in keys
        ]
    )
    steps = [(Step.CREATE, ""), (Step.APPROVE, Status.APPROVED)]
    SubmissionEvent.objects.bulk_create(
        [
            SubmissionEvent(
                submission=submission,
                step=step,
                from_status=before,
                to_status=Status.APPROVED,
                actor=actor.user,
                at=now,
                reason=reason,
            )
            for submission in created
            for step, before in steps
        ]
    )
    return {key: submission.pk for key, submission in zip(keys, created, strict=True)}
