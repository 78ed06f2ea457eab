"""Approved figures read straight into arrays: one set-based query, no per-cell Python objects.

A window of quarters holds millions of cells (2,000 units × 60 indicators × 24 months is 2.9 M);
scoring packs each approved version once from `submission_rows` (`pingan.scores.packs`). The query returns only integers — the unit, the indicator's column (a CASE over the wanted
codes), the submission (whose month is looked up in a small table), the value and the figure id —
and on PostgreSQL the server packs them into one bytea of fixed-size big-endian records that numpy
reads without a Python object per row. SQLite returns the same integer rows through its cursor.
"""

from __future__ import annotations

import numpy as np
from django.db import connection

from pingan.core.binary_rows import binary_rows
from pingan.reporting.models import Figure, Submission


def approved_arrays(
    *, indicator_codes: list[str], unit_ids: list[int], months: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(U, C, M) current approved values (NaN where never approved) and their figure ids (0 there).

    Axes follow the order of `unit_ids`, `indicator_codes` and `months`.
    """
    shape = (len(unit_ids), len(indicator_codes), len(months))
    values = np.full(shape, np.nan)
    figure_ids = np.zeros(shape, dtype=np.int64)
    submissions = list(
        Submission.objects.filter(is_current=True, month__in=months).values_list("pk", "month")
    )
    if not submissions or not indicator_codes or not unit_ids:
        return values, figure_ids
    years = sorted({int(month[:4]) for _pk, month in submissions})
    rows = _rows(indicator_codes, [pk for pk, _month in submissions], years)
    sub_ids = np.array([pk for pk, _month in submissions], dtype=np.int64)
    month_index = {m: k for k, m in enumerate(months)}
    sub_month = np.array([month_index[m] for _pk, m in submissions], dtype=np.int64)
    order = np.argsort(sub_ids)
    sub_ids, sub_month = sub_ids[order], sub_month[order]
    units = np.asarray(unit_ids, dtype=np.int64)
    unit_order = np.argsort(units)
    at = np.searchsorted(units[unit_order], rows[:, 0])
    at = np.minimum(at, len(units) - 1)
    wanted = units[unit_order][at] == rows[:, 0]
    rows, at = rows[wanted], at[wanted]
    i = unit_order[at]
    j = rows[:, 1]
    k = sub_month[np.searchsorted(sub_ids, rows[:, 2])]
    values[i, j, k] = rows[:, 3]
    figure_ids[i, j, k] = rows[:, 4]
    return values, figure_ids


def submission_rows(submission_ids: list[int]) -> tuple[list[str], np.ndarray]:
    """Every figure of the given submissions: their indicator codes, and (N, 5) int64 rows of
    unit id, column (into the codes), submission id, value and figure id."""
    if not submission_ids:
        return [], np.zeros((0, 5), dtype=np.int64)
    figures = Figure.objects.filter(submission_id__in=submission_ids)
    codes = sorted(set(figures.values_list("indicator_code", flat=True).distinct()))
    months = Submission.objects.filter(pk__in=submission_ids).values_list("month", flat=True)
    years = sorted({int(month[:4]) for month in months})
    if not codes:
        return [], np.zeros((0, 5), dtype=np.int64)
    return codes, _rows(codes, submission_ids, years)


def _select(indicator_codes: list[str], submission_ids: list[int]) -> tuple[str, list[str]]:
    """The query of (unit, column, submission, value, figure) as bigints, and its parameters."""
    case = " ".join("WHEN %s THEN " + str(j) for j in range(len(indicator_codes)))
    table = Figure._meta.db_table
    # The table is the model's, the submission ids integers; the codes are parameters.
    template = (
        "SELECT CAST(unit_id AS BIGINT), CAST(CASE indicator_code %s END AS BIGINT), "
        "CAST(submission_id AS BIGINT), CAST(value AS BIGINT), CAST(id AS BIGINT) "
        "FROM %s WHERE submission_id IN (%s) AND indicator_code IN (%s)"
    )
    sql = template % (
        case,
        table,
        ", ".join(str(int(s)) for s in submission_ids),
        ", ".join(["%s"] * len(indicator_codes)),
    )
    return sql, [*indicator_codes, *indicator_codes]


def _rows(indicator_codes: list[str], submission_ids: list[int], years: list[int]) -> np.ndarray:
    """(N, 5) int64: unit id, column, submission id, value, figure id of every matching figure.

    `years` are the years of the submissions' months (the figures' partitions on PostgreSQL).
    """
    if connection.vendor == "postgresql":
        return _postgres_rows(indicator_codes, submission_ids, years)
    sql, params = _select(indicator_codes, submission_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return np.array(fetched, dtype=np.int64).reshape(len(fetched), 5)


def _postgres_rows(
    indicator_codes: list[str], submission_ids: list[int], years: list[int]
) -> np.ndarray:
    """The rows packed by the server, one bytea of fixed-size records per indicator, read by numpy."""
    template = (
        "SELECT indicator_code, string_agg(int8send(CAST(unit_id AS BIGINT)) || "
        "int8send(CAST(submission_id AS BIGINT)) || int8send(CAST(value AS BIGINT)) || "
        "int8send(CAST(id AS BIGINT)), ''::bytea) "
        "FROM %s WHERE submission_id IN (%s) AND indicator_code IN (%s) AND year IN (%s) "
        "GROUP BY indicator_code"
    )
    sql = template % (
        Figure._meta.db_table,
        ", ".join(str(int(s)) for s in submission_ids),
        ", ".join(["%s"] * len(indicator_codes)),
        ", ".join(str(int(y)) for y in years),
    )
    column = {code: j for j, code in enumerate(indicator_codes)}
    packed = binary_rows(sql, indicator_codes)
    parts = []
    for code, data in packed:
        records = np.frombuffer(bytes(data), dtype=">i8").reshape(-1, 4).astype(np.int64)
        parts.append(np.insert(records, 1, column[code], axis=1))
    return np.concatenate(parts) if parts else np.zeros((0, 5), dtype=np.int64)
