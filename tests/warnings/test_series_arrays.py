"""The grouped array read of approved figures gives what one ORM row per figure gave."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from pingan.core import periods
from pingan.reporting.deadlines import deadline
from pingan.reporting.models import Figure, Kind, Status, Submission
from pingan.schemes.models import ReportingBody
from pingan.units.models import OrgUnit
from pingan.units.tree import in_subtree
from pingan.warnings.series import read_series

UTC = dt.UTC
CODES = ["criminal", "fraud", "mass_incident"]
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def _row_by_row(first, last, indicators=None, root_unit_ids=None):
    """The former reading: one ORM row per figure, each timestamp parsed, versions sorted per cell."""
    months = tuple(periods.month_range(first, last))
    figures = Figure.objects.filter(
        submission__status__in=(Status.APPROVED, Status.RECEIVED),
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
        )
    )
    units = tuple(sorted({row[0] for row in rows}))
    codes = tuple(wanted if wanted is not None else sorted({row[1] for row in rows}))
    cells: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    for unit_id, code, month, approved, kind, day, value in rows:
        at = deadline(month, day).timestamp() if kind == Kind.HISTORICAL else approved.timestamp()
        key = (units.index(unit_id), codes.index(code), months.index(month))
        cells.setdefault(key, []).append((at, float(value)))
    depth = max((len(v) for v in cells.values()), default=1)
    versions = np.full((depth, len(units), len(codes), len(months)), np.nan)
    versions_at = np.full(versions.shape, np.nan)
    for (u, i, m), history in cells.items():
        for v, (when, amount) in enumerate(sorted(history)):
            versions[v, u, i, m] = amount
            versions_at[v, u, i, m] = when
    return units, codes, versions, versions_at


def _submission(body, scheme, month, number, kind, approved, *, current, status):
    return Submission.objects.create(
        body=body, month=month, number=number, scheme_version=scheme, status=status, kind=kind,
        is_current=current, approved_at=approved,
    )  # fmt: skip


@pytest.fixture
def history(binzhou, demo_units):
    """Figures of four months: a historical load, corrections (one approved at the same instant as
    the version it corrects), a submission not yet approved, cells missing at random."""
    chance = random.Random(17)
    police = ReportingBody.objects.get(code="police")
    units = list(OrgUnit.objects.order_by("pk"))
    same = dt.datetime(2026, 3, 3, 9, 30, 15, 123456, tzinfo=UTC)
    plan = [
        ("2026-01", 1, Kind.HISTORICAL, dt.datetime(2026, 11, 1, tzinfo=UTC), True, Status.RECEIVED),
        ("2026-02", 1, Kind.REGULAR, same, False, Status.APPROVED),
        ("2026-02", 2, Kind.CORRECTION, same, True, Status.APPROVED),
        ("2026-03", 1, Kind.REGULAR, dt.datetime(2026, 4, 2, tzinfo=UTC), False, Status.APPROVED),
        ("2026-03", 2, Kind.CORRECTION, dt.datetime(2026, 4, 9, tzinfo=UTC), False, Status.APPROVED),
        ("2026-03", 3, Kind.CORRECTION, dt.datetime(2026, 5, 1, tzinfo=UTC), True, Status.APPROVED),
        ("2026-04", 1, Kind.REGULAR, None, False, Status.SUBMITTED),
    ]  # fmt: skip
    for month, number, kind, approved, current, status in plan:
        submission = _submission(
            police, binzhou, month, number, kind, approved, current=current, status=status
        )
        Figure.objects.bulk_create(
            Figure(submission=submission, unit=unit, indicator_code=code,
                   value=chance.randrange(0, 4))
            for unit in units for code in CODES if chance.random() < 0.8
        )  # fmt: skip
    return units


def _assert_same(block, expected):
    units, codes, versions, versions_at = expected
    assert block.units == units
    assert block.indicators == codes
    assert np.array_equal(block.versions, versions, equal_nan=True)
    assert np.array_equal(block.versions_at, versions_at, equal_nan=True)


@pytest.mark.django_db
def test_all_indicators_all_units_as_the_row_by_row_reading(history):
    block = read_series(first="2026-01", last="2026-04")
    expected = _row_by_row("2026-01", "2026-04")
    _assert_same(block, expected)
    assert block.versions.shape == (3, len(history), 3, 4)
    assert np.isnan(block.counts[:, :, 3]).all()


@pytest.mark.django_db
def test_some_indicators_and_a_subtree_as_the_row_by_row_reading(history):
    root = [history[1].pk]
    block = read_series(
        first="2026-02", last="2026-03", indicators=["fraud", "criminal", "absent"],
        root_unit_ids=root,
    )  # fmt: skip
    expected = _row_by_row("2026-02", "2026-03", ["fraud", "criminal", "absent"], root)
    _assert_same(block, expected)
    assert block.indicators == ("absent", "criminal", "fraud")
    assert np.isnan(block.counts[:, 0, :]).all()


@pytest.mark.django_db
def test_nothing_approved_gives_an_empty_block(history):
    block = read_series(first="2026-04", last="2026-05")
    assert block.units == ()
    assert block.versions.shape == (1, 0, 0, 2)
