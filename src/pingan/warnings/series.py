"""Approved monthly figures as arrays, for the detectors and the backtest.

One query reads every approved version (approved or received, current or superseded) of the
wanted cells as plain tuples - no per-cell ORM objects - into a `SeriesBlock`: for each unit ×
indicator × month the value of the version in force now and, per version, its value and the
instant it was approved, so that a backtest can replay "what was approved by then" (`as_of`).

When a cell counts as approved: at the submission's `approved_at`, except for historical loads
(figures of months before pingan kept them, entered in bulk later): they count as approved at
their month's reporting deadline, as if reported on time, so that history is usable by a replay.
A correction supersedes the earlier version from its own approval on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pingan.core import periods
from pingan.engine._types import FloatArray
from pingan.reporting.deadlines import deadline
from pingan.reporting.models import Figure, Kind, Status
from pingan.units.tree import in_subtree

APPROVED = (Status.APPROVED, Status.RECEIVED)


@dataclass(frozen=True)
class SeriesBlock:
    """Approved figures by unit × indicator × month.

    ``counts[u, i, m]`` is the value in force now (NaN = never approved: missing, not 0) and
    ``approved_at[u, i, m]`` the POSIX time at which that version was approved. ``versions`` and
    ``versions_at`` (V, U, I, M) hold every approved version of each cell, oldest first (NaN
    where a cell has fewer versions).
    """

    units: tuple[int, ...]
    indicators: tuple[str, ...]
    months: tuple[str, ...]
    counts: FloatArray
    approved_at: FloatArray
    versions: FloatArray
    versions_at: FloatArray

    def as_of(self, instant: float | dt.datetime) -> FloatArray:
        """Counts as they stood at ``instant`` (POSIX seconds or an aware datetime)."""
        return visible_counts(self.versions, self.versions_at, _seconds(instant))

    def month_index(self, month: str) -> int:
        """Position of ``month`` ("YYYY-MM") on the month axis."""
        return self.months.index(month)


def visible_counts(versions: FloatArray, versions_at: FloatArray, instant: float) -> FloatArray:
    """For each cell, the value of its latest version approved at or before ``instant``."""
    out = np.full(versions.shape[1:], np.nan)
    for layer, at in zip(versions, versions_at, strict=True):
        seen = at <= instant
        out = np.where(seen, layer, out)
    return out


def _seconds(instant: float | dt.datetime) -> float:
    return instant.timestamp() if isinstance(instant, dt.datetime) else float(instant)


def read_series(
    *,
    first: str,
    last: str,
    indicators: Iterable[str] | None = None,
    root_unit_ids: Iterable[int] | None = None,
) -> SeriesBlock:
    """Every approved figure of the months ``first``..``last`` (and the indicators, and the units
    in the subtrees of ``root_unit_ids``, when given) as a `SeriesBlock`; one query."""
    months = tuple(periods.month_range(first, last))
    figures = Figure.objects.filter(
        submission__status__in=APPROVED,
        submission__approved_at__isnull=False,
        submission__month__in=months,
    )
    wanted = sorted(set(indicators)) if indicators is not None else None
    if wanted is not None:
        figures = figures.filter(indicator_code__in=wanted)
    if root_unit_ids is not None:
        figures = figures.filter(in_subtree(root_unit_ids, "unit_id"))
    rows = list(
        figures.values_list(
            "unit_id",
            "indicator_code",
            "submission__month",
            "submission__approved_at",
            "submission__kind",
            "submission__scheme_version__deadline_day",
            "value",
        ).iterator(chunk_size=20000)
    )
    return _block(rows, months, wanted)


Row = tuple[int, str, str, dt.datetime | None, str, int, int]


def _block(rows: list[Row], months: tuple[str, ...], wanted: list[str] | None) -> SeriesBlock:
    units = tuple(sorted({row[0] for row in rows}))
    codes = tuple(wanted if wanted is not None else sorted({row[1] for row in rows}))
    unit_at = {u: i for i, u in enumerate(units)}
    code_at = {c: i for i, c in enumerate(codes)}
    month_at = {m: i for i, m in enumerate(months)}
    due: dict[tuple[str, int], float] = {}
    cells: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    for unit_id, code, month, approved, kind, deadline_day, value in rows:
        if approved is None:
            continue
        at = approved.timestamp()
        if kind == Kind.HISTORICAL:
            key = (month, deadline_day)
            if key not in due:
                due[key] = deadline(month, deadline_day).timestamp()
            at = due[key]
        cell = (unit_at[unit_id], code_at[code], month_at[month])
        cells.setdefault(cell, []).append((at, float(value)))
    depth = max((len(v) for v in cells.values()), default=1)
    shape = (depth, len(units), len(codes), len(months))
    versions = np.full(shape, np.nan)
    versions_at = np.full(shape, np.nan)
    for (u, i, m), history in cells.items():
        history.sort()
        for v, (when, amount) in enumerate(history):
            versions[v, u, i, m] = amount
            versions_at[v, u, i, m] = when
    counts, approved_at = _latest(versions, versions_at)
    return SeriesBlock(units, codes, months, counts, approved_at, versions, versions_at)


def _latest(versions: FloatArray, versions_at: FloatArray) -> tuple[FloatArray, FloatArray]:
    counts = np.full(versions.shape[1:], np.nan)
    approved = np.full(versions.shape[1:], np.nan)
    for layer, at in zip(versions, versions_at, strict=True):
        present = np.isfinite(at)
        counts = np.where(present, layer, counts)
        approved = np.where(present, at, approved)
    return counts, approved
