"""Approved figures read as arrays from their packs: a window of quarters in a few hundred rows.

An approved version's figures are locked (reporting refuses to change them) and a correction is
a new version, so the arrays of a current version, once packed, stay true. Scoring reads the
packs of the window's current versions (one row per reporting body and month: 288 rows for
2.9 M cells at province size) instead of every figure, and packs the versions that have no pack
yet from their figures first, in the same call (`pingan.reporting.arrays.submission_rows`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from pingan.core.binary_rows import binary_rows
from pingan.reporting.arrays import submission_rows
from pingan.reporting.models import Submission
from pingan.scores.models import FigurePack

NO_VALUE = -1
"""A packed value where the unit has no figure of the indicator (values are never negative)."""


@dataclass(frozen=True)
class Pack:
    """One version's figures: unit ids (U,), indicator codes (C), values and figure ids (U, C)."""

    units: np.ndarray
    codes: list[str]
    values: np.ndarray
    figures: np.ndarray | None


def window_arrays(
    *, indicator_codes: list[str], unit_ids: list[int], months: list[str], figure_months: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(U, C, M) current approved values (NaN where never approved) and figure ids (0 there).

    Axes follow the order of `unit_ids`, `indicator_codes` and `months`; figure ids are read for
    `figure_months` only (0 in the other months).
    """
    shape = (len(unit_ids), len(indicator_codes), len(months))
    values = np.full(shape, np.nan)
    figure_ids = np.zeros(shape, dtype=np.int64)
    submissions = dict(
        Submission.objects.filter(is_current=True, month__in=months).values_list("pk", "month")
    )
    if not submissions or not indicator_codes or not unit_ids:
        return values, figure_ids
    with_figures = {pk for pk, month in submissions.items() if month in figure_months}
    packs = read_packs(list(submissions), with_figures)
    missing = [pk for pk in submissions if pk not in packs]
    if missing:
        packs.update(fill_packs(missing, with_figures))
    place = _Placement(unit_ids, indicator_codes)
    month_index = {m: k for k, m in enumerate(months)}
    # Packs of the same units and codes (one reporting body's months) are spread together.
    alike: dict[tuple[bytes, tuple[str, ...]], list[tuple[Pack, int]]] = {}
    for pk, month in submissions.items():
        pack = packs[pk]
        key = (pack.units.tobytes(), tuple(pack.codes))
        alike.setdefault(key, []).append((pack, month_index[month]))
    for group in alike.values():
        place.scatter(group, (values, figure_ids))
    return values, figure_ids


class _Placement:
    """Where a pack's units and codes go on the wanted axes; packs of the same units share it."""

    def __init__(self, unit_ids: list[int], indicator_codes: list[str]) -> None:
        self.units = np.asarray(unit_ids, dtype=np.int64)
        self.order = np.argsort(self.units, kind="stable")
        self.column = {code: j for j, code in enumerate(indicator_codes)}
        self.known: dict[bytes, tuple[np.ndarray, np.ndarray | slice]] = {}

    def rows(self, pack_units: np.ndarray) -> tuple[np.ndarray, np.ndarray | slice]:
        """The pack's rows of wanted units, and where each goes on the units axis (a slice of
        the whole axis when the pack holds exactly the wanted units in their order)."""
        key = pack_units.tobytes()
        if key not in self.known:
            ordered = self.units[self.order]
            at = np.minimum(np.searchsorted(ordered, pack_units), len(ordered) - 1)
            rows = np.where(ordered[at] == pack_units, self.order[at], -1)
            keep = np.flatnonzero(rows >= 0)
            to_rows = rows[keep]
            in_order = len(keep) == len(self.units) and np.array_equal(
                to_rows, np.arange(len(keep))
            )
            self.known[key] = (keep, slice(None) if in_order else to_rows)
        return self.known[key]

    def scatter(self, group: list[tuple[Pack, int]], into: tuple[np.ndarray, np.ndarray]) -> None:
        """Write the cells of packs of the same units and codes (each with its month).

        Each kept column of each pack is copied onto its line of the (units, indicators,
        months) arrays, through a view where the pack holds every wanted unit in order; where a
        pack has no value the arrays keep what they had.
        """
        values, figure_ids = into
        first = group[0][0]
        keep_rows, to_rows = self.rows(first.units)
        columns = np.array([self.column.get(code, -1) for code in first.codes], dtype=np.int64)
        keep_columns = np.flatnonzero(columns >= 0)
        every = len(keep_rows) == len(first.units) and len(keep_columns) == len(columns)

        def kept(grid: np.ndarray) -> np.ndarray:
            return grid if every else grid[keep_rows][:, keep_columns]

        for pack, month in group:
            grid = kept(pack.values)
            ids = None if pack.figures is None else kept(pack.figures)
            present = grid != NO_VALUE
            for j, column in enumerate(columns[keep_columns].tolist()):
                _put(values, (to_rows, column, month), grid[:, j], present[:, j])
                if ids is not None:
                    _put(figure_ids, (to_rows, column, month), ids[:, j], present[:, j])


def _put(
    target: np.ndarray,
    at: tuple[np.ndarray | slice, int, int],
    source: np.ndarray,
    present: np.ndarray,
) -> None:
    """Copy `source` where `present` onto the line `at` (rows, column, month) of `target`."""
    rows, column, month = at
    if isinstance(rows, slice):
        np.copyto(target[rows, column, month], source, where=present)
    else:
        target[rows[present], column, month] = source[present]


def read_packs(submission_ids: list[int], with_figures: set[int]) -> dict[int, Pack]:
    """The stored packs of these versions (with their figure ids for `with_figures`)."""
    stored = FigurePack.objects.filter(submission_id__in=submission_ids)
    ids = dict(
        _fetched(
            stored.filter(submission_id__in=with_figures).values_list("submission_id", "figures")
        )
    )
    return {
        pk: _pack(units, codes, data, ids.get(pk))
        for pk, codes, units, data in _fetched(
            stored.values_list("submission_id", "codes", "units", "values")
        )
    }


def _fetched(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query; on PostgreSQL fetched in binary (`core.binary_rows`),
    so that the packs' bytes arrive as they are, in half the time of hex text."""
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    return binary_rows(sql, params)


def _pack(
    units: bytes | memoryview,
    codes: list[str] | str,
    values: bytes | memoryview,
    figures: bytes | memoryview | None,
) -> Pack:
    if isinstance(codes, str):  # a JSON text where the driver does not decode it
        codes = json.loads(codes)
    unit_ids = np.frombuffer(units, dtype="<i8")
    shape = (len(unit_ids), len(codes))
    return Pack(
        unit_ids,
        list(codes),
        np.frombuffer(values, dtype="<i4").reshape(shape),
        None if figures is None else np.frombuffer(figures, dtype="<i8").reshape(shape),
    )


def fill_packs(submission_ids: list[int], with_figures: set[int]) -> dict[int, Pack]:
    """Pack these versions from their figures, store the packs, drop those of superseded versions.

    Another process packing the same version at once stores the same pack; the second is ignored.
    """
    codes, rows = submission_rows(submission_ids)
    rows = rows[np.lexsort((rows[:, 0], rows[:, 2]))]
    starts = np.searchsorted(rows[:, 2], submission_ids, side="left")
    ends = np.searchsorted(rows[:, 2], submission_ids, side="right")
    built = {}
    for pk, start, end in zip(submission_ids, starts, ends, strict=True):
        built[pk] = _build(rows[start:end], codes)
    FigurePack.objects.bulk_create(
        [
            FigurePack(
                submission_id=pk,
                codes=pack.codes,
                units=pack.units.astype("<i8").tobytes(),
                values=pack.values.astype("<i4").tobytes(),
                figures=np.asarray(pack.figures).astype("<i8").tobytes(),
            )
            for pk, pack in built.items()
        ],
        batch_size=20,
        ignore_conflicts=True,
    )
    FigurePack.objects.exclude(submission__is_current=True).delete()
    return {
        pk: pack if pk in with_figures else Pack(pack.units, pack.codes, pack.values, None)
        for pk, pack in built.items()
    }


def _build(rows: np.ndarray, codes: list[str]) -> Pack:
    """One version's pack from its rows (unit id, column, submission, value, figure id)."""
    units, unit_at = np.unique(rows[:, 0], return_inverse=True)
    used, column_at = np.unique(rows[:, 1], return_inverse=True)
    values = np.full((len(units), len(used)), NO_VALUE, dtype=np.int64)
    figures = np.zeros((len(units), len(used)), dtype=np.int64)
    values[unit_at, column_at] = rows[:, 3]
    figures[unit_at, column_at] = rows[:, 4]
    return Pack(units, [codes[int(j)] for j in used], values, figures)
