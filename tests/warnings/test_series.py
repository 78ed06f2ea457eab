"""Approved figures as arrays: current values, versions, replay as of an instant, scoping."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pingan.reporting.deadlines import deadline
from pingan.reporting.models import Figure, Kind, Status, Submission
from pingan.schemes.models import ReportingBody
from pingan.units.models import OrgUnit
from pingan.warnings.series import read_series

UTC = dt.UTC


def _version(
    body, binzhou, month, number, kind, approved, values, *, current, status=Status.APPROVED
):
    submission = Submission.objects.create(
        body=body,
        month=month,
        number=number,
        scheme_version=binzhou,
        status=status,
        kind=kind,
        is_current=current,
        approved_at=approved,
    )
    Figure.objects.bulk_create(
        Figure(submission=submission, unit=unit, indicator_code=code, value=value)
        for (unit, code), value in values.items()
    )
    return submission


@pytest.fixture
def figures(binzhou, demo_units):
    police = ReportingBody.objects.get(code="police")
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["BZ01", "BZ02"])}
    bz01, bz02 = units["BZ01"], units["BZ02"]
    loaded = dt.datetime(2026, 11, 1, tzinfo=UTC)
    _version(police, binzhou, "2026-01", 1, Kind.HISTORICAL, loaded,
             {(bz01, "criminal"): 5, (bz02, "criminal"): 3}, current=True)  # fmt: skip
    _version(police, binzhou, "2026-02", 1, Kind.REGULAR, dt.datetime(2026, 3, 3, tzinfo=UTC),
             {(bz01, "criminal"): 7}, current=False)  # fmt: skip
    _version(police, binzhou, "2026-02", 2, Kind.CORRECTION, dt.datetime(2026, 3, 20, tzinfo=UTC),
             {(bz01, "criminal"): 9}, current=True)  # fmt: skip
    _version(police, binzhou, "2026-03", 1, Kind.REGULAR, None,
             {(bz01, "criminal"): 40}, current=False, status=Status.SUBMITTED)  # fmt: skip
    return units


@pytest.mark.django_db
def test_current_values_versions_and_missing_cells(figures, django_assert_num_queries):
    with django_assert_num_queries(1):
        block = read_series(first="2026-01", last="2026-03", indicators=["criminal"])
    assert block.units == (figures["BZ01"].pk, figures["BZ02"].pk)
    assert block.months == ("2026-01", "2026-02", "2026-03")
    assert np.array_equal(
        block.counts[:, 0, :], [[5, 9, np.nan], [3, np.nan, np.nan]], equal_nan=True
    )
    historical_due = deadline("2026-01", 5).timestamp()
    assert block.approved_at[0, 0, 0] == historical_due
    assert block.approved_at[0, 0, 1] == dt.datetime(2026, 3, 20, tzinfo=UTC).timestamp()
    assert block.versions.shape == (2, 2, 1, 3)


@pytest.mark.django_db
def test_replay_sees_only_what_was_approved_by_then(figures):
    block = read_series(first="2026-01", last="2026-03", indicators=["criminal"])
    early = block.as_of(dt.datetime(2026, 2, 1, tzinfo=UTC))
    assert np.isnan(early).all()
    first = block.as_of(dt.datetime(2026, 3, 10, tzinfo=UTC))
    assert np.array_equal(first[:, 0, :2], [[5, 7], [3, np.nan]], equal_nan=True)
    later = block.as_of(dt.datetime(2026, 3, 25, tzinfo=UTC))
    assert later[0, 0, 1] == 9.0


@pytest.mark.django_db
def test_scoped_to_a_subtree_and_to_all_indicators(figures, django_assert_num_queries):
    with django_assert_num_queries(1):
        block = read_series(first="2026-01", last="2026-02", root_unit_ids=[figures["BZ02"].pk])
    assert block.units == (figures["BZ02"].pk,)
    assert block.indicators == ("criminal",)
    assert block.counts[0, 0].tolist() == [3.0, pytest.approx(np.nan, nan_ok=True)]
