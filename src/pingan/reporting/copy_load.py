"""The PostgreSQL path of an approved figures load: the CSV `COPY`ed into staging, checked and written set-based.

The file goes to the server as it is (`COPY … FROM STDIN (FORMAT csv, HEADER)`) into a temporary
staging table; one grouped query checks every line against the units, the class rules and the
value form, and returns the (unit, month) and (indicator, month) pairs the file names, which are
checked in Python by the same rules as the line check (unit open in the month, month ended and
not open elsewhere). The versions and their steps are created with one multi-row INSERT each and
the figures with one `INSERT … SELECT` from staging.

The path only accepts what the line check would accept. A file it is not sure of — a quote, a
heading other than the column codes, a blank line, a value other than plain digits, any refused
line, a duplicate cell, a body × month that already has a version — is rolled back to the
savepoint and handed to the line check, which names every problem by row and column as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from pingan.core.access.actor import Actor
from pingan.core.limits import XLSX_MAGIC, check_data
from pingan.core.limits import current as current_limits
from pingan.reporting import partitions
from pingan.reporting.cells import Catalogue, PeriodCheck, _unit_in_period
from pingan.reporting.models import Kind, Status, Step, Submission, SubmissionEvent
from pingan.units.models import OrgUnit

HEADER = b"unit_code,indicator_code,period,value"
STAGE = "pingan_figures_stage"
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
    body = data[len(BOM) :] if data.startswith(BOM) else data
    first = body.split(b"\n", 1)[0].rstrip(b"\r")
    return (
        first == HEADER and b'"' not in body and body.count(b"\n") <= current_limits().max_rows + 1
    )


def load_approved(
    *,
    actor: Actor,
    data: bytes,
    catalogue: Catalogue,
    check: PeriodCheck,
    reason: str,
    now: dt.datetime,
) -> Loaded | None:
    """Load an eligible file as approved historical versions, or None (nothing written) to use the line check."""
    try:
        with transaction.atomic():
            return _load(actor, data, catalogue, check, reason, now)
    except (_NotSure, DatabaseError):
        return None


def _load(
    actor: Actor,
    data: bytes,
    catalogue: Catalogue,
    check: PeriodCheck,
    reason: str,
    now: dt.datetime,
) -> Loaded:
    with connection.cursor() as cursor:
        _stage(cursor, data[len(BOM) :] if data.startswith(BOM) else data)
        rows, groups = _checked_groups(cursor, catalogue, check)
        submissions = _create_versions(actor, catalogue, groups, reason, now)
        pairs = [
            (code, key[1], submissions[key]) for key, codes in groups.items() for code in codes
        ]
        partitions.ensure_years({int(month[:4]) for _body, month in groups})
        cursor.execute(
            "INSERT INTO reporting_figure (submission_id, unit_id, indicator_code, value, changed,"  # noqa: S608 - constant names
            " is_locked, year) SELECT m.submission_id, u.id, s.indicator_code, s.value::integer,"
            " false, true, substr(s.period, 1, 4)::integer FROM %s s JOIN %s u ON u.code = s.unit_code"
            " JOIN unnest(%%s::text[], %%s::text[], %%s::bigint[]) AS m(indicator_code, period,"
            " submission_id) ON m.indicator_code = s.indicator_code AND m.period = s.period"
            " WHERE s.value IS NOT NULL" % (STAGE, OrgUnit._meta.db_table),
            [[p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs]],
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE %s" % STAGE)
    if written != rows[1]:
        raise _NotSure
    ordered = sorted(groups, key=lambda key: (key[1], catalogue.body_codes[key[0]]))
    return Loaded(
        rows=rows[0],
        submission_ids=[submissions[key] for key in ordered],
        months=sorted({month for _body, month in groups}),
    )


def _stage(cursor, body: bytes) -> None:  # type: ignore[no-untyped-def]
    """COPY the file into the staging table, as text."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute(
        "CREATE TEMPORARY TABLE %s (unit_code text, indicator_code text, period text,"
        " value text) ON COMMIT DROP" % STAGE
    )
    with cursor.cursor.copy(
        "COPY %s FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')" % STAGE
    ) as copy:
        for start in range(0, len(body), 1 << 20):
            copy.write(body[start : start + (1 << 20)])
    cursor.execute("ANALYZE %s" % STAGE)


def _checked_groups(  # type: ignore[no-untyped-def]
    cursor, catalogue: Catalogue, check: PeriodCheck
) -> tuple[tuple[int, int], dict[tuple[int, str], list[str]]]:
    """Check the staged lines; return (lines, cells with a value) and (body, month) → its indicators.

    One grouped scan: per (unit, month) and per (indicator, month), the line count, the count of
    values, and whether every line names a unit, an indicator of the unit's class and a plain value.
    """
    allowed = [(cls, code) for cls, codes in catalogue.class_indicators.items() for code in codes]
    cursor.execute(
        "SELECT GROUPING(s.unit_code), s.unit_code, s.indicator_code, s.period, count(*),"  # noqa: S608 - constant names
        " count(s.value), bool_and(a.indicator_code IS NOT NULL"
        " AND (s.value IS NULL OR s.value ~ '^[0-9]{1,9}$'))"
        " FROM %s s LEFT JOIN %s u ON u.code = s.unit_code"
        " LEFT JOIN unnest(%%s::text[], %%s::text[]) AS a(eval_class, indicator_code)"
        " ON a.eval_class = u.eval_class AND a.indicator_code = s.indicator_code"
        " GROUP BY GROUPING SETS ((s.unit_code, s.period), (s.indicator_code, s.period))"
        % (STAGE, OrgUnit._meta.db_table),
        [[a[0] for a in allowed], [a[1] for a in allowed]],
    )
    found = cursor.fetchall()
    if not found or not all(plain and period is not None for *_, period, _c, _v, plain in found):
        raise _NotSure
    lines = valued = 0
    for by_indicator, unit_code, _code, period, count, values, _plain in found:
        if not by_indicator:
            _unit_in_month(catalogue, unit_code, period)
            lines += count
            valued += values
    groups: dict[tuple[int, str], list[str]] = {}
    for by_indicator, _unit, code, period, _count, values, _plain in found:
        if by_indicator:
            owner = catalogue.indicators[code][0]
            if check(owner, period) is not None:
                raise _NotSure
            if values:
                groups.setdefault((owner, period), []).append(code)
    return (lines, valued), groups


def _unit_in_month(catalogue: Catalogue, unit_code: str, period: str) -> None:
    unit, problem = _unit_in_period(catalogue.units, unit_code, period, None)
    if unit is None or problem is not None:
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
