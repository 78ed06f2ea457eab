"""The problem register and the effective warning rate (exact Wilson values)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from pingan.core.problems import InputRefused
from pingan.engine.warning_rate import effective_rate, wilson_interval
from pingan.warnings.actions.lifecycle import acknowledge, close, respond
from pingan.warnings.actions.problems import add_note, open_problem, resolve_problem
from pingan.warnings.models import ProblemRecord
from pingan.warnings.selectors import effective_rates, problem_counts

from .conftest import at


def test_wilson_interval_exact_values():
    assert wilson_interval(9, 10) == pytest.approx(
        (0.5958499732047615, 0.9821237869049271), abs=1e-12
    )
    assert wilson_interval(0, 5) == pytest.approx((0.0, 0.43448246478317476), abs=1e-12)
    assert wilson_interval(72, 78) == pytest.approx(
        (0.8421677019381915, 0.9642695359976443), abs=1e-12
    )
    rate = effective_rate(0, 0, 3)
    assert (rate.rate, rate.low, rate.high, rate.unverified) == (None, None, None, 3)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def _closed(people, signal, series_key, verdict, *, unit="BZ01", level="yellow", day="2026-10-06"):
    warning, _ = signal(series_key=series_key, unit=unit, level=level, now=at(day))
    office = people["analyst"][1]
    acknowledge(actor=office, warning_id=warning.pk, now=at(day, 11))
    respond(actor=office, warning_id=warning.pk, measures="处置", now=at(day, 12))
    return close(actor=office, warning_id=warning.pk, verdict=verdict, now=at(day, 13))


@pytest.mark.django_db
def test_rates_by_level_unit_and_quarter(people, signal):
    _closed(people, signal, "a", "confirmed", level="red")
    _closed(people, signal, "b", "confirmed", level="red", day="2026-07-06")
    _closed(people, signal, "c", "false_alarm", unit="BZ02")
    _closed(people, signal, "d", "unverifiable")
    signal(series_key="open")  # still open: not counted
    rates = effective_rates(actor=people["head"][1])
    overall = rates["overall"]
    assert (overall.confirmed, overall.false_alarms, overall.unverified) == (2, 1, 1)
    assert overall.rate == pytest.approx(2 / 3)
    assert (overall.low, overall.high) == pytest.approx(wilson_interval(2, 3))
    assert [
        (r.key, r.rate.confirmed, r.rate.false_alarms, r.rate.unverified) for r in rates["level"]
    ] == [
        ("red", 2, 0, 0),
        ("yellow", 0, 1, 1),
    ]
    assert [(r.key, r.rate.rate) for r in rates["unit"]] == [("BZ01", 1.0), ("BZ02", 0.0)]
    assert [(r.key, r.rate.judged) for r in rates["quarter"]] == [("2026Q3", 1), ("2026Q4", 2)]
    # The rate page is the office's and the leaders'; a unit viewer has none.
    with pytest.raises(PermissionDenied):
        effective_rates(actor=people["viewer"][1])


@pytest.mark.django_db
def test_problem_register_from_a_confirmed_warning(people, signal, units):
    confirmed = _closed(people, signal, "a", "confirmed")
    false_alarm = _closed(people, signal, "b", "false_alarm")
    office = people["analyst"][1]
    fields = {
        "kind": "mass",
        "title": "某小区业主集体维权",
        "responsible_unit_id": units["BZ01"].pk,
        "leading_office": "区信访局",
        "deadline": dt.date(2026, 12, 31),
        "people_involved": 120,
    }
    with pytest.raises(InputRefused) as refused:
        open_problem(
            actor=office,
            **{**fields, "kind": "x", "people_involved": -1, "title": ""},
            warning_id=false_alarm.pk,
        )
    assert [p.column for p in refused.value.problems] == [
        "kind",
        "title",
        "people_involved",
        "warning",
    ]
    problem = open_problem(actor=office, warning_id=confirmed.pk, now=at("2026-10-10"), **fields)
    with pytest.raises(InputRefused, match="already registered"):
        open_problem(actor=office, warning_id=confirmed.pk, **fields)
    open_problem(actor=office, **{**fields, "kind": "legacy", "title": "历史遗留"})
    add_note(actor=people["viewer"][1], problem_id=problem.pk, text="已召开协调会")
    with pytest.raises(PermissionDenied):
        add_note(actor=people["other"][1], problem_id=problem.pk, text="x")
    with pytest.raises(PermissionDenied):
        resolve_problem(actor=people["viewer"][1], problem_id=problem.pk, resolution="x")
    resolve_problem(actor=office, problem_id=problem.pk, resolution="达成协议")
    with pytest.raises(InputRefused, match="already resolved"):
        resolve_problem(actor=office, problem_id=problem.pk, resolution="again")
    with pytest.raises(InputRefused, match="already resolved"):
        add_note(actor=office, problem_id=problem.pk, text="late")
    assert problem_counts(actor=people["leader"][1]) == {"identified": 2, "resolved": 1, "open": 1}
    assert problem_counts(actor=people["other"][1]) == {"identified": 0, "resolved": 0, "open": 0}
    assert ProblemRecord.objects.get(pk=problem.pk).notes.count() == 1
