"""Approved monthly figures as arrays, for the detectors and the backtest.

One grouped query (`pingan.reporting.series_arrays`) reads every approved version (approved or
received, current or superseded) of the wanted cells as flat arrays - no per-cell Python
objects - laid out here as a `SeriesBlock`: for each unit × indicator × month the value of the version in force now and, per version, its value and the
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
from pingan.reporting.series_arrays import ApprovedVersions, approved_versions


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
    wanted = sorted(set(indicators)) if indicators is not None else None
    found = approved_versions(months=months, indicators=wanted, root_unit_ids=root_unit_ids)
    return _block(found, months)


def _block(found: ApprovedVersions, months: tuple[str, ...]) -> SeriesBlock:
    """Lay the versions out by cell, oldest first (ties by value), as a `SeriesBlock`."""
    units, unit_index = np.unique(found.unit_ids, return_inverse=True)
    cells = (len(units), len(found.codes), len(months))
    cell = np.ravel_multi_index((unit_index, found.code_index, found.month_index), cells)
    rank = _version_rank(cell, found)
    depth = int(rank.max()) + 1 if rank.size else 1
    versions = np.full((depth, *cells), np.nan)
    versions_at = np.full((depth, *cells), np.nan)
    where = (rank, unit_index, found.code_index, found.month_index)
    versions[where] = found.values
    versions_at[where] = found.approved_at
    counts, approved_at = _latest(versions, versions_at)
    unit_ids = tuple(int(u) for u in units)
    return SeriesBlock(unit_ids, found.codes, months, counts, approved_at, versions, versions_at)


def _version_rank(cell: np.ndarray, found: ApprovedVersions) -> np.ndarray:
    """Each version's place among its cell's versions, by approval instant then value.

    Only the cells with more than one version (corrections) are sorted.
    """
    rank = np.zeros(cell.size, dtype=np.int64)
    if not cell.size:
        return rank
    several = np.flatnonzero(np.bincount(cell)[cell] > 1)
    if not several.size:
        return rank
    own = cell[several]
    order = np.lexsort((found.values[several], found.approved_at[several], own))
    sorted_cells = own[order]
    positions = np.arange(sorted_cells.size)
    starts = np.ones(sorted_cells.size, dtype=bool)
    starts[1:] = sorted_cells[1:] != sorted_cells[:-1]
    rank[several[order]] = positions - np.maximum.accumulate(np.where(starts, positions, 0))
    return rank


def _latest(versions: FloatArray, versions_at: FloatArray) -> tuple[FloatArray, FloatArray]:
    counts = np.full(versions.shape[1:], np.nan)
    approved = np.full(versions.shape[1:], np.nan)
    for layer, at in zip(versions, versions_at, strict=True):
        present = np.isfinite(at)
        counts = np.where(present, layer, counts)
        approved = np.where(present, at, approved)
    return counts, approved
