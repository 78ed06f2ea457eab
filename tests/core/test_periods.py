"""The calendar of months and quarters: one validation rule, naming the bad value."""

from __future__ import annotations

import datetime as dt

import pytest

from pingan.core import periods


def test_months_and_quarters_step_across_years():
    assert periods.next_month("2026-12") == "2027-01"
    assert periods.previous_month("2027-01") == "2026-12"
    assert periods.month_range("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert periods.quarter_of("2026-12") == "2026Q4"
    assert periods.quarter_months("2027Q1") == ["2027-01", "2027-02", "2027-03"]
    assert periods.quarter_window("2027Q1", 3) == ["2026Q3", "2026Q4", "2027Q1"]


def test_bounds_of_months_and_quarters():
    assert periods.month_bounds("2028-02") == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert periods.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "1899-12", "26-01", "2026-01 "])
def test_parse_month_answers_none_for_a_bad_month(text):
    assert periods.parse_month(text) is None


@pytest.mark.parametrize(
    ("function", "text", "message"),
    [
        (periods.quarter_of, "2026-13", "not a month of the form YYYY-MM: '2026-13'"),
        (periods.next_month, "2026/01", "not a month of the form YYYY-MM: '2026/01'"),
        (periods.month_bounds, "1899-12", "not a month of the form YYYY-MM: '1899-12'"),
        (periods.quarter_months, "2026Q5", "not a quarter of the form YYYYQn: '2026Q5'"),
        (periods.quarter_bounds, "2026-Q1", "not a quarter of the form YYYYQn: '2026-Q1'"),
    ],
)
def test_a_bad_month_or_quarter_is_refused_naming_it(function, text, message):
    with pytest.raises(ValueError) as refused:
        function(text)
    assert str(refused.value) == message
