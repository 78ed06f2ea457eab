"""The daily matter scan: counts per unit × category through the detector, and repeats at one place."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.core import events
from pingan.core.jobs import run_owed_jobs
from pingan.matters.actions import catalogue
from pingan.warnings.models import Warning
from pingan.warnings.watch_matters import daily_counts, repeated_places

from .conftest import at
from .matter_rows import add_matters

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 28)


@pytest.fixture
def matters(units):
    """One noise matter a day at BZ0101 for four weeks, eight on the last day; repeats at BZ0102."""
    catalogue.ensure_defaults()
    days = [DAY - dt.timedelta(days=k) for k in range(1, 28)]
    add_matters(
        unit="BZ0101", category="neighbour_noise", moments=[at(d.isoformat(), 9) for d in days]
    )
    add_matters(
        unit="BZ0101",
        category="neighbour_noise",
        moments=[at(DAY.isoformat(), h) for h in range(8, 16)],
    )
    # Matters of the local evening fall on their local day (00:30 local is the previous UTC day).
    add_matters(
        unit="BZ0101", category="labour_wages", moments=[at(DAY.isoformat(), 0).replace(minute=30)]
    )
    add_matters(
        unit="BZ0101", category="labour_wages", moments=[at(DAY.isoformat(), 12)], status="merged"
    )
    add_matters(
        unit="BZ0102",
        category="property_fee",
        address="幸福小区3号楼",
        moments=[at("2026-10-02"), at("2026-10-15"), at(DAY.isoformat())],
    )
    add_matters(
        unit="BZ0102", category="property_fee", address="和谐家园",
        moments=[at("2026-10-20"), at("2026-10-21"), at("2026-10-22")],  # none on the day
    )  # fmt: skip


def test_daily_counts_group_by_local_day(matters, units):
    keys, counts = daily_counts(DAY - dt.timedelta(days=2), DAY)
    by_key = {key: list(row) for key, row in zip(keys, counts, strict=True)}
    from pingan.matters.models import Category

    noise = Category.objects.get(code="neighbour_noise").pk
    wages = Category.objects.get(code="labour_wages").pk
    assert by_key[(units["BZ0101"].pk, noise)] == [1.0, 1.0, 8.0]
    assert by_key[(units["BZ0101"].pk, wages)] == [0.0, 0.0, 1.0]
    assert counts.sum() == 10.0 + 1.0 + 1.0  # noise over the 3 days, wages, one property fee


def test_repeated_places_need_one_on_the_day(matters, units):
    from pingan.matters.models import Category

    fee = Category.objects.get(code="property_fee").pk
    assert repeated_places(DAY, 30, 3) == [(units["BZ0102"].pk, fee, "幸福小区3号楼", 3)]
    assert repeated_places(DAY, 20, 3) == []


def test_a_tick_owes_the_scan_and_it_raises_the_warnings(matters, units):
    events.publish(events.MATTERS_TICKED, now=at("2026-10-29", 8))
    events.publish(events.MATTERS_TICKED, now=at("2026-10-29", 9))  # same day: the scan once
    assert run_owed_jobs() == 3  # one scan, two escalation checks
    warnings = {w.source: w for w in Warning.objects.all()}
    assert sorted(warnings) == ["matters", "repeats"]
    daily = warnings["matters"]
    assert (daily.unit.code, daily.series_key, daily.period, daily.detector) == (
        "BZ0101",
        "neighbour_noise",
        "2026-10-28",
        "ears_c2",
    )
    assert (daily.observed, daily.expected, daily.alpha) == (8.0, 1.0, 0.01)
    assert daily.threshold == pytest.approx(1.0 + 2.3263478740408408)
    assert daily.level == "orange"  # 8 is 2.4 times the threshold
    assert daily.series["counts"][-3:] == [1.0, 1.0, 8.0]
    assert len(daily.series["periods"]) == len(daily.series["upper"])
    repeat = warnings["repeats"]
    assert (
        repeat.unit.code,
        repeat.series_key,
        repeat.observed,
        repeat.threshold,
        repeat.level,
    ) == ("BZ0102", "property_fee|幸福小区3号楼", 3.0, 3.0, "yellow")
