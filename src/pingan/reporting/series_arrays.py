"""Every approved version of monthly figures read into flat arrays: one grouped query.

The warnings' series (and their backtest) need, for each approved figure of some months, its
unit, indicator, month, value and the instant it counts as approved. Reading that as one ORM row
per figure (4.3 M rows at province size, each with a parsed timestamp) took minutes. Here the
database groups the figures by submission and indicator: each group carries its submission's
month, approval instant, kind and deadline day once, and its (unit, value) pairs packed — on
PostgreSQL as one bytea of big-endian integers that numpy reads without a Python object
per figure, on SQLite as comma-separated text.

When a figure counts as approved: at its submission's `approved_at`, except for historical loads
(figures of months before pingan kept them, entered in bulk later), which count as approved at
their month's reporting deadline, as if reported on time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import models
from django.db.models import F, Min

from pingan.engine._types import FloatArray, IntArray
from pingan.reporting.deadlines import deadline
from pingan.reporting.models import Figure, Kind, Status
from pingan.units.tree import in_subtree

APPROVED = (Status.APPROVED, Status.RECEIVED)
PACKED = np.dtype([("unit", ">i8"), ("value", ">i4")])
"""One figure in PostgreSQL's packed pairs: its unit id (8 bytes) and value (4), big-endian."""


@dataclass(frozen=True)
class ApprovedVersions:
    """One entry per approved figure version, in no particular order.

    ``code_index`` and ``month_index`` point into ``codes`` and the months asked for;
    ``approved_at`` is the POSIX time the version counts as approved.
    """

    codes: tuple[str, ...]
    unit_ids: IntArray
    code_index: IntArray
    month_index: IntArray
    approved_at: FloatArray
    values: FloatArray


class PackedCells(models.Aggregate):
    """The grouped figures' (unit, value) pairs in one value (bytea on PostgreSQL, text on SQLite)."""

    name = "PackedCells"
    output_field = models.TextField()

    def __init__(self) -> None:
        """Pack the unit id and value of each figure in the group."""
        super().__init__(F("unit_id"), F("value"))

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        """SQL of the packed pairs for this database."""
        unit_sql, unit_params = compiler.compile(self.get_source_expressions()[0])
        value_sql, value_params = compiler.compile(self.get_source_expressions()[1])
        if connection.vendor == "postgresql":
            template = (
                "STRING_AGG(int8send(CAST(%s AS BIGINT)) || int4send(CAST(%s AS INTEGER)),"
                " ''::bytea)"
            )
        else:
            template = "GROUP_CONCAT(%s || ',' || %s, ',')"
        return template % (unit_sql, value_sql), [*unit_params, *value_params]


def approved_versions(
    *,
    months: tuple[str, ...],
    indicators: list[str] | None = None,
    root_unit_ids: Iterable[int] | None = None,
) -> ApprovedVersions:
    """Every approved figure version of ``months`` (of ``indicators`` and of the subtrees of
    ``root_unit_ids`` when given); one query.

    ``codes`` is ``indicators`` when given, else the indicators found, sorted.
    """
    figures = Figure.objects.filter(
        submission__status__in=APPROVED,
        submission__approved_at__isnull=False,
        submission__month__in=months,
    )
    if indicators is not None:
        figures = figures.filter(indicator_code__in=indicators)
    if root_unit_ids is not None:
        figures = figures.filter(in_subtree(root_unit_ids, "unit_id"))
    groups = list(
        figures.order_by()
        .values_list("submission_id", "indicator_code")
        .annotate(
            month=Min("submission__month"),
            approved=Min("submission__approved_at"),
            kind=Min("submission__kind"),
            deadline_day=Min("submission__scheme_version__deadline_day"),
            packed=PackedCells(),
        )
    )
    codes = tuple(indicators) if indicators is not None else tuple(sorted({g[1] for g in groups}))
    return _versions(groups, months, codes)


def _pairs(packed: bytes | memoryview | str) -> IntArray:
    """(n, 2) int64 unit id and value pairs from one group's packed value."""
    if isinstance(packed, str):
        return np.array(packed.split(","), dtype=np.int64).reshape(-1, 2)
    records = np.frombuffer(bytes(packed), dtype=PACKED)
    return np.stack([records["unit"], records["value"]], axis=1).astype(np.int64)


def _versions(
    groups: list[Any], months: tuple[str, ...], codes: tuple[str, ...]
) -> ApprovedVersions:
    month_at = {m: i for i, m in enumerate(months)}
    code_at = {c: i for i, c in enumerate(codes)}
    due: dict[tuple[str, int], float] = {}
    parts: list[IntArray] = []
    columns: list[tuple[int, int, float, int]] = []
    for _submission, code, month, approved, kind, deadline_day, packed in groups:
        at = approved.timestamp()
        if kind == Kind.HISTORICAL:
            key = (month, deadline_day)
            if key not in due:
                due[key] = deadline(month, deadline_day).timestamp()
            at = due[key]
        pairs = _pairs(packed)
        parts.append(pairs)
        columns.append((code_at[code], month_at[month], at, len(pairs)))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ApprovedVersions(codes, empty, empty, empty, np.zeros(0), np.zeros(0))
    pairs = np.concatenate(parts)
    sizes = [n for *_rest, n in columns]
    return ApprovedVersions(
        codes=codes,
        unit_ids=pairs[:, 0],
        code_index=np.repeat(np.array([c[0] for c in columns], dtype=np.int64), sizes),
        month_index=np.repeat(np.array([c[1] for c in columns], dtype=np.int64), sizes),
        approved_at=np.repeat(np.array([c[2] for c in columns], dtype=np.float64), sizes),
        values=pairs[:, 1].astype(np.float64),
    )
